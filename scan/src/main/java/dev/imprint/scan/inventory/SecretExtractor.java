package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;

/** Finds credentials baked into any file; keeps only their redacted form and fingerprint. */
final class SecretExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    for (SecretHit hit : SecretDetectors.find(file.name(), file.text())) {
      int line = file.locationOfOffset(hit.start()).line();
      facts.embedded.add(new Facts.Embedded(file.path(), line, hit.kind(), hit.evidence()));
    }
  }
}
