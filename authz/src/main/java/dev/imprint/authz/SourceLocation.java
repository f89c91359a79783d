package dev.imprint.authz;

/** Where a value was read: a file name (as given to the parser), a 1-based line and column. */
public record SourceLocation(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
