package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key/value configuration, one model whatever the format: {@code key = value} lines of
 * {@code .properties}, {@code .ini}, {@code .cfg}, {@code .conf}, {@code .cnf} and {@code .env}
 * files, {@code key: value} lines of YAML ({@code values.yaml}, {@code application.yml}),
 * {@code "key": "value"} pairs of JSON and {@code key = "value"} lines of TOML. There every value
 * is a literal the application reads as it is, so a secret-named key bound to one is judged as a
 * typed assignment ({@link Secrets#assignment}), not by how random it looks: a password there is
 * the password however simple ({@link Secrets#isLiteralPassword}). In YAML, JSON and TOML, where
 * keys such as {@code token} or {@code secret} also name settings and schema entries, only names
 * that hold nothing but a password are judged here (other secret names are left to the generic
 * detector); their unquoted non-string values (numbers, booleans, mappings, anchors, tags,
 * block scalars) are skipped. A Spring-style {@code ${NAME:default}} is judged by its default,
 * an ERB environment lookup ({@code <%= ENV.fetch("DB_PASSWORD") { "pw" } %>}, Rails'
 * {@code database.yml}) and a template variable (<code>{{ pw | default('x') }}</code>) by the
 * literal they fall back to ({@link Secrets#fallback}).
 * Comment lines ({@code #}, {@code ;}, {@code !}), section headers, files named as examples
 * ({@code .env.example}, {@code app.properties.sample}) and locale files ({@code de.yml},
 * {@code messages_fr.properties}) are skipped.
 */
final class ConfigFileDetector implements SecretDetectors.Detector {
  private static final Set<String> EXTENSIONS = Set.of("properties", "ini", "cfg", "conf", "cnf",
      "env", "yaml", "yml", "json", "toml");
  /** Formats whose keys also name settings and schema entries: only password names are judged. */
  private static final Set<String> STRUCTURED = Set.of("yaml", "yml", "json", "toml");
  /**
   * Copies kept beside the real file to show its shape ({@code .env.example}); a template
   * engine's file ({@code database.yml.erb}, {@code .env.j2}) renders the real file and is read
   * as it ({@link SecretDetectors#renderedName}).
   */
  private static final Set<String> EXAMPLE_SUFFIXES = Set.of("example", "sample", "template",
      "dist", "default", "defaults", "orig", "bak");
  /** Generated JSON that lists packages, never configuration. */
  private static final Set<String> NOT_CONFIG = Set.of("package-lock.json", "composer.json",
      "package.json", "tsconfig.json", "yarn.lock", "pnpm-lock.yaml", "renovate.json");
  /** {@code key = value}, {@code key: value} (properties), {@code key value} (.conf). */
  private static final Pattern LINE = Pattern.compile(
      "[ \\t]{0,40}(?:export[ \\t]+)?(?<key>[A-Za-z_][A-Za-z0-9_.\\-\\[\\]]{0,120})"
          + "(?:[ \\t]{0,20}(?<sep>[=:])[ \\t]{0,20}|[ \\t]{1,20})(?<value>[^\\r\\n]{0,1024})");
  /** {@code key: value} in YAML, also as a list item ({@code - key: value}) or quoted key. */
  private static final Pattern YAML_LINE = Pattern.compile(
      "[ \\t]{0,80}(?:-[ \\t]{1,10})?(?<q>[\"']?)(?<key>[A-Za-z_][A-Za-z0-9_.\\-]{0,120})\\k<q>"
          + "[ \\t]{0,20}:(?:[ \\t]{1,20}(?<value>[^\\r\\n]{0,1024}))?");
  /** {@code "key": "value"} in JSON, several to a line in minified files. */
  private static final Pattern JSON_PAIR = Pattern.compile(
      "\"(?<key>[A-Za-z_][A-Za-z0-9_.\\-]{0,120})\"[ \\t]{0,20}:[ \\t]{0,20}"
          + "\"(?<value>[^\"\\\\\\r\\n]{0,512})\"");
  /** {@code key = "value"} in TOML, with a bare, quoted or dotted key. */
  private static final Pattern TOML_LINE = Pattern.compile(
      "[ \\t]{0,80}(?<q>[\"']?)(?<key>[A-Za-z_][A-Za-z0-9_.\\-]{0,120})\\k<q>"
          + "[ \\t]{0,20}=[ \\t]{0,20}(?<value>\"[^\"\\r\\n]{0,512}\"|'[^'\\r\\n]{0,512}')"
          + "[ \\t]*(#.*)?");

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
    if (parts.length > 1 && EXAMPLE_SUFFIXES.contains(last) || NOT_CONFIG.contains(lowerName)
        || Translations.isLocaleFile(lowerName)) {
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
    NamedValue pair = new NamedValue();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      if (end - start <= 2048) {
        switch (kind) {
          case "yaml", "yml" -> yamlLine(text, start, end, pair, out);
          case "json" -> jsonLine(text, start, end, pair, out);
          case "toml" -> tomlLine(text, start, end, out);
          default -> line(text, start, end, kind, out);
        }
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
    report(key, value, vs + raw.indexOf(value), out);
  }

  /**
   * The {@code name} of the list item being read, where a {@code value} of the same item binds
   * to it: an environment variable as Kubernetes writes it ({@code - name: DB_PASSWORD} then
   * {@code value: ...}), which Helm values ({@code extraEnv}, {@code extraEnvVars}), a Helm
   * release's values, CloudFormation ({@code Name}/{@code Value}) and ECS task definitions
   * (JSON) repeat outside any manifest.
   */
  private static final class NamedValue {
    String name;
    int column = -1;
  }

  /** {@code key: value} in YAML: a plain or quoted scalar on the key's line. */
  private void yamlLine(String text, int from, int to, NamedValue pair,
      Consumer<SecretHit> out) {
    Matcher m = YAML_LINE.matcher(text).region(from, to);
    if (!m.matches()) {
      return;
    }
    int column = m.start("q") - from;
    boolean item = text.lastIndexOf('-', m.start("q")) >= from;
    String key = m.group("key");
    if (column < pair.column || column == pair.column && item) {
      pair.name = null; // a new item, or the list has ended
      pair.column = -1;
    }
    if (m.group("value") == null) {
      return;
    }
    if (key.equalsIgnoreCase("name") && item) {
      pair.name = Secrets.stripQuotes(withoutInlineComment(m.group("value")).strip());
      pair.column = column;
      return;
    }
    if (key.equalsIgnoreCase("value") && pair.name != null && column == pair.column) {
      key = pair.name;
    }
    String raw = m.group("value");
    if (!raw.startsWith("\"") && !raw.startsWith("'")) {
      raw = withoutInlineComment(raw);
    }
    String value = raw.strip();
    if (value.isEmpty() || "|>{[&*!%@`#".indexOf(value.charAt(0)) >= 0
        && !value.startsWith("{{")) {
      // A block scalar, a flow mapping or sequence (a schema's {type: string}), an anchor,
      // an alias, a tag (!vault), a reserved indicator or a comment (an ERB template's
      // "password: #{ask(...)}" is YAML's null): not a literal on this line. A template's
      // {{ x | default('pw') }} is judged by its default.
      return;
    }
    structured(key, value, m.start("value") + raw.indexOf(value), out);
  }

  /**
   * Every {@code "key": "string"} pair of a JSON line; numbers, booleans and objects are not. A
   * {@code "value"} binds to the {@code "name"} before it in the same object (an ECS task
   * definition's {@code environment}).
   */
  private void jsonLine(String text, int from, int to, NamedValue pair,
      Consumer<SecretHit> out) {
    Matcher m = JSON_PAIR.matcher(text).region(from, to);
    int pos = from;
    while (m.find()) {
      if (braceIn(text, pos, m.start())) {
        pair.name = null;
      }
      pos = m.end();
      String key = m.group("key");
      if (key.equalsIgnoreCase("name")) {
        pair.name = m.group("value");
        continue;
      }
      if (key.equalsIgnoreCase("value") && pair.name != null) {
        key = pair.name;
      }
      structured(key, "\"" + m.group("value") + "\"", m.start("value") - 1, out);
    }
    if (braceIn(text, pos, to)) {
      pair.name = null;
    }
  }

  private static boolean braceIn(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '{' || text.charAt(i) == '}') {
        return true;
      }
    }
    return false;
  }

  /** {@code key = "value"} in TOML; bare values are numbers, booleans, dates or tables. */
  private void tomlLine(String text, int from, int to, Consumer<SecretHit> out) {
    Matcher m = TOML_LINE.matcher(text).region(from, to);
    if (m.matches()) {
      structured(m.group("key"), m.group("value"), m.start("value"), out);
    }
  }

  /**
   * A value of YAML, JSON or TOML at {@code offset} (its opening quote, if quoted), judged when
   * its key ({@code auth.rootPassword}: its last part) holds nothing but a password.
   */
  private void structured(String key, String value, int offset, Consumer<SecretHit> out) {
    String name = key.substring(key.lastIndexOf('.') + 1);
    if (Secrets.isCredentialOnlyName(name)) {
      report(name, value, offset, out);
    }
  }

  /**
   * Reports the value at {@code offset} (its opening quote, if quoted) bound to {@code key} when
   * it is a secret; a {@code ${NAME:default}} is judged, and pointed at, by its default.
   */
  private void report(String key, String value, int offset, Consumer<SecretHit> out) {
    String literal = Secrets.stripQuotes(value);
    if (literal.length() != value.length()) {
      offset++;
    }
    Secrets.Fallback fallback = Secrets.fallback(literal);
    if (fallback != null) {
      offset += fallback.offset();
      literal = fallback.literal();
    }
    if (Secrets.assignment(key, literal).isEmpty()) {
      return;
    }
    out.accept(new SecretHit(Secrets.kindOf(key) + " '" + key + "' in a configuration file"
        + (fallback != null ? " (" + fallback.what() + ")" : ""), id(),
        offset, offset + literal.length(), SecretEvidence.of(literal),
        Secrets.isCredentialOnlyName(key) && !Secrets.looksLikeFreeTextSecret(literal, true)));
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
