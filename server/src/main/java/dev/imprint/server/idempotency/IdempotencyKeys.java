package dev.imprint.server.idempotency;

import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.GroupCommit;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The answers to creating requests sent with an {@code Idempotency-Key}, stored in the same
 * transaction as the change they answer and kept for {@link #RETENTION}. A key belongs to the
 * caller: its token, or a workload's SPIFFE ID on a route a JWT-SVID authenticates. The same key
 * from another caller is another key.
 *
 * <p>Neither the key, the request nor the answer is stored in clear. A record is found by the
 * SHA-256 of the caller (token id or SPIFFE ID) and the key; the request it answered is kept as
 * an HMAC-SHA256 and its answer sealed with AES-256-GCM, each under its own key derived from the
 * Idempotency-Key (HKDF-SHA256): the answer to a token creation holds the new token's secret (to
 * a database login, its password), and only the client that holds the Idempotency-Key can read
 * it again; someone who reads the store (even with the key-encryption key) cannot. So a client
 * should use a random key (a UUID).
 */
public final class IdempotencyKeys {
  /** How long an answer is kept, and so for how long a retry gets it. */
  public static final Duration RETENTION = Duration.ofHours(24);
  private static final byte[] INFO = "imprint idempotency answer v1"
      .getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 12;

  /** A stored answer: the HTTP status, the {@code Location} header (or null) and the JSON body. */
  public record Answer(int status, String location, String body) {
    @Override
    public String toString() {
      return "Answer[status=" + status + ", body=[" + body.length() + " chars]]";
    }
  }

  /** What is stored for a key: which request it answered and its sealed answer. */
  record Stored(String requestHash, int status, String sealed) {}

  /**
   * A request's key, already bound to its caller: where to find it, how to seal for it, and the
   * key that fingerprints the request it answers (so that what is stored of a request, a
   * password in its body included, cannot be tested against guesses without the
   * Idempotency-Key).
   */
  public record Key(String lookup, byte[] sealingKey, byte[] requestKey) {
    @Override
    public String toString() {
      return "Key[" + lookup + "]";
    }

    /** HMAC-SHA256 of {@code request} (method, path and parsed body) under the request key. */
    String requestHash(String request) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(requestKey, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(request.getBytes(StandardCharsets.UTF_8)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
      }
    }
  }

  private final Database db;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private volatile long nextSweep;

