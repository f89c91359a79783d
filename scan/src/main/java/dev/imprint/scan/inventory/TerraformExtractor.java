package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfReader;
import dev.imprint.scan.terraform.TfValues;

/**
 * Keeps every {@code .tf} file the shared reader can read, and the auto-loaded variable
 * definitions files that give a module's variables their values (a module is one directory).
 */
final class TerraformExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    Tf.File tf;
    if (file.lowerName().endsWith(".tf")) {
      tf = TfReader.read(file);
    } else if (TfValues.autoLoaded(file.name())) {
      tf = TfReader.parseDefinitions(file).file();
    } else {
      return;
    }
    if (tf == null) {
      return;
    }
    String path = file.path();
    int slash = path.lastIndexOf('/');
    facts.terraform.add(new Facts.TfFile(slash < 0 ? "" : path.substring(0, slash), tf));
  }
}
