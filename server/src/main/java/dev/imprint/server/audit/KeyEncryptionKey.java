package dev.imprint.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's key-encryption key (AES-256-GCM) that wraps the server's signing keys in the
 * store. It comes from {@code --kek-file}, else {@code IMPRINT_KEK} (base64 of 32 bytes), else
 * {@code <data-dir>/kek}, created owner-only on first start. Other capabilities may wrap their
 * own keys with it ({@link #wrap}, with a distinct context). Never printed: {@link #toString()}
 * is redacted.
 */
public final class KeyEncryptionKey {
  /** The environment variable that may hold the key. */
  public static final String ENV = "IMPRINT_KEK";
  private static final int NONCE = 12;

  private final byte[] key;
  private final String source;

  private KeyEncryptionKey(byte[] key, String source) {
    this.key = key;
    this.source = source;
  }

  /**
   * Resolves the key: {@code file} when given, else {@code envValue} when not blank, else the
   * file {@code kek} under {@code dataDir}, created when missing ({@code log} is told where).
   *
   * @throws IllegalArgumentException when the given key is not base64 of 32 bytes or cannot be read
   */
  public static KeyEncryptionKey resolve(Path file, String envValue, Path dataDir,
      Consumer<String> log) {
    if (file != null) {
      return new KeyEncryptionKey(read(file), "--kek-file " + file);
    }
    if (envValue != null && !envValue.isBlank()) {
      return new KeyEncryptionKey(decode(envValue, ENV), ENV);
    }
    Path generated = dataDir.resolve("kek");
    if (Files.exists(generated)) {
      return new KeyEncryptionKey(read(generated), generated.toString());
    }
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try {
      Files.createDirectories(dataDir);
      create(generated, Base64.getEncoder().encodeToString(fresh) + "\n");
    } catch (FileAlreadyExistsException e) {
      return new KeyEncryptionKey(read(generated), generated.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create the key-encryption key file " + generated
          + ": " + e.getMessage());
    }
    log.accept("created a key-encryption key at " + generated + " (owner-only). Back it up:"
        + " the audit signing key cannot be used without it, and replicas sharing a PostgreSQL"
        + " store need the same one (--kek-file or " + ENV + ")");
    return new KeyEncryptionKey(fresh, generated.toString());
  }

  /** A key from raw bytes (tests). */
  static KeyEncryptionKey of(byte[] key) {
    return new KeyEncryptionKey(decode(Base64.getEncoder().encodeToString(key), "key"), "bytes");
  }

  /** Where the key came from (a path or the variable name, never the key). */
  public String source() {
    return source;
  }

  private static void create(Path path, String content) throws IOException {
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(path);
    }
    Files.writeString(path, content, StandardCharsets.US_ASCII);
  }

  private static byte[] read(Path file) {
    try {
      return decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the key-encryption key file " + file + ": "
          + e.getMessage());
    }
  }

  private static byte[] decode(String text, String where) {
    byte[] k;
    try {
      k = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected the key-encryption key in " + where
          + " as base64 of 32 random bytes, got text that is not base64");
    }
    if (k.length != 32) {
      throw new IllegalArgumentException("expected the key-encryption key in " + where
          + " as base64 of 32 random bytes, got " + k.length + " bytes");
    }
    return k;
  }

  /** Encrypts {@code plain} bound to {@code context}; returns base64(nonce || ciphertext). */
  public String wrap(byte[] plain, String context) {
    byte[] nonce = new byte[NONCE];
    new SecureRandom().nextBytes(nonce);
    byte[] ct = crypt(Cipher.ENCRYPT_MODE, nonce, plain, context);
    byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
    System.arraycopy(ct, 0, out, NONCE, ct.length);
    return Base64.getEncoder().encodeToString(out);
  }

  /**
   * Decrypts what {@link #wrap} produced.
   *
   * @throws IllegalArgumentException when this key did not encrypt it (or it was altered)
   */
  public byte[] unwrap(String wrapped, String context) {
    byte[] raw = Base64.getDecoder().decode(wrapped);
    return crypt(Cipher.DECRYPT_MODE, Arrays.copyOf(raw, NONCE),
        Arrays.copyOfRange(raw, NONCE, raw.length), context);
  }

  private byte[] crypt(int mode, byte[] nonce, byte[] data, String context) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(data);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException("the key-encryption key from " + source + " does not"
          + " decrypt the stored '" + context + "' key: replicas sharing a store need the same"
          + " key-encryption key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "KeyEncryptionKey[" + source + ", redacted]";
  }
}
