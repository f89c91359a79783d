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
      String base64 = body.replaceAll("\\\\n|\\\\r|[\\s\"]", "");
      String payload = stripHeaders(base64, body);
      if (payload.length() < 40 || Secrets.isTestMarker(body)) {
        continue;
      }
      String type = m.group(1).trim();
      boolean encrypted = type.equals("ENCRYPTED") || body.contains("ENCRYPTED")
          || type.equals("OPENSSH") && opensshEncrypted(payload);
      String kind = (type.isEmpty() || type.equals("ENCRYPTED") ? "PKCS#8"
          : type.equals("OPENSSH") ? "OpenSSH" : type)
          + (encrypted ? " encrypted private key" : " private key");
      out.accept(new SecretHit(kind, encrypted ? "private-key-encrypted" : "private-key",
          bodyStart(text, m.end(), end), end, SecretEvidence.of(payload)));
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

  private static String stripHeaders(String compact, String body) {
    if (!body.contains(":")) {
      return compact;
    }
    StringBuilder sb = new StringBuilder();
    for (String line : body.split("\\\\n|\\n")) {
      if (!line.contains(":")) {
        sb.append(line.replaceAll("[\\s\"\\\\]", ""));
      }
    }
    return sb.toString();
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
