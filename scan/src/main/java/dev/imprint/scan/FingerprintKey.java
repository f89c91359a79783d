package dev.imprint.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of a scan's secret fingerprints: a secret's fingerprint is HMAC-SHA256 under this key,
 * so that nobody who reads a report but lacks the key can test guesses against it. A configured
 * key (the repository's key file or {@code IMPRINT_FINGERPRINT_KEY}) makes fingerprints equal
 * across runs and machines; without one every process draws a random key, and fingerprints link
 * the places of one secret within one report only. See docs/output-formats.md.
 */
public final class FingerprintKey {
  /** The shortest key text accepted: 32 characters, e.g. {@code openssl rand -hex 32}. */
  public static final int MIN_LENGTH = 32;
  private static final FingerprintKey PROCESS = new FingerprintKey(random(), false);

  private final byte[] key;
  private final boolean configured;

  private FingerprintKey(byte[] key, boolean configured) {
    this.key = key;
    this.configured = configured;
  }

  /** The random key of this process, used when none is configured. */
  public static FingerprintKey ephemeral() {
    return PROCESS;
  }

  /**
   * A configured key from its text (surrounding white space ignored).
   *
   * @throws IllegalArgumentException when the text is shorter than {@link #MIN_LENGTH}
   */
  public static FingerprintKey of(String text) {
    String t = text == null ? "" : text.strip();
    if (t.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("a fingerprint key needs at least " + MIN_LENGTH
          + " characters (for example the output of 'openssl rand -hex 32'), got "
          + t.length());
    }
    return new FingerprintKey(t.getBytes(StandardCharsets.UTF_8), true);
  }

  /**
   * The key held in a file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when its text is too short to be a key
   */
  public static FingerprintKey read(Path file) throws IOException {
    return of(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Whether this key was configured (stable across runs) rather than drawn for this process. */
  public boolean configured() {
    return configured;
  }

  /** The first 16 hex digits of HMAC-SHA256 over a secret's in-memory digest. */
  String fingerprint(byte[] digest) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(digest), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static byte[] random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  @Override
  public String toString() {
    return configured ? "FingerprintKey[configured, redacted]" : "FingerprintKey[ephemeral]";
  }
}
