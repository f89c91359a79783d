package dev.imprint.scan.ci;

import dev.imprint.scan.Location;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlNode;

/** Finds where a piece of a YAML scalar's text sits in the file. */
final class Locator {
  private Locator() {}

  /**
   * The first line at or after the node that holds the text, at the text's column; the node's
   * own position when the text is not found verbatim (escaped or folded scalars).
   */
  static Location locate(SourceFile file, YamlNode node, String needle) {
    int last = Math.min(file.lineCount(), node.line() + 2000);
    for (int n = node.line(); n <= last; n++) {
      int col = file.line(n).indexOf(needle);
      if (col >= 0) {
        return file.location(n, col + 1);
      }
    }
    return file.location(node.line(), node.column());
  }
}
