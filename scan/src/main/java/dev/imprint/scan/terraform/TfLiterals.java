package dev.imprint.scan.terraform;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.Secrets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Walks the literal strings of a block (attributes, object entries and nested blocks, with the
 * name each literal is bound to) and finds the exact line of a literal in the source, so that
 * provider rules and the generic secret rule report a secret on the line the text detectors
 * also see, and the scanner can keep one finding per secret and line.
 */
public final class TfLiterals {
  private static final int MAX_DEPTH = 32;
  private static final int MAX_SEARCH_LINES = 5_000;
  private static final Pattern ENUM_LIKE =
      Pattern.compile("[A-Z][A-Z0-9_]{0,200}|[A-Za-z]{1,40}");
  private static final Pattern DURATION =
      Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,9})?(ns|us|ms|s|m|h|d|w|y)?");
  private static final Pattern WORDS = Pattern.compile("[a-z]{1,60}([-_.][a-z]{1,60})+");

  private TfLiterals() {}

  /** Receives one literal string: its path from the block, the name bound to it, and more. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * One literal.
     *
     * @param path dotted path from the walked block, e.g. {@code app_settings.DB_PASSWORD}
     * @param name the attribute or object key bound to the literal
     * @param value the literal text
     * @param attr the attribute (of the walked block or a nested block) that holds the literal
     */
    void literal(String path, String name, String value, Tf.Attr attr);
  }

  /** Visits every literal string under a block, including nested blocks and collections. */
  public static void walk(Tf.Block block, Visitor visitor) {
    walk(block, "", visitor, 0);
  }

  private static void walk(Tf.Block block, String prefix, Visitor visitor, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    for (Tf.Attr a : block.attrs().values()) {
      value(a.value(), prefix + a.name(), a.name(), a, visitor, depth + 1);
    }
    for (Tf.Block nested : block.blocks()) {
      walk(nested, prefix + nested.type() + ".", visitor, depth + 1);
    }
  }

  private static void value(Tf.Value v, String path, String name, Tf.Attr attr, Visitor visitor,
      int depth) {
    if (depth > MAX_DEPTH || v == null) {
      return;
    }
    if (v instanceof Tf.Str s && !s.template()) {
      visitor.literal(path, name, s.text(), attr);
    } else if (v instanceof Tf.Obj o) {
      for (Map.Entry<String, Tf.Value> e : o.entries().entrySet()) {
        value(e.getValue(), path + "." + e.getKey(), e.getKey(), attr, visitor, depth + 1);
      }
    } else if (v instanceof Tf.Tuple t) {
      for (int i = 0; i < t.items().size(); i++) {
        value(t.items().get(i), path + "[" + i + "]", name, attr, visitor, depth + 1);
      }
    }
  }

  /**
   * The 1-based line, at or after {@code fromLine}, whose text contains {@code needle}; or
   * {@code fromLine} when no line within a bounded distance does (escaped quotes, say).
   */
  public static int lineOf(SourceFile file, int fromLine, String needle) {
    if (needle == null || needle.isEmpty() || needle.indexOf('\n') >= 0) {
      return fromLine;
    }
    int last = Math.min(file.lineCount(), fromLine + MAX_SEARCH_LINES);
    for (int line = Math.max(1, fromLine); line <= last; line++) {
      if (file.line(line).contains(needle)) {
        return line;
      }
    }
    return fromLine;
  }

  /** The 1-based column of {@code needle} on a line, or 1 when it is not there. */
  public static int columnOf(SourceFile file, int line, String needle) {
    int i = needle == null || needle.isEmpty() ? -1 : file.line(line).indexOf(needle);
    return i < 0 ? 1 : i + 1;
  }

  /**
   * Whether a literal bound to {@code name} is a setting rather than a credential: never when the
   * name holds nothing but a credential ({@link Secrets#isCredentialOnlyName}), where a password
   * of letters or digits only is still a password; otherwise as {@link #looksLikeSetting(String)}.
   */
  public static boolean looksLikeSetting(String name, String value) {
    return !Secrets.isCredentialOnlyName(name) && looksLikeSetting(value);
  }

  /**
   * Whether a literal bound to a secret-like name is shaped like a setting rather than a
   * credential: an enum constant or a single word ({@code HEADER}, {@code SYSTEM_MANAGED},
   * {@code required}), a number or duration
   * ({@code 3600s}), lower-case words
   * joined by dashes, dots or underscores ({@code db-password}, a secret's name), text with
   * spaces (a description), a path or a URL without credentials.
   */
  public static boolean looksLikeSetting(String value) {
    String v = value.trim();
    if (v.length() > 400) {
      return false;
    }
    return ENUM_LIKE.matcher(v).matches() || WORDS.matcher(v).matches()
        || DURATION.matcher(v).matches()
        || v.indexOf(' ') >= 0 || v.startsWith("/") || v.startsWith("projects/")
        || (v.startsWith("https://") || v.startsWith("http://")) && v.indexOf('@') < 0;
  }
}
