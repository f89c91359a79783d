package dev.imprint.scan;

/**
 * A place in a scanned file: a display path relative to the scan root (with forward slashes),
 * and a 1-based line and column. Line 0 means "the whole file".
 */
public record Location(String path, int line, int column) {

  public Location {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("location path must not be empty");
    }
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException(
          "location line and column must be >= 0, got " + line + ":" + column);
    }
  }

  public static Location of(String path, int line) {
    return new Location(path, line, line == 0 ? 0 : 1);
  }

  @Override
  public String toString() {
    return line == 0 ? path : path + ":" + line + ":" + column;
  }
}
