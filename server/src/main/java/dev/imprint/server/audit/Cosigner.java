package dev.imprint.server.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalLong;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A witness's Ed25519 key and its C2SP {@code cosignature/v1} signatures on checkpoints
 * (https://c2sp.org/tlog-cosignature): a note signature line whose payload is the 4-byte key ID
 * ({@code SHA-256(name || 0x0A || 0x04 || public key)[:4]}), an 8-byte big-endian POSIX
 * timestamp and the Ed25519 signature over {@code "cosignature/v1\ntime <t>\n" || body}. The
 * private key never leaves this object except through {@link #encodedPrivateKey()};
 * {@link #toString()} is redacted.
 */
public final class Cosigner {
  /** The signed-note signature type of an Ed25519 cosignature/v1 key. */
  static final byte COSIGNATURE_V1 = 0x04;
  private static final String PRIVATE_PREFIX = "PRIVATE+KEY+";

  private final String name;
  private final Ed25519PrivateKeyParameters key;
  private final byte[] publicKey;
  private final byte[] keyId;

  private Cosigner(String name, byte[] seed) {
    checkName(name);
    this.name = name;
    this.key = new Ed25519PrivateKeyParameters(seed, 0);
    this.publicKey = key.generatePublicKey().getEncoded();
    this.keyId = keyId(name, publicKey);
  }

  /** A new random key named {@code name} (a schema-less URL such as {@code host/witness}). */
  public static Cosigner generate(String name) {
    byte[] seed = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    new SecureRandom().nextBytes(seed);
    return new Cosigner(name, seed);
  }

  /**
   * Reads {@code PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || seed)>}, the form
   * {@link #encodedPrivateKey()} writes.
   *
   * @throws IllegalArgumentException saying which part is wrong (never echoing the key)
   */
  public static Cosigner parsePrivateKey(String text) {
    String t = text.strip();
    if (!t.startsWith(PRIVATE_PREFIX)) {
      throw new IllegalArgumentException("expected a private key starting with "
          + PRIVATE_PREFIX);
    }
    NoteKeyText.Parsed p = NoteKeyText.parse(t.substring(PRIVATE_PREFIX.length()),
        COSIGNATURE_V1, "an Ed25519 cosignature/v1 private key");
    Cosigner c = new Cosigner(p.name(), p.key());
    Arrays.fill(p.key(), (byte) 0);
    return c;
  }

  /** The private key text, for the witness's own state file only. */
  public String encodedPrivateKey() {
    byte[] seed = key.getEncoded();
    String s = PRIVATE_PREFIX + NoteKeyText.encode(name, COSIGNATURE_V1, seed);
    Arrays.fill(seed, (byte) 0);
    return s;
  }

  public String name() {
    return name;
  }

  /** The verifier key: {@code <name>+<hex key ID>+<base64(0x04 || public key)>}. */
  public String verifierKey() {
    return NoteKeyText.encode(name, COSIGNATURE_V1, publicKey);
  }

  /**
   * {@code note} with this witness's cosignature line for time {@code timestamp} (POSIX
   * seconds) appended; an earlier cosignature by this key in the note is replaced.
   */
  public String cosign(String note, long timestamp) {
    Note n = Note.split(note);
    byte[] message = message(n.body(), timestamp);
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(message, 0, message.length);
    byte[] sig = s.generateSignature();
    ByteBuffer raw = ByteBuffer.allocate(4 + 8 + 64).put(keyId).putLong(timestamp).put(sig);
    StringBuilder out = new StringBuilder(n.body()).append('\n');
    for (String line : n.signatures()) {
      if (!line.startsWith(VerifierKey.DASH + name + " ")) {
        out.append(line).append('\n');
      }
    }
    return out.append(VerifierKey.DASH).append(name).append(' ')
        .append(Base64.getEncoder().encodeToString(raw.array())).append('\n').toString();
  }

  /**
   * The timestamp of a valid cosignature on {@code note} by the witness whose verifier key is
   * {@code verifierKey}; empty when the note carries none.
   *
   * @throws IllegalArgumentException when the verifier key is malformed
   */
  public static OptionalLong verify(String verifierKey, String note) {
    NoteKeyText.Parsed k = NoteKeyText.parse(verifierKey, COSIGNATURE_V1,
        "an Ed25519 cosignature/v1 verifier key");
    byte[] pub = k.key();
    byte[] id = keyId(k.name(), pub);
    Note n = Note.split(note);
    for (String line : n.signatures()) {
      if (!line.startsWith(VerifierKey.DASH + k.name() + " ")) {
        continue;
      }
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(line.substring(VerifierKey.DASH.length()
            + k.name().length() + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (sig.length != 4 + 8 + 64 || !MessageDigest.isEqual(Arrays.copyOf(sig, 4), id)) {
        continue;
      }
      long time = ByteBuffer.wrap(sig, 4, 8).getLong();
      if (time < 0) {
        continue;
      }
      byte[] message = message(n.body(), time);
      Ed25519Signer v = new Ed25519Signer();
      v.init(false, new Ed25519PublicKeyParameters(pub, 0));
      v.update(message, 0, message.length);
      if (v.verifySignature(Arrays.copyOfRange(sig, 12, sig.length))) {
        return OptionalLong.of(time);
      }
    }
    return OptionalLong.empty();
  }

  private static byte[] message(String body, long timestamp) {
    return ("cosignature/v1\ntime " + timestamp + "\n" + body).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] keyId(String name, byte[] publicKey) {
    return NoteKeyText.id(name, COSIGNATURE_V1, publicKey);
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("expected a witness name without spaces or '+', got '"
          + name + "'");
    }
  }

  @Override
  public String toString() {
    return "Cosigner[" + name + ", private key redacted]";
  }

  /** A signed note split into its body (ending in a newline) and its signature lines. */
  record Note(String body, java.util.List<String> signatures) {
    static Note split(String note) {
      int at = note.lastIndexOf("\n\n");
      if (at < 0 || !note.endsWith("\n")) {
        throw new IllegalArgumentException("expected a signed note (text, blank line,"
            + " signature lines)");
      }
      String sigs = note.substring(at + 2, note.length() - 1);
      return new Note(note.substring(0, at + 1), java.util.List.of(sigs.split("\n", -1)));
    }
  }
}
