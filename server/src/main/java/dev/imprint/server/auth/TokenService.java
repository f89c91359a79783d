package dev.imprint.server.auth;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API tokens: random, shown once, stored only as SHA-256 hashes, revocable. A token reads
 * {@code imp_<16 hex id>_<43 base64url chars>}; the id finds the row, the hash proves the rest.
 */
public final class TokenService {
  private static final Pattern FORMAT = Pattern.compile("imp_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");
  private static final String COLUMNS =
      "id, role, description, created_at, created_by, revoked_at, last_used_at";

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public TokenService(Database db, AuditLog audit, Clock clock) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
  }

  /** Creates a token; the returned secret exists nowhere else. */
  public IssuedToken create(Role role, String description, String createdBy) {
    return issue(role, description, createdBy, false).orElseThrow();
  }

  /**
   * Creates the first admin token when no active admin token exists (first start), atomically
   * so that two replicas starting together on one store create one.
   */
  public Optional<IssuedToken> bootstrapAdmin() {
    return issue(Role.ADMIN, "created at first start", "system:bootstrap", true);
  }

  private Optional<IssuedToken> issue(Role role, String description, String createdBy,
      boolean unlessAnAdminExists) {
    byte[] idBytes = new byte[8];
    byte[] secretBytes = new byte[32];
    random.nextBytes(idBytes);
    random.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = "imp_" + id + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Instant now = clock.instant();
    String desc = description == null ? "" : description;
    boolean created = db.write(c -> {
      if (unlessAnAdminExists) {
        db.lockWriters(c);
        if (activeAdminExists(c)) {
          return false;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (id, role,"
          + " secret_hash, description, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, role.wire());
        ps.setString(3, hash(secret));
        ps.setString(4, desc);
        ps.setLong(5, now.toEpochMilli());
        ps.setString(6, createdBy);
        ps.executeUpdate();
      }
      audit.append(c, new AuditEvent(createdBy, "token.created", "token:" + id,
          Map.of("role", role.wire())));
      return true;
    });
    return created
        ? Optional.of(new IssuedToken(new ApiToken(id, role, desc, now, createdBy, null, null),
            secret))
        : Optional.empty();
  }

  private static boolean activeAdminExists(java.sql.Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /** The caller a bearer token stands for, if the token is well-formed, known and active. */
  public Optional<Caller> authenticate(String bearer) {
    if (bearer == null) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(bearer);
    if (!m.matches()) {
      return Optional.empty();
    }
    String id = m.group(1);
    byte[] presented = hash(bearer).getBytes(StandardCharsets.US_ASCII);
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT role, secret_hash, revoked_at FROM api_tokens WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<Caller>empty();
          }
          byte[] stored = rs.getString(2).getBytes(StandardCharsets.US_ASCII);
          rs.getLong(3);
          boolean revoked = !rs.wasNull();
          if (revoked || !MessageDigest.isEqual(stored, presented)) {
            return Optional.<Caller>empty();
          }
          return Optional.of(new Caller(id, Role.parse(rs.getString(1))));
        }
      }
    });
  }

  /** Every token, newest first, without secrets. */
  public List<ApiToken> list() {
    return db.read(c -> {
      List<ApiToken> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at DESC, id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    });
  }

  /** One token by id. */
  public Optional<ApiToken> find(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<ApiToken>empty();
        }
      }
    });
  }

  /**
   * Revokes a token at once (every replica checks the store on each request).
   *
   * @return false when no token has that id; revoking twice is not an error
   */
  public boolean revoke(String id, String by) {
    return db.write(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        ps.setLong(1, clock.millis());
        ps.setString(2, id);
        n = ps.executeUpdate();
      }
      if (n > 0) {
        audit.append(c, AuditEvent.of(by, "token.revoked", "token:" + id));
        return true;
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_tokens WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  private static ApiToken row(ResultSet rs) throws SQLException {
    return new ApiToken(rs.getString(1), Role.parse(rs.getString(2)), rs.getString(3),
        Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), instant(rs, 6), instant(rs, 7));
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
