package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModules;

/**
 * Keeps every {@code .tf} file the shared reader can read, and the auto-loaded variable
 * definitions files that give a module's variables their values (a module is one directory).
 */
final class TerraformExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    Tf.File tf = TfModules.read(file);
    if (tf != null) {
      facts.terraform.add(new Facts.TfFile(TfModules.directoryOf(file.path()), tf));
    }
  }
}
