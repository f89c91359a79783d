package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM and PGP private key blocks (RSA, EC, DSA, OpenSSH, PKCS#8, PGP), also inside JSON strings
 * with escaped newlines. A block whose key is encrypted (PKCS#8 {@code ENCRYPTED}, legacy
 * {@code Proc-Type: 4,ENCRYPTED}, an OpenSSH key with a cipher) is reported by its own detector.
 */
final class PrivateKeyDetector implements SecretDetectors.Detector {
  private static final Pattern BEGIN = Pattern.compile(
      "-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?)PRIVATE KEY(?: BLOCK)?-----");
  private static final int MAX_BLOCK = 20_000;
  private static final Pattern LINE = Pattern.compile("\\\\r\\\\n|\\\\n|\\\\r|\\r?\\n|\\r");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z][A-Za-z0-9-]{1,40}: ?.{0,200}");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=]+");
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/=]{16,}");
  /** What surrounds key lines inside source code: quotes, concatenation, escapes, commas. */
  private static final String STRIP = " \t\"'`+,;()\\";

  @Override
  public String id() {
    return "private-key";
  }

  @Override
  public List<String> anchors() {
    return List.of("PRIVATE KEY");
  }

  @Override
  public void find(String lowerName, String text, Consumer<SecretHit> out) {
    Matcher m = BEGIN.matcher(text);
    int end = -1;
    while (m.find()) {
      if (end < m.end()) {
        // END markers are found in increasing order, so the whole search stays linear.
        end = text.indexOf("-----END ", m.end());
        if (end < 0) {
          return;
        }
      }
      if (end - m.end() > MAX_BLOCK) {
        continue;
      }
      String body = text.substring(m.end(), end);
      String payload = keyBody(body);
      if (payload == null || Secrets.isTestMarker(body)) {
        continue;
      }
      String type = m.group(1).trim();
      boolean encrypted = type.equals("ENCRYPTED") || body.contains("ENCRYPTED")
          || type.equals("OPENSSH") && opensshEncrypted(payload);
      String kind = (type.isEmpty() || type.equals("ENCRYPTED") ? "PKCS#8"
          : type.equals("OPENSSH") ? "OpenSSH" : type)
          + (encrypted ? " encrypted private key" : " private key");
      out.accept(new SecretHit(kind, encrypted ? "private-key-encrypted" : "private-key",
          bodyStart(text, m.end(), end), end, SecretEvidence.ofFormat(payload)));
    }
  }

  /** The first character of the key material, so the hit's span is the secret itself. */
  private static int bodyStart(String text, int from, int end) {
    int i = from;
    while (i < end && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '\\'
        && i + 1 < end && (text.charAt(i + 1) == 'n' || text.charAt(i + 1) == 'r'))) {
      i += text.charAt(i) == '\\' ? 2 : 1;
    }
    return i;
  }

  /**
   * The base64 key material between a BEGIN and an END line, or {@code null} when that text is
   * not key material. Normally each line (real or a {@code \\n} escape), once stripped of the
   * quotes, concatenation and indentation a key takes inside source code, is base64 or an armor
   * header ({@code Proc-Type: ...}). A key written line by line by shell commands
   * ({@code echo "MIIE..." >> key}) is recognised by its runs of mixed-case base64 instead.
   * Code that only names the headers, such as a parser checking for
   * {@code -----BEGIN RSA PRIVATE KEY-----}, has neither.
   */
  static String keyBody(String body) {
    StringBuilder sb = new StringBuilder();
    boolean strict = true;
    for (String line : LINE.split(body, -1)) {
      String t = trim(line);
      if (t.isEmpty() || HEADER.matcher(t).matches()) {
        continue;
      }
      if (!BASE64.matcher(t).matches()) {
        strict = false;
        break;
      }
      sb.append(t);
    }
    if (strict) {
      return sb.length() < 40 ? null : sb.toString();
    }
    sb.setLength(0);
    Matcher run = RUN.matcher(body);
    while (run.find()) {
      String r = run.group();
      if (r.chars().anyMatch(Character::isUpperCase) && r.chars().anyMatch(Character::isLowerCase)
          && r.chars().anyMatch(Character::isDigit)) {
        sb.append(r);
      }
    }
    return sb.length() < 40 ? null : sb.toString();
  }

  private static String trim(String line) {
    int a = 0;
    int b = line.length();
    while (a < b && STRIP.indexOf(line.charAt(a)) >= 0) {
      a++;
    }
    while (b > a && STRIP.indexOf(line.charAt(b - 1)) >= 0) {
      b--;
    }
    return line.substring(a, b);
  }

  /** An OpenSSH key names its cipher right after the magic; {@code none} means unencrypted. */
  private static boolean opensshEncrypted(String payload) {
    try {
      int n = Math.min(payload.length(), 64) / 4 * 4;
      byte[] head = Base64.getDecoder().decode(payload.substring(0, n));
      String s = new String(head, StandardCharsets.ISO_8859_1);
      return s.startsWith("openssh-key-v1") && !s.contains("none");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
