package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret-looking name bound by {@code =}, {@code :}, {@code =>} or {@code :=} to a literal.
 * Free text gives less context than a typed model, so the value must also look generated (see
 * {@link Secrets#looksLikeFreeTextSecret}). Lines over {@link SecretDetectors#MAX_LINE}
 * characters are skipped.
 */
final class GenericDetector implements SecretDetectors.Detector {
  private static final Pattern ASSIGN = Pattern.compile(
      "(?<![A-Za-z0-9_.-])(?<name>[A-Za-z_][A-Za-z0-9_.-]{0,80})[\"']?[ \\t]{0,5}"
          + "(?:=>|:=|=|:)[ \\t]{0,5}(?<v>\"[^\"\\n]{1,512}\"|'[^'\\n]{1,512}'"
          + "|[^\\s,;&'\"#)\\]}]{1,512})");

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{16}");

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
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      if (end - start <= SecretDetectors.MAX_LINE) {
        scanLine(text, start, end, out);
      }
      start = end + 1;
    }
  }

  /**
   * {@code "secret:<16 hex>"}: one JSON string, the id Imprint's own inventory gives a baked
   * credential (its fingerprint, not the value), which would otherwise read as {@code secret}
   * bound to a generated-looking value wherever an inventory file is scanned.
   */
  private static boolean isInventoryId(String text, Matcher m, int from, int to) {
    return m.group("name").equals("secret") && m.start() > from && m.end() < to
        && text.charAt(m.start() - 1) == '"' && text.charAt(m.end()) == '"'
        && text.charAt(m.start("v") - 1) == ':' && FINGERPRINT.matcher(m.group("v")).matches();
  }

  private void scanLine(String text, int from, int to, Consumer<SecretHit> out) {
    Matcher m = ASSIGN.matcher(text).region(from, to);
    m.useTransparentBounds(true);
    while (m.find()) {
      String name = m.group("name");
      String raw = m.group("v");
      boolean quoted = raw.startsWith("\"") || raw.startsWith("'");
      String value = Secrets.stripQuotes(raw);
      if (!quoted && m.end() < to && text.charAt(m.end()) == '(') {
        continue;
      }
      if (!Secrets.isSecretName(name) || !Secrets.looksLikeFreeTextSecret(value, quoted)) {
        continue;
      }
      if (isInventoryId(text, m, from, to)) {
        continue;
      }
      int s = m.start("v") + (quoted ? 1 : 0);
      out.accept(new SecretHit(Secrets.kindOf(name) + " assigned to '" + name + "'", id(), s,
          s + value.length(), SecretEvidence.of(value)));
    }
  }
}
