package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret-looking name bound by {@code =}, {@code :}, {@code =>} or {@code :=} to a literal.
 * Free text gives less context than a typed model, so the value must also look generated (see
 * {@link Secrets#looksLikeFreeTextSecret}). Lines over {@link SecretDetectors#MAX_LINE}
 * characters are skipped.
 *
 * <p>What is a binding and what is a literal depends on where it is written:
 * <ul>
 *   <li>a name is a whole token: {@code org/secret-tool:1.2}, {@code io.jsonwebtoken:jjwt} and
 *       {@code secretsmanager:GetSecretValue} bind nothing, because a name written right after
 *       {@code /}, {@code :} or {@code @}, or an unquoted name and value joined by a bare
 *       colon, is part of an image reference, a Maven coordinate or an IAM action;</li>
 *   <li>in program source (Java, JavaScript, Python, Go, ...) only a string literal is a
 *       literal: an unquoted value is code ({@code String secret = computeIt();});</li>
 *   <li>in a comment line or a documentation file a value is an example unless it looks
 *       generated (see {@link Secrets#looksGenerated}).</li>
 * </ul>
 * A Spring-style {@code ${NAME:default}}, an ERB environment lookup and a template variable
 * (<code>{{ token | default('x') }}</code>, a whole directive even unquoted) are judged by their
 * default, the literal the application falls back to ({@link Secrets#fallback}). In program
 * source, a quoted literal bound to a name that holds nothing but a credential
 * ({@code DB_PASSWORD = "trainres"}) is reported when it looks like a password someone chose
 * ({@link Secrets#looksLikeChosenPassword}), since such passwords rarely look generated.
 */
final class GenericDetector implements SecretDetectors.Detector {
  private static final Pattern ASSIGN = Pattern.compile(
      "(?<![A-Za-z0-9_.\\-/:@])(?<name>[A-Za-z_][A-Za-z0-9_.-]{0,80})(?<q>[\"']?)[ \\t]{0,5}"
          + "(?<sep>=>|:=|=|:)(?<sp>[ \\t]{0,5})(?<v>\\{\\{[^{}\\n]{1,400}}}"
          + "|\"[^\"\\n]{1,512}\"|'[^'\\n]{1,512}'"
          + "|[^\\s,;&'\"#)\\]}]{1,512})");

  /** Program source: there, an unquoted value is an expression, never data. */
  private static final Set<String> SOURCE = Set.of("java", "kt", "kts", "scala", "groovy",
      "gradle", "js", "jsx", "mjs", "cjs", "ts", "tsx", "py", "go", "rb", "php", "cs", "rs",
      "swift", "c", "h", "cc", "cpp", "cxx", "hpp", "m", "mm", "dart", "lua", "pl", "pm", "ex",
      "exs", "clj", "cljs", "r", "jl", "vb", "fs", "erl", "hs", "ml", "sc", "vue", "svelte");
  /** Documentation: assignments there are examples unless they look generated. */
  private static final Set<String> DOCS =
      Set.of("md", "markdown", "rst", "adoc", "asciidoc", "textile", "rdoc");
  private static final Pattern COMMENT_LINE =
      Pattern.compile("[ \\t]*(#|//|--|;|\\*|/\\*|<!--|rem\\s|REM\\s)");

  @Override
  public String id() {
    return "generic-assignment";
  }

  @Override
  public List<String> anchors() {
    return List.of("pass", "pwd", "dsn", "secret", "token", "key", "credential", "auth");
  }

  @Override
  public void find(String lowerName, String text, Consumer<SecretHit> out) {
    String ext = extension(lowerName);
    boolean source = SOURCE.contains(ext);
    boolean docs = DOCS.contains(ext);
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      if (end - start <= SecretDetectors.MAX_LINE) {
        scanLine(text, start, end, source, docs || comment(text, start, end), out);
      }
      start = end + 1;
    }
  }

  static String extension(String lowerName) {
    int dot = lowerName.lastIndexOf('.');
    return dot < 0 ? "" : lowerName.substring(dot + 1);
  }

  /** A line that is a comment (its first non-blank characters open one). */
  private static boolean comment(String text, int from, int to) {
    return COMMENT_LINE.matcher(text).region(from, to).lookingAt();
  }

  private void scanLine(String text, int from, int to, boolean source, boolean example,
      Consumer<SecretHit> out) {
    Matcher m = ASSIGN.matcher(text).region(from, to);
    m.useTransparentBounds(true);
    while (m.find()) {
      String name = m.group("name");
      String raw = m.group("v");
      boolean quoted = raw.startsWith("\"") || raw.startsWith("'");
      if (!quoted && m.end() < to && text.charAt(m.end()) == '(') {
        continue;
      }
      if (!quoted && raw.length() == 512 && m.end() < to
          && !Character.isWhitespace(text.charAt(m.end()))) {
        // Longer than any password: a ciphertext (a SealedSecret's), a blob or minified code.
        continue;
      }
      if (!quoted && m.group("sep").equals(":") && m.group("sp").isEmpty()
          && m.group("q").isEmpty()) {
        // group:artifact, image:tag, service:Action, host:port, and Imprint's own inventory
        // ids "secret:<fingerprint>": a colon inside one token.
        continue;
      }
      if (!quoted && source) {
        continue;
      }
      if (!Secrets.isSecretName(name)) {
        continue;
      }
      int s = m.start("v") + (quoted ? 1 : 0);
      String value = Secrets.stripQuotes(raw);
      if (!quoted && value.indexOf('{') >= 0 && m.end() < to && text.charAt(m.end()) == '}') {
        // The value stops before a '}': give back the brace that closes ${X}, {name} or #{x}.
        value = value + "}";
      }
      boolean chosen = false;
      Secrets.Fallback fallback = Secrets.fallback(value);
      if (fallback != null) {
        s += fallback.offset();
        value = fallback.literal();
        if (value.length() < 6 || Secrets.isPlaceholder(value) || Secrets.isTestMarker(value)
            || example && !Secrets.looksGenerated(value)) {
          continue;
        }
      } else if (example) {
        if (!Secrets.looksLikeFreeTextSecret(value, quoted) || !Secrets.looksGenerated(value)) {
          continue;
        }
      } else if (!Secrets.looksLikeFreeTextSecret(value, quoted)) {
        if (quoted && source && Secrets.isCredentialOnlyName(name)
            && Secrets.looksLikeChosenPassword(value)) {
          chosen = true;
        } else {
          continue;
        }
      }
      out.accept(new SecretHit(Secrets.kindOf(name) + " assigned to '" + name + "'", id(), s,
          s + value.length(), SecretEvidence.of(value), chosen));
    }
  }
}
