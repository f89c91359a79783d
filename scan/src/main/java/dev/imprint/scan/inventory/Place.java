package dev.imprint.scan.inventory;

/**
 * Where something is written: a path relative to the scan target (with {@code /}) and a 1-based
 * line.
 *
 * @param path the file, as the scan reports it
 * @param line the 1-based line, or 1 for a whole file
 */
public record Place(String path, int line) implements Comparable<Place> {

  public Place {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("place path must not be empty");
    }
    line = Math.max(1, line);
  }

  /** The whole file (its first line). */
  public static Place file(String path) {
    return new Place(path, 1);
  }

  @Override
  public int compareTo(Place o) {
    int c = path.compareTo(o.path);
    return c != 0 ? c : Integer.compare(line, o.line);
  }

  /** {@code path:line}. */
  @Override
  public String toString() {
    return path + ":" + line;
  }
}