  public IdempotencyKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Binds {@code key} (a validated Idempotency-Key) to {@code caller}: a token's id (16 hex
   * digits), or a workload's SPIFFE ID ({@code spiffe://...}), so the two never meet.
   */
  public static Key key(String caller, String key) {
    byte[] ikm = key.getBytes(StandardCharsets.UTF_8);
    byte[] salt = ("imprint idempotency " + caller).getBytes(StandardCharsets.UTF_8);
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt, INFO));
    byte[] derived = new byte[64];
    hkdf.generateBytes(derived, 0, derived.length);
    return new Key(Sha256.hex("imprint idempotency lookup v1\0" + caller + "\0" + key),
        Arrays.copyOf(derived, 32), Arrays.copyOfRange(derived, 32, 64));
  }

  /**
   * Whether {@code stored} answered the request {@code requestText} (method, path and parsed
   * body). Its fingerprint is an HMAC-SHA256 under the key's request key; a record stored by a
   * build from before that HMAC (commit 5fb83c2b) carries the plain SHA-256 of the same text
   * instead, and still matches it, so a retry sent across an upgrade gets its answer. Both are
   * 64 hex digits; an HMAC cannot equal the SHA-256 of a request short of a collision, so
   * accepting the legacy form lets no other request through. Such records expire within {@link
   * #RETENTION} of the upgrade, and none is written any more.
   */
  static boolean sameRequest(Key key, Stored stored, String requestText) {
    byte[] have = stored.requestHash().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(have, key.requestHash(requestText)
        .getBytes(StandardCharsets.US_ASCII))
        || MessageDigest.isEqual(have, Sha256.hex(requestText)
            .getBytes(StandardCharsets.US_ASCII));
  }

  /** The unexpired record of {@code key}, if any (a read on a pooled connection). */
  Optional<Stored> find(Key key) {
    long now = clock.millis();
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT request_hash, status, answer FROM"
          + " idempotency_keys WHERE lookup = ? AND expires_at > ?")) {
        ps.setString(1, key.lookup());
        ps.setLong(2, now);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getInt(2),
              rs.getString(3))) : Optional.<Stored>empty();
        }
      }
    });
  }

  /** The answer sealed in {@code stored}, opened with {@code key}. */
  Answer open(Key key, Stored stored) {
    byte[] sealed = Base64.getDecoder().decode(stored.sealed());
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.sealingKey(), "AES"),
          new GCMParameterSpec(128, sealed, 0, NONCE_BYTES));
      gcm.updateAAD(key.lookup().getBytes(StandardCharsets.US_ASCII));
      String plain = new String(gcm.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES),
          StandardCharsets.UTF_8);
      int nl = plain.indexOf('\n');
      return new Answer(stored.status(), nl == 0 ? null : plain.substring(0, nl),
          plain.substring(nl + 1));
    } catch (GeneralSecurityException e) {
      // only a record written under another key with the same lookup (a SHA-256 collision) or
      // a tampered store gets here
      throw new IllegalStateException("the stored answer for this Idempotency-Key does not"
          + " open with it", e);
    }
  }

  /**
   * A rider for {@link Database#withRider}: when a write's result is one {@code answer} renders
   * (not empty), it stores that answer for {@code key} in the write's own transaction and hands
   * it to {@code rendered}. A record already there (a concurrent request with the same key
   * committed first) fails the write with {@link AlreadyAnswered}, so it rolls back.
   */
  GroupCommit.Rider rider(Key key, String requestHash, Function<Object, Optional<Answer>> answer,
      java.util.function.Consumer<Answer> rendered) {
    return (tx, result) -> {
      Optional<Answer> a = answer.apply(result);
      if (a.isEmpty()) {
        return;
      }
      if (!insert(tx, key, requestHash, a.get())) {
        throw new AlreadyAnswered();
      }
      rendered.accept(a.get());
    };
  }

  private boolean insert(Connection tx, Key key, String requestHash, Answer a)
      throws SQLException {
    long now = clock.millis();
    sweepExpired(tx, now);
    try (PreparedStatement ps = tx.prepareStatement("INSERT INTO idempotency_keys (lookup,"
        + " request_hash, status, answer, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
        // an expired record not swept yet gives way; a live one is another request's answer
        + " ON CONFLICT (lookup) DO UPDATE SET request_hash = excluded.request_hash,"
        + " status = excluded.status, answer = excluded.answer,"
        + " created_at = excluded.created_at, expires_at = excluded.expires_at"
        + " WHERE idempotency_keys.expires_at <= excluded.created_at")) {
      ps.setString(1, key.lookup());
      ps.setString(2, requestHash);
      ps.setInt(3, a.status());
      ps.setString(4, seal(key, (a.location() == null ? "" : a.location()) + "\n" + a.body()));
      ps.setLong(5, now);
      ps.setLong(6, now + RETENTION.toMillis());
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Deletes expired records, at most once a minute per server, in a transaction that writes one
   * anyway. A record still there after its expiry is ignored by {@link #find} all the same.
   */
  private void sweepExpired(Connection tx, long now) throws SQLException {
    if (now < nextSweep) {
      return;
    }
    nextSweep = now + Duration.ofMinutes(1).toMillis();
    try (PreparedStatement ps = tx.prepareStatement(
        "DELETE FROM idempotency_keys WHERE expires_at <= ?")) {
      ps.setLong(1, now);
      ps.executeUpdate();
    }
  }

  private String seal(Key key, String body) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.sealingKey(), "AES"),
          new GCMParameterSpec(128, nonce));
      gcm.updateAAD(key.lookup().getBytes(StandardCharsets.US_ASCII));
      byte[] ct = gcm.doFinal(body.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + ct.length);
      System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by the Java platform", e);
    }
  }

  /** A concurrent request with the same key stored its answer first; this one rolled back. */
  static final class AlreadyAnswered extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyAnswered() {
      super("another request with this Idempotency-Key was answered first", null, false, false);
    }
  }
}
