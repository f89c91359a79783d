package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code key = value} lines of configuration files ({@code .properties}, {@code .ini},
 * {@code .cfg}, {@code .conf}, {@code .cnf}, {@code .env}): there every value is a literal, so a
 * secret-named key bound to one is judged as a typed assignment ({@link Secrets#assignment}: any
 * literal that is not a placeholder, a reference, a path or a plain URL), not by how random it
 * looks. A Spring-style {@code ${NAME:default}} is judged by its default. Comment lines
 * ({@code #}, {@code ;}, {@code !}), section headers and files named as examples
 * ({@code .env.example}, {@code app.properties.sample}) are skipped.
 */
final class ConfigFileDetector implements SecretDetectors.Detector {
  private static final Set<String> EXTENSIONS =
      Set.of("properties", "ini", "cfg", "conf", "cnf", "env");
  private static final Set<String> EXAMPLE_SUFFIXES = Set.of("example", "sample", "template",
      "tmpl", "tpl", "dist", "default", "defaults", "orig", "bak", "j2", "erb");
  /** {@code key = value}, {@code key: value} (properties), {@code key value} (.conf). */
  private static final Pattern LINE = Pattern.compile(
      "[ \\t]{0,40}(?:export[ \\t]+)?(?<key>[A-Za-z_][A-Za-z0-9_.\\-\\[\\]]{0,120})"
          + "(?:[ \\t]{0,20}(?<sep>[=:])[ \\t]{0,20}|[ \\t]{1,20})(?<value>[^\\r\\n]{0,1024})");

  @Override
  public String id() {
    return "config-assignment";
  }

  @Override
  public List<String> anchors() {
    return List.of();
  }

  @Override
  public boolean forFile(String lowerName) {
    return kind(lowerName) != null;
  }

  /**
   * The extension that makes a file a configuration file ({@code .env} for {@code .env} and
   * {@code .env.production}), or null; example files are not configuration.
   */
  static String kind(String lowerName) {
    String[] parts = lowerName.split("\\.", -1);
    String last = parts[parts.length - 1];
    if (parts.length > 1 && EXAMPLE_SUFFIXES.contains(last)) {
      return null;
    }
    if (lowerName.equals(".env") || lowerName.startsWith(".env.")) {
      return "env";
    }
    return parts.length > 1 && EXTENSIONS.contains(last) ? last : null;
  }

  @Override
  public void find(String lowerName, String text, Consumer<SecretHit> out) {
    String kind = kind(lowerName);
    if (kind == null) {
      return;
    }
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      if (end - start <= 2048) {
        line(text, start, end, kind, out);
      }
      start = end + 1;
    }
  }

  private void line(String text, int from, int to, String kind, Consumer<SecretHit> out) {
    boolean properties = kind.equals("properties");
    Matcher m = LINE.matcher(text).region(from, to);
    if (!m.matches()) {
      return;
    }
    String key = m.group("key");
    if (m.group("sep") == null && properties) {
      return;
    }
    String raw = m.group("value");
    int vs = m.start("value");
    if (!properties) {
      raw = withoutInlineComment(raw);
    }
    String value = raw.strip();
    if (kind.equals("conf") && value.endsWith(";")) {
      // nginx-style directives end with a semicolon.
      value = value.substring(0, value.length() - 1).strip();
    }
    if (value.isEmpty()) {
      return;
    }
    int offset = vs + raw.indexOf(value);
    String literal = Secrets.stripQuotes(value);
    if (literal.length() != value.length()) {
      offset++;
    }
    String fallback = Secrets.springFallback(literal);
    if (fallback != null) {
      offset += literal.indexOf(':') + 1;
      literal = fallback;
    }
    if (Secrets.assignment(key, literal).isEmpty()) {
      return;
    }
    out.accept(new SecretHit(Secrets.kindOf(key) + " '" + key + "' in a configuration file"
        + (fallback != null ? " (the default of a ${...:default} placeholder)" : ""), id(),
        offset, offset + literal.length(), SecretEvidence.of(literal)));
  }

  /** {@code value  # note} or {@code value ; note} in .ini, .conf and .env files. */
  private static String withoutInlineComment(String raw) {
    if (raw.startsWith("\"") || raw.startsWith("'")) {
      char q = raw.charAt(0);
      int close = raw.indexOf(q, 1);
      return close > 0 ? raw.substring(0, close + 1) : raw;
    }
    for (int i = 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if ((c == '#' || c == ';') && Character.isWhitespace(raw.charAt(i - 1))) {
        return raw.substring(0, i);
      }
    }
    return raw;
  }
}
