package dev.imprint.scan;

import dev.imprint.scan.secret.Secrets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a report may show of a secret: a redacted form and a keyed fingerprint. The raw value is
 * never kept; {@link #of} and {@link #ofFormat} are the only places it passes through.
 *
 * <p>The fingerprint is HMAC-SHA256 under the scan's {@link FingerprintKey}, so a report reader
 * without the key cannot test guesses of a weak password against it; the same secret has the
 * same fingerprint everywhere in a report (and across reports under one configured key). The
 * redacted form shows leading characters only of provider-format credentials ({@code ghp_},
 * {@code AKIA}, ...), whose bodies are random, never of a value a person chose. An unkeyed
 * SHA-256 of the value is held in memory to link places within one scan and to match
 * baselines written by earlier versions; it is never written anywhere.
 */
public final class SecretEvidence {
  private static final String DOMAIN = "imprint-secret-v1\0";

  private final String redacted;
  private final String fingerprint;
  private final byte[] digest;
  private final boolean format;
  private final boolean placeholder;
  private final boolean guessable;

  private SecretEvidence(String redacted, byte[] digest, boolean format, boolean placeholder,
      boolean guessable, FingerprintKey key) {
    this.redacted = redacted;
    this.digest = digest;
    this.format = format;
    this.placeholder = placeholder;
    this.guessable = guessable;
    this.fingerprint = (guessable ? FingerprintKey.ephemeral() : key).fingerprint(digest);
  }

  /** Evidence of a value bound to a name (a password, a generic token): nothing of it shown. */
  public static SecretEvidence of(String raw) {
    return new SecretEvidence(redact(raw, false), digest(raw), false,
        Secrets.isPlaceholder(raw), Secrets.isGuessable(raw), FingerprintKey.ephemeral());
  }

  /**
   * Evidence of a credential recognised by its provider format ({@code ghp_...},
   * {@code AKIA...}, a private key block): the first four characters of long values are shown,
   * enough to tell which provider's credential it is, because the rest is random.
   */
  public static SecretEvidence ofFormat(String raw) {
    return new SecretEvidence(redact(raw, true), digest(raw), true,
        Secrets.isPlaceholder(raw), false, FingerprintKey.ephemeral());
  }

  /**
   * The same evidence fingerprinted under another key; a {@linkplain #guessable() guessable}
   * value stays under this process's random key, whatever the key given.
   */
  public SecretEvidence keyed(FingerprintKey key) {
    return new SecretEvidence(redacted, digest, format, placeholder, guessable, key);
  }

  /** A form safe to print, e.g. {@code AKIA************(20)} or {@code ********(18)}. */
  public String redacted() {
    return redacted;
  }

  /**
   * The first 16 hex digits of HMAC-SHA256 of the value under the scan's key, or under this
   * process's random key when the value is {@linkplain #guessable() guessable}.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * Whether the value is weak enough to guess ({@link Secrets#isGuessable}: a short or dictionary
   * password, {@code root}, {@code letmein42}): its fingerprint is never made under a configured
   * key, so that holding the key does not let anyone test a dictionary against a report. It
   * links the places of the value within one report only. Provider-format credentials are
   * random by their format and never guessable.
   */
  public boolean guessable() {
    return guessable;
  }

  /**
   * The fingerprint as reports print it: a guessable value's says that it holds for this report
   * only, e.g. {@code 8e812e4d35bb8798, this report only: a guessable value}.
   */
  public String fingerprintText() {
    return guessable ? fingerprint + ", this report only: a guessable value" : fingerprint;
  }

  /** Whether the value was recognised by a provider-format detector. */
  public boolean format() {
    return format;
  }

  /**
   * Whether the value is a placeholder ({@link Secrets#isPlaceholder}); the scanner drops every
   * finding whose evidence is one, whichever rule reported it.
   */
  public boolean placeholder() {
    return placeholder;
  }

  /**
   * The fingerprint Imprint 0.1 reports showed (unkeyed); only to match their baselines, never
   * to be written.
   */
  String legacyFingerprint() {
    return HexFormat.of().formatHex(digest, 0, 8);
  }

  /**
   * Shows at most four leading characters of long provider-format values, and the length; a
   * value a person chose shows no character at all.
   */
  static String redact(String raw, boolean format) {
    int n = raw.codePointCount(0, raw.length());
    int shown = !format ? 0 : n >= 16 ? 4 : n >= 8 ? 2 : 0;
    int end = raw.offsetByCodePoints(0, shown);
    return raw.substring(0, end) + "*".repeat(Math.min(8, Math.max(4, n - shown))) + "(" + n + ")";
  }

  static byte[] digest(String raw) {
    return Digests.sha256(DOMAIN, raw);
  }

  /** Same secret value (whatever the key the fingerprint was made under). */
  @Override
  public boolean equals(Object o) {
    return o instanceof SecretEvidence e && MessageDigest.isEqual(digest, e.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return redacted + " #" + fingerprint;
  }
}
