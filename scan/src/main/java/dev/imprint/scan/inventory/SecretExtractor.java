package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;

/**
 * Finds credentials baked into any file; keeps only their redacted form and fingerprint. What
 * the scanner drops as a placeholder or a commented example is left out the same way.
 */
final class SecretExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    for (SecretHit hit : SecretDetectors.find(file.name(), file.text())) {
      int line = file.locationOfOffset(hit.start()).line();
      if (hit.evidence().placeholder()
          || !hit.evidence().format() && Secrets.exampleComment(file, line)) {
        continue;
      }
      facts.embedded.add(new Facts.Embedded(file.path(), line, hit.kind(), hit.evidence()));
    }
  }
}
