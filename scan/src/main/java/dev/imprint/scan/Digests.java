package dev.imprint.scan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 for the scanner's finding ids and secret digests. */
public final class Digests {
  private Digests() {}

  /** The SHA-256 of the parts' UTF-8 bytes, one after the other. */
  public static byte[] sha256(String... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    for (String part : parts) {
      sha.update(part.getBytes(StandardCharsets.UTF_8));
    }
    return sha.digest();
  }

  /** Lower-case hex of the first {@code bytes} bytes of the SHA-256 of a text. */
  public static String sha256Hex(String text, int bytes) {
    return HexFormat.of().formatHex(sha256(text), 0, bytes);
  }
}
