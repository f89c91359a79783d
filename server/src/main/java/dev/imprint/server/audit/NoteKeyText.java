package dev.imprint.server.audit;

import dev.imprint.server.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The text form of a signed-note key (https://c2sp.org/signed-note):
 * {@code <name>+<hex key ID>+<base64(type || 32-byte key)>}, where the key ID is the first four
 * bytes of {@code SHA-256(name || 0x0A || type || key)}. Shared by verifier keys (type 0x01,
 * Ed25519) and witness keys (type 0x04, cosignature/v1), public and private.
 */
final class NoteKeyText {
  private static final int KEY_BYTES = 32;

  /** A parsed key text: its name and its 32 key bytes (the caller clears private ones). */
  record Parsed(String name, byte[] key) {}

  private NoteKeyText() {}

  /** The key ID of {@code key} named {@code name} with signature {@code type}. */
  static byte[] id(String name, byte type, byte[] key) {
    return Arrays.copyOf(Sha256.of(name.getBytes(StandardCharsets.UTF_8),
        new byte[] {0x0A, type}, key), 4);
  }

  /** {@code <name>+<hex key ID>+<base64(type || key)>}. */
  static String encode(String name, byte type, byte[] key) {
    byte[] raw = new byte[1 + KEY_BYTES];
    raw[0] = type;
    System.arraycopy(key, 0, raw, 1, KEY_BYTES);
    String s = name + "+" + HexFormat.of().formatHex(id(name, type, key)) + "+"
        + Base64.getEncoder().encodeToString(raw);
    Arrays.fill(raw, (byte) 0);
    return s;
  }

  /**
   * Parses {@code <name>+<hex key ID>+<base64(type || key)>}, checking the type and that the ID
   * matches the name and key; {@code what} names the key in errors, which never echo key bytes.
   *
   * @throws IllegalArgumentException saying which part is wrong
   */
  static Parsed parse(String text, byte type, String what) {
    String[] parts = text.strip().split("\\+", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("expected " + what + " NAME+HASH+KEY, got "
          + parts.length + " part(s)");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected base64 after the key ID of " + what);
    }
    try {
      if (raw.length != 1 + KEY_BYTES || raw[0] != type) {
        throw new IllegalArgumentException("expected " + what + " of type 0x0"
            + Integer.toHexString(type) + " with 32 key bytes, got " + raw.length + " bytes");
      }
      byte[] key = Arrays.copyOfRange(raw, 1, 1 + KEY_BYTES);
      if (!HexFormat.of().formatHex(id(parts[0], type, key)).equals(parts[1])) {
        Arrays.fill(key, (byte) 0);
        throw new IllegalArgumentException("the key ID " + parts[1] + " of " + what
            + " does not match its name and key");
      }
      return new Parsed(parts[0], key);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
