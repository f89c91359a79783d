package dev.imprint.server.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 (FIPS 180-4) of bytes or of a string's UTF-8, with the JDK's implementation held once
 * per thread: {@code MessageDigest.getInstance} walks the providers and builds a new digest on
 * every call, which the request path paid several times per request. Each method hashes its
 * whole input in one call, so nothing else can run on the thread's digest in between; each resets
 * it first, so even an {@code update} that threw (out of memory) leaves the next hash correct.
 */
public final class Sha256 {
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::create);

  private Sha256() {}

  /** SHA-256 of {@code input}. */
  public static byte[] of(byte[] input) {
    MessageDigest d = DIGEST.get();
    d.reset();
    return d.digest(input);
  }

  /** SHA-256 of the concatenation of {@code parts} (none: of the empty input). */
  public static byte[] of(byte[]... parts) {
    MessageDigest d = DIGEST.get();
    d.reset();
    for (byte[] p : parts) {
      d.update(p);
    }
    return d.digest();
  }

  /** SHA-256 of {@code text} encoded as UTF-8. */
  public static byte[] of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of {@code text} encoded as UTF-8, as 64 lower-case hex digits. */
  public static String hex(String text) {
    return HexFormat.of().formatHex(of(text));
  }

  private static MessageDigest create() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
