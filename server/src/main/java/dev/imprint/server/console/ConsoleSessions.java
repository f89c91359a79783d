package dev.imprint.server.console;

import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Server-side console sessions in the store (table {@code console_sessions}), so replicas on
 * one PostgreSQL accept each other's sessions. The cookie carries 256 random bits; the store
 * keeps only their SHA-256. A session lives {@link #LIFETIME} from login and ends at logout, or
 * at once when its API token is revoked or the token's identity stops being active.
 */
final class ConsoleSessions {
  /** How long a session lasts after login. */
  static final Duration LIFETIME = Duration.ofHours(8);
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An open session: who, with which role, until when, and its CSRF token. */
  record Session(String tokenId, Role role, Instant expiresAt, String csrf) {
    boolean canChange() {
      return role == Role.ADMIN;
    }

    String actor() {
      return "token:" + tokenId;
    }
  }

  /** A new session: the cookie value (given to the browser once) and the session. */
  record Opened(String cookie, Session session) {}

  private final Database db;
  private final Clock clock;

  ConsoleSessions(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Opens a session for an authenticated caller; expired sessions are swept on the way. */
  Opened open(Caller caller) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    long now = clock.millis();
    long expires = now + LIFETIME.toMillis();
    db.write(c -> {
      try (PreparedStatement del = c.prepareStatement(
          "DELETE FROM console_sessions WHERE expires_at <= ?")) {
        del.setLong(1, now);
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions"
          + " (id_hash, token_id, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, hash(cookie));
        ps.setString(2, caller.tokenId());
        ps.setString(3, caller.role().wire());
        ps.setLong(4, now);
        ps.setLong(5, expires);
        ps.executeUpdate();
      }
      return null;
    });
    return new Opened(cookie, new Session(caller.tokenId(), caller.role(),
        Instant.ofEpochMilli(expires), csrf(cookie)));
  }

  /**
   * The session a cookie value stands for, if it is well-formed, known, not expired, and its
   * token is neither revoked nor bound to an identity that is no longer active.
   */
  Optional<Session> find(String cookie) {
    if (cookie == null || !FORMAT.matcher(cookie).matches()) {
      return Optional.empty();
    }
    long now = clock.millis();
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT s.token_id, s.role, s.expires_at"
          + " FROM console_sessions s JOIN api_tokens t ON t.id = s.token_id"
          + " LEFT JOIN identities i ON i.id = t.identity_id"
          + " WHERE s.id_hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL"
          + " AND (t.identity_id IS NULL OR i.status = 'active')")) {
        ps.setString(1, hash(cookie));
        ps.setLong(2, now);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<Session>empty();
          }
          return Optional.of(new Session(rs.getString(1), Role.parse(rs.getString(2)),
              Instant.ofEpochMilli(rs.getLong(3)), csrf(cookie)));
        }
      }
    });
  }

  /** Ends the session a cookie value stands for (nothing when there is none). */
  void close(String cookie) {
    if (cookie == null || !FORMAT.matcher(cookie).matches()) {
      return;
    }
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM console_sessions WHERE id_hash = ?")) {
        ps.setString(1, hash(cookie));
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * The session's CSRF token: a keyed digest of the cookie's value, so it is bound to the
   * session, the same on every replica, never stored, and useless without the cookie.
   */
  static String csrf(String cookie) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        Sha256.of("imprint console csrf\u0000" + cookie));
  }

  /** Whether {@code presented} is the session's CSRF token, compared in constant time. */
  static boolean csrfMatches(Session s, String presented) {
    return presented != null && MessageDigest.isEqual(
        s.csrf().getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  private static String hash(String cookie) {
    return Sha256.hex("imprint console session\u0000" + cookie);
  }
}
