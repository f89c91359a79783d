package dev.imprint.scan;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A text file handed to analyzers: its display path (relative to the scan root, forward
 * slashes), its decoded UTF-8 text and an index from offsets to lines and columns. A template
 * engine's file ({@code deployment.yaml.j2}, {@code Dockerfile.j2}) is named to every analyzer
 * as the file it renders ({@link #name()}), while findings keep its real path.
 */
public final class SourceFile {
  /** Suffixes of template engines: the file they render is real configuration. */
  private static final List<String> TEMPLATE_SUFFIXES = List.of(".erb", ".j2", ".jinja",
      ".jinja2", ".tpl", ".tmpl", ".gotmpl", ".tftpl");
  /** Files known by their name alone, with no extension, that a template may render. */
  private static final List<String> EXTENSIONLESS_KINDS =
      List.of("dockerfile", "containerfile", "jenkinsfile");

  private final String path;
  private final Path file;
  private final String text;
  private final String root;
  /** The name the file is read as, computed once: analyzers ask for it on every file. */
  private final String name;
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
    this(path, file, text, root, readAs(path.substring(path.lastIndexOf('/') + 1), text));
  }

  private SourceFile(String path, Path file, String text, String root, String name) {
    this.path = path;
    this.file = file;
    this.text = text;
    this.root = root == null ? "" : root;
    this.name = name;
  }

  /**
   * The name a file is read as: what a template renders ({@link #renderedName}), unless the
   * template only defines named templates ({@link #definesOnly}), which render nothing where
   * they are.
   */
  private static String readAs(String fileName, String text) {
    String rendered = renderedName(fileName);
    return rendered.equals(fileName) || text == null || !definesOnly(text) ? rendered
        : fileName;
  }

  /**
   * Whether a Go template holds nothing but {@code {{ define "name" }} ... {{ end }}} blocks
   * (and comments) at its top level: a Helm partial ({@code _helpers.tpl},
   * {@code _secret.yaml.tpl}) whose text is rendered only where another template includes it,
   * so it is not a file of the kind its name says.
   */
  static boolean definesOnly(String text) {
    if (!text.contains("define")) {
      return false;
    }
    int depth = 0;
    int from = 0;
    boolean defined = false;
    for (int open = text.indexOf("{{"); open >= 0; open = text.indexOf("{{", from)) {
      int close = text.indexOf("}}", open + 2);
      if (close < 0 || depth == 0 && !text.substring(from, open).isBlank()) {
        return false;
      }
      String inner = text.substring(open + 2, close).replaceFirst("^-?\\s*", "");
      String word = inner.isEmpty() || !Character.isLetter(inner.charAt(0)) ? ""
          : inner.split("[^A-Za-z]", 2)[0];
      if (inner.startsWith("/*")) {
        close = Math.max(close, text.indexOf("*/", open) < 0 ? close
            : text.indexOf("}}", text.indexOf("*/", open)));
      } else if (word.equals("define")) {
        defined |= depth == 0;
        depth++;
      } else if (word.equals("if") || word.equals("range") || word.equals("with")
          || word.equals("block")) {
        if (depth == 0) {
          return false;
        }
        depth++;
      } else if (word.equals("end")) {
        depth--;
        if (depth < 0) {
          return false;
        }
      } else if (depth == 0) {
        return false;
      }
      from = close + 2;
    }
    return defined && depth == 0 && text.substring(from).isBlank();
  }

  /** An in-memory file for tests and fuzzing. */
  public static SourceFile of(String path, String text) {
    return new SourceFile(path, null, text);
  }

  /** An in-memory file of a given scan target (tests of cross-file rules). */
  public static SourceFile of(String root, String path, String text) {
    return new SourceFile(path, null, text, root);
  }

  /**
   * The same file with another text of as many lines (a template with its directives
   * neutralised), so that locations stay those of the file.
   */
  public SourceFile withText(String newText) {
    return new SourceFile(path, file, newText, root, name);
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

  /**
   * The name the file is read as: its last path segment, or for a template engine's file the
   * name of the file it renders ({@link #renderedName}). Analyzers choose a file by this name,
   * so a template reaches every analyzer that reads what it renders; a Helm partial that only
   * defines named templates ({@code _sidecar.yaml.tpl}) renders nothing where it is and keeps
   * its own name.
   */
  public String name() {
    return name;
  }

  /** The last path segment as it is on disk (a template keeps its suffix here). */
  public String fileName() {
    int slash = path.lastIndexOf('/');
    return path.substring(slash + 1);
  }

  /** {@link #name()} in lower case (for matching names and extensions). */
  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the file is a template engine's ({@code .j2}, {@code .tpl}, ...) read as the file
   * it renders: its {@code {{ }}} and {@code {% %}} directives are not values.
   */
  public boolean template() {
    return !name().equals(fileName());
  }

  /**
   * The name of the file a template renders, its case kept: {@code database.yml.erb},
   * {@code realm.json.tpl}, {@code .env.j2}, {@code Dockerfile.j2}, {@code Jenkinsfile.tmpl}
   * render {@code database.yml}, {@code realm.json}, {@code .env}, {@code Dockerfile},
   * {@code Jenkinsfile}: their literals are deployed as written, so every analyzer and
   * detector reads them as that file. A template with no other extension ({@code main.tpl},
   * Helm's {@code _helpers.tpl}) keeps its name, unless what remains is a file known by its
   * name alone ({@code Dockerfile}, {@code Containerfile-dev}, {@code Jenkinsfile}).
   */
  public static String renderedName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String suffix : TEMPLATE_SUFFIXES) {
      if (lower.endsWith(suffix)) {
        String rendered = name.substring(0, name.length() - suffix.length());
        int slash = rendered.lastIndexOf('/');
        String base = lower.substring(slash + 1, rendered.length());
        return rendered.indexOf('.', slash + 1) >= 0 || knownByName(base) ? rendered : name;
      }
    }
    return name;
  }

  private static boolean knownByName(String lowerBase) {
    for (String kind : EXTENSIONLESS_KINDS) {
      if (lowerBase.equals(kind) || lowerBase.startsWith(kind + "-")
          || lowerBase.startsWith(kind + "_")) {
        return true;
      }
    }
    return false;
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
