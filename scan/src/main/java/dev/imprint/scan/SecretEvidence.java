package dev.imprint.scan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a report may show of a secret: a redacted form and a fingerprint. The raw value is
 * never kept; {@link #of(String)} is the only place it passes through.
 *
 * @param redacted a form safe to print, e.g. {@code AKIA************} or {@code Co****(18)}
 * @param fingerprint the first 16 hex digits of SHA-256 over a domain tag and the value; the
 *     same secret has the same fingerprint in every file, so duplicates can be linked
 */
public record SecretEvidence(String redacted, String fingerprint) {

  private static final String DOMAIN = "imprint-secret-v1\0";

  /** Redacts and fingerprints a raw secret value. */
  public static SecretEvidence of(String raw) {
    return new SecretEvidence(redact(raw), fingerprint(raw));
  }

  /**
   * Shows at most four leading characters of long values (enough to recognise a provider
   * prefix such as {@code ghp_} or {@code AKIA}), fewer of short ones, and the length.
   */
  public static String redact(String raw) {
    int n = raw.codePointCount(0, raw.length());
    int shown = n >= 16 ? 4 : n >= 8 ? 2 : 0;
    int end = raw.offsetByCodePoints(0, shown);
    return raw.substring(0, end) + "*".repeat(Math.min(8, Math.max(4, n - shown))) + "(" + n + ")";
  }

  public static String fingerprint(String raw) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
      byte[] digest = sha.digest(raw.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return redacted + " #" + fingerprint;
  }
}
