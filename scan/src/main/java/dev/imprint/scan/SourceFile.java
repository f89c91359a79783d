package dev.imprint.scan;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A text file handed to analyzers: its display path (relative to the scan root, forward
 * slashes), its decoded UTF-8 text and an index from offsets to lines and columns.
 */
public final class SourceFile {
  private final String path;
  private final Path file;
  private final String text;
  private final String root;
  private int[] lineStarts;

  public SourceFile(String path, Path file, String text) {
    this(path, file, text, "");
  }

  /**
   * A file found under a scan target.
   *
   * @param root the scan target it was found under, as the user named it; files of different
   *     targets never meet in cross-file rules
   */
  public SourceFile(String path, Path file, String text, String root) {
    this.path = path;
    this.file = file;
    this.text = text;
    this.root = root == null ? "" : root;
  }

  /** An in-memory file for tests and fuzzing. */
  public static SourceFile of(String path, String text) {
    return new SourceFile(path, null, text);
  }

  /** An in-memory file of a given scan target (tests of cross-file rules). */
  public static SourceFile of(String root, String path, String text) {
    return new SourceFile(path, null, text, root);
  }

  /** Display path, relative to the scan root, with forward slashes. */
  public String path() {
    return path;
  }

  /** The file on disk, or {@code null} for in-memory sources. */
  public Path file() {
    return file;
  }

  public String text() {
    return text;
  }

  /**
   * The scan target this file was found under, as the user named it ({@code ""} for in-memory
   * files). Cross-file rules combine only files of the same target.
   */
  public String root() {
    return root;
  }

  /** The display path of the directory holding this file ({@code ""} at the top). */
  public String directory() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** The last path segment. */
  public String name() {
    int slash = path.lastIndexOf('/');
    return path.substring(slash + 1);
  }

  /** The last path segment in lower case (for matching names and extensions). */
  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Location location(int line) {
    return Location.of(path, line);
  }

  public Location location(int line, int column) {
    return new Location(path, line, column);
  }

  /** The location of a 0-based character offset into {@link #text()}. */
  public Location locationOfOffset(int offset) {
    int[] starts = lineStarts();
    int idx = Arrays.binarySearch(starts, offset);
    int lineIndex = idx >= 0 ? idx : -idx - 2;
    return new Location(path, lineIndex + 1, offset - starts[lineIndex] + 1);
  }

  /** Number of lines (a trailing newline does not start a new line). */
  public int lineCount() {
    int[] starts = lineStarts();
    int n = starts.length;
    return n > 1 && starts[n - 1] == text.length() ? n - 1 : n;
  }

  /** The text of a 1-based line, without its line terminator; empty when out of range. */
  public String line(int line) {
    int[] starts = lineStarts();
    if (line < 1 || line > starts.length) {
      return "";
    }
    int start = starts[line - 1];
    int end = line < starts.length ? starts[line] : text.length();
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(start, end);
  }

  private int[] lineStarts() {
    int[] starts = lineStarts;
    if (starts == null) {
      int count = 1;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          count++;
        }
      }
      starts = new int[count];
      int k = 1;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          starts[k++] = i + 1;
        }
      }
      lineStarts = starts;
    }
    return starts;
  }
}
