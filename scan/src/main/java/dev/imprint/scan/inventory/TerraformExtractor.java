package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;

/** Keeps the blocks of every {@code .tf} file (modules are the files of one directory). */
final class TerraformExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    if (!file.lowerName().endsWith(".tf")) {
      return;
    }
    String path = file.path();
    int slash = path.lastIndexOf('/');
    String dir = slash < 0 ? "" : path.substring(0, slash);
    facts.terraform.add(new Facts.TfFile(path, dir, Hcl.read(file.text())));
  }
}
