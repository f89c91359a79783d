package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfReader;

/** Keeps every {@code .tf} file the shared reader can read (a module is one directory). */
final class TerraformExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    if (!file.lowerName().endsWith(".tf")) {
      return;
    }
    Tf.File tf = TfReader.read(file);
    if (tf == null) {
      return;
    }
    String path = file.path();
    int slash = path.lastIndexOf('/');
    facts.terraform.add(new Facts.TfFile(slash < 0 ? "" : path.substring(0, slash), tf));
  }
}
