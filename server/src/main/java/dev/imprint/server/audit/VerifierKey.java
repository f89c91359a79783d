package dev.imprint.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 signed-note verifier key (https://c2sp.org/signed-note): a key name and a public
 * key, written {@code <name>+<hex key hash>+<base64(0x01 || public key)>}, where the key hash is
 * the first four bytes of {@code SHA-256(name || 0x0A || 0x01 || public key)}.
 */
public final class VerifierKey {
  static final byte ED25519 = 0x01;
  /** The em dash that starts every signature line. */
  static final String DASH = "\u2014 ";

  private final String name;
  private final byte[] publicKey;
  private final byte[] keyHash;

  VerifierKey(String name, byte[] publicKey) {
    if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("expected a key name without spaces or '+', got '"
          + name + "'");
    }
    if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("expected a 32-byte Ed25519 public key, got "
          + publicKey.length + " bytes");
    }
    this.name = name;
    this.publicKey = publicKey.clone();
    this.keyHash = keyHash(name, publicKey);
  }

  /**
   * Parses {@code <name>+<hex key hash>+<base64(0x01 || public key)>}.
   *
   * @throws IllegalArgumentException saying which part is wrong
   */
  public static VerifierKey parse(String text) {
    NoteKeyText.Parsed p = NoteKeyText.parse(text, ED25519, "an Ed25519 verifier key");
    return new VerifierKey(p.name(), p.key());
  }

  public String name() {
    return name;
  }

  /** The verifier key text. */
  public String encoded() {
    return NoteKeyText.encode(name, ED25519, publicKey);
  }

  byte[] keyHash() {
    return keyHash.clone();
  }

  /**
   * Verifies a signed checkpoint note and returns its checkpoint.
   *
   * @throws IllegalArgumentException when the note is malformed or carries no valid signature
   *     by this key
   */
  public Checkpoint verify(String note) {
    return Checkpoint.parse(open(note));
  }

  /** The text of a note that carries a valid signature by this key. */
  String open(String note) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("expected a signed note (text, blank line, signatures)");
    }
    String body = note.substring(0, split + 1);
    String[] sigs = note.substring(split + 2).split("\n", -1);
    byte[] message = body.getBytes(StandardCharsets.UTF_8);
    for (String line : sigs) {
      if (line.startsWith(DASH + name + " ") && signatureMatches(line, message)) {
        return body;
      }
    }
    throw new IllegalArgumentException("the note has no valid signature by key '" + name + "'");
  }

  private boolean signatureMatches(String line, byte[] message) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(line.substring(DASH.length() + name.length() + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (raw.length != 4 + 64 || !MessageDigest.isEqual(Arrays.copyOf(raw, 4), keyHash)) {
      return false;
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
    v.update(message, 0, message.length);
    return v.verifySignature(Arrays.copyOfRange(raw, 4, raw.length));
  }

  static byte[] keyHash(String name, byte[] publicKey) {
    return NoteKeyText.id(name, ED25519, publicKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey k && k.name.equals(name)
        && Arrays.equals(k.publicKey, publicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return encoded();
  }
}
