package dev.imprint.server.auth;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.Dialect;
import dev.imprint.server.store.StateCache;
import dev.imprint.server.store.StateChanges;
import dev.imprint.server.text.FreeText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens: random, shown once, stored only as SHA-256 hashes, revocable. A token reads
 * {@code imp_<16 hex id>_<43 base64url chars>}; the id finds the row, the hash proves the rest.
 * A workload or pipeline token may be bound to an identity: it then authenticates only while
 * the identity is active, and its use is the identity's "last seen". {@link #close()} writes the
 * last uses still held in memory and must run before the store closes.
 *
 * <p>A token that authenticated is remembered for at most {@link #VERIFIED_TTL}, keyed by its
 * SHA-256 hash (never the token), so that a busy caller costs no store read per request: past
 * half that time one background read confirms it again while the remembered caller answers, and
 * requests that find it expired share one read (a {@link StateCache}). The
 * remembered tokens follow the same invalidation as the images' and identities' states
 * ({@link StateChanges}): a revocation, or an identity disabled, enabled or offboarded, forgets
 * every remembered token on this server inside its transaction, and nothing is remembered again
 * until that transaction has committed, so on this server it takes effect at once; another
 * replica of one PostgreSQL forgets them when the change's notification reaches it (and within
 * {@link #VERIFIED_TTL} at the latest).
 */
public final class TokenService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
  /**
   * How long a token that authenticated is trusted without reading the store again: the most a
   * revocation on another replica may lag on this one should its notification be lost.
   */
  public static final Duration VERIFIED_TTL = Duration.ofSeconds(2);
  /** Most tokens remembered at once; past it, a tenth is dropped (see StateCache). */
  static final int MAX_VERIFIED = 10_000;
  /** How often the times tokens were last used are written to the store by default. */
  public static final Duration USAGE_FLUSH_INTERVAL = Duration.ofSeconds(30);
  private static final Pattern FORMAT = Pattern.compile("imp_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");
  private static final Pattern IDENTITY_ID = Pattern.compile("[0-9a-f]{16}");
  /** Most tokens one page holds. */
  public static final int MAX_PAGE = 200;
  private static final String FIRST_START = "system:bootstrap";
  private static final String BOOTSTRAP_ADMIN = "system:bootstrap-admin";
  private static final String COLUMNS = "t.id, t.role, t.description, t.created_at,"
      + " t.created_by, t.revoked_at, t.last_used_at, t.identity_id, i.spiffe_id"
      + " FROM api_tokens t LEFT JOIN identities i ON i.id = t.identity_id";

  /** One page of tokens and the cursor of the next page (null on the last). */
  public record Page(List<ApiToken> items, String next) {}

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final TokenUsage usage;
  private final SecureRandom random = new SecureRandom();
  /**
   * A token as presented: its id (which finds the row) and the SHA-256 hash of the whole token
   * (which the row must hold); the token itself is kept nowhere.
   */
  private record Presented(String id, String hash) {
    @Override
    public String toString() {
      return "token " + id;
    }
  }

  /** The callers of tokens that authenticated, confirmed by the store on the service's clock. */
  private final StateCache<Presented, Optional<Caller>> verified;
  private final StateChanges changes;
  private final boolean ownsChanges;

  /**
   * A token service with an invalidation of its own (tests), whose record of when tokens were
   * last used is written every {@code usageFlushInterval} (see {@link #USAGE_FLUSH_INTERVAL}).
   */
  public TokenService(Database db, AuditLog audit, Clock clock, Duration usageFlushInterval) {
    this(db, audit, clock, usageFlushInterval, new StateChanges(db), true);
  }

  /**
   * A token service whose remembered tokens are forgotten on every change {@code changes} hears
   * of, and whose record of when tokens were last used is written every
   * {@code usageFlushInterval} (see {@link #USAGE_FLUSH_INTERVAL}).
   */
  public TokenService(Database db, AuditLog audit, Clock clock, Duration usageFlushInterval,
      StateChanges changes) {
    this(db, audit, clock, usageFlushInterval, changes, false);
  }

  private TokenService(Database db, AuditLog audit, Clock clock, Duration usageFlushInterval,
      StateChanges changes, boolean ownsChanges) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.usage = new TokenUsage(db, usageFlushInterval);
    this.changes = changes;
    this.ownsChanges = ownsChanges;
    this.verified = new StateCache<>(db, changes, "imprint-token-refresh", VERIFIED_TTL,
        MAX_VERIFIED, TokenService::lookUp, () -> clock.millis() * 1_000_000L,
        Optional::isPresent);
  }

  /** Creates an unbound token; the returned secret exists nowhere else. */
  public IssuedToken create(Role role, String description, String createdBy) {
    return create(role, description, null, createdBy);
  }

  /** Work that commits with a new token, in the transaction that creates it. */
  @FunctionalInterface
  public interface CreationHook {
    void created(Connection tx, String tokenId) throws SQLException;
  }

  /**
   * Creates an unbound token and runs {@code hook} in the same transaction (another capability
   * binds the token to something of its own, such as a Kubernetes cluster); the returned secret
   * exists nowhere else.
   */
  public IssuedToken create(Role role, String description, String createdBy,
      CreationHook hook) {
    return issue(role, description, null, createdBy, Mint.ALWAYS, hook).orElseThrow();
  }

  /**
   * Creates a token bound to {@code identity} (a SPIFFE ID or short id; null for none); the
   * returned secret exists nowhere else.
   *
   * @throws ApiProblem 400 {@code token.identity_not_allowed} when an admin or auditor token
   *     would be bound, 400 {@code token.identity_unknown} when no such identity exists, 409
   *     {@code token.identity_inactive} when it is disabled or offboarded
   */
  public IssuedToken create(Role role, String description, String identity, String createdBy) {
    if (identity != null && role != Role.WORKLOAD && role != Role.PIPELINE) {
      throw ApiProblem.badRequest("token.identity_not_allowed", "expected no identity for a"
          + " token of role " + role.wire() + " (only workload and pipeline tokens act for an"
          + " identity), got '" + FreeText.printable(identity) + "'");
    }
    return issue(role, description, identity, createdBy, Mint.ALWAYS, null).orElseThrow();
  }

  /**
   * Creates the first admin token on a store that has never had one (first start), atomically
   * so that two replicas starting together on one store create one. A later start mints none,
   * even when no admin token is active any more: that takes {@link #mintBootstrapAdmin()}
   * ({@code imprint server --bootstrap-admin}).
   */
  public Optional<IssuedToken> bootstrapAdmin() {
    return issue(Role.ADMIN, "created at first start", null, FIRST_START, Mint.FIRST_START_ONLY,
        null);
  }

  /**
   * Mints a new admin token whatever tokens exist ({@code imprint server --bootstrap-admin}),
   * audited as {@code token.created} by {@code system:bootstrap-admin} with
   * {@code bootstrap: true}. For an operator who lost every admin token: whoever can start the
   * server on its store can already read and change everything in it.
   */
  public IssuedToken mintBootstrapAdmin() {
    return issue(Role.ADMIN, "minted by imprint server --bootstrap-admin", null,
        BOOTSTRAP_ADMIN, Mint.ALWAYS, null).orElseThrow();
  }

  /** How many admin tokens are active now. */
  public long activeAdminCount() {
    return db.read(TokenService::activeAdmins);
  }

  /** When {@link #issue} mints: always, or only on a store that never had an admin token. */
  private enum Mint { ALWAYS, FIRST_START_ONLY }

  /** The identity a token is bound to: its short id, SPIFFE ID and status. */
  private record Bound(String id, String spiffeId, String status, String kind) {}

  private Optional<IssuedToken> issue(Role role, String description, String identity,
      String createdBy, Mint mint, CreationHook hook) {
    byte[] idBytes = new byte[8];
    byte[] secretBytes = new byte[32];
    random.nextBytes(idBytes);
    random.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = "imp_" + id + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Instant now = clock.instant();
    String desc = description == null ? "" : description;
    // the unit's result holds the secret, so that an Idempotency-Key's stored answer (sealed
    // under that key, see IdempotencyKeys) can be written in the same transaction
    IssuedToken created = db.write(c -> {
      if (mint == Mint.FIRST_START_ONLY) {
        db.lockWriters(c);
        if (anyAdminEverIssued(c)) {
          return null;
        }
      }
      Bound bound = identity == null ? null : bindable(c, identity, role);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (id, role,"
          + " secret_hash, description, created_at, created_by, identity_id)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, role.wire());
        ps.setString(3, hash(secret));
        ps.setString(4, desc);
        ps.setLong(5, now.toEpochMilli());
        ps.setString(6, createdBy);
        ps.setString(7, bound == null ? null : bound.id());
        ps.executeUpdate();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("role", role.wire());
      if (bound != null) {
        details.put("identity", bound.spiffeId());
      }
      if (BOOTSTRAP_ADMIN.equals(createdBy)) {
        details.put("bootstrap", true);
      }
      audit.append(c, new AuditEvent(createdBy, "token.created", "token:" + id, details));
      if (hook != null) {
        hook.created(c, id);
      }
      return new IssuedToken(new ApiToken(id, role, desc, now, createdBy, null, null,
          bound == null ? null : bound.id(), bound == null ? null : bound.spiffeId()), secret);
    });
    return Optional.ofNullable(created);
  }

  /**
   * The identity {@code ref} names, read in transaction {@code c} and, on PostgreSQL, share-locked
   * until it commits: offboarding locks the row for update before it revokes the identity's
   * tokens, so a token bound concurrently is either refused here or revoked there.
   */
  private Bound bindable(Connection c, String ref, Role role) throws SQLException {
    boolean bySpiffe = ref.startsWith("spiffe://");
    Bound found = null;
    if (bySpiffe || IDENTITY_ID.matcher(ref).matches()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, spiffe_id, status, kind FROM"
          + " identities WHERE " + (bySpiffe ? "spiffe_id" : "id") + " = ?"
          + (db.dialect() == Dialect.POSTGRESQL ? " FOR SHARE" : ""))) {
        ps.setString(1, ref);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            found = new Bound(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4));
          }
        }
      }
    }
    if (found == null) {
      throw ApiProblem.badRequest("token.identity_unknown", "expected the SPIFFE ID or id of an"
          + " existing identity, got '" + FreeText.printable(ref) + "'");
    }
    // a workload token acts for what runs (a workload, a bot, an integration), never for a
    // pipeline; a pipeline token acts for its pipeline or for the identity of the images it
    // builds (issue 9's scoping binds it to the latter), so its binding is not narrowed here
    if (role == Role.WORKLOAD && "pipeline".equals(found.kind())) {
      throw ApiProblem.badRequest("token.identity_kind_mismatch", "a workload token cannot act"
          + " for identity '" + found.spiffeId() + "' of kind pipeline (workload tokens bind to"
          + " workload, bot and integration identities)");
    }
    if (!"active".equals(found.status())) {
      throw ApiProblem.conflict("token.identity_inactive", "identity '" + found.spiffeId()
          + "' is " + found.status() + "; only an active identity can be bound to a token");
    }
    return found;
  }

  private static long activeAdmins(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean anyAdminEverIssued(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM api_tokens WHERE role = 'admin' LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /**
   * The caller a bearer token stands for, if the token is well-formed, known and not revoked,
   * and its identity (when bound) is active. A success is recorded as the token's last use.
   */
  public Optional<Caller> authenticate(String bearer) {
    if (bearer == null) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(bearer);
    if (!m.matches()) {
      return Optional.empty();
    }
    // a change that began while the store was read may have been missed by the read: such a
    // caller is answered but not remembered (StateCache keeps nothing read across a change)
    Optional<Caller> caller = verified.get(new Presented(m.group(1), hash(bearer)));
    caller.ifPresent(c -> usage.record(c.tokenId(), c.identityId(), clock.millis()));
    return caller;
  }

  /** The invalidation the remembered tokens follow (tests). */
  StateChanges changes() {
    return changes;
  }

  /** How many tokens are remembered now (tests). */
  int remembered() {
    return verified.size();
  }

  /** How many times the store was read to authenticate a token (tests). */
  long lookUps() {
    return verified.loads();
  }

  /** The caller of token {@code p}, read in {@code c}: empty unless the store confirms it. */
  private static Optional<Caller> lookUp(Connection c, Presented p) throws SQLException {
    // The identity's status is read in the same query, so a disabled identity's tokens stop
    // working (at once here, within VERIFIED_TTL on other replicas) and work again when it is
    // enabled.
    try (PreparedStatement ps = c.prepareStatement("SELECT t.role, t.secret_hash,"
        + " t.revoked_at, t.identity_id, i.status, i.spiffe_id FROM api_tokens t"
        + " LEFT JOIN identities i ON i.id = t.identity_id WHERE t.id = ?")) {
      ps.setString(1, p.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        byte[] stored = rs.getString(2).getBytes(StandardCharsets.US_ASCII);
        rs.getLong(3);
        boolean revoked = !rs.wasNull();
        String identityId = rs.getString(4);
        boolean identityInactive = identityId != null && !"active".equals(rs.getString(5));
        if (revoked || identityInactive || !MessageDigest.isEqual(stored,
            p.hash().getBytes(StandardCharsets.US_ASCII))) {
          return Optional.empty();
        }
        return Optional.of(new Caller(p.id(), Role.parse(rs.getString(1)), identityId,
            rs.getString(6)));
      }
    }
  }

  /**
   * One page of tokens, after {@code cursor} (null or empty: from the newest), newest first, at
   * most {@code limit} (1 to {@link #MAX_PAGE}). Pages follow (creation time, id), so tokens
   * created while a client pages through never make it see one twice or miss one that existed
   * when it started.
   */
  public Page list(String cursor, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + MAX_PAGE + ", got " + limit);
    }
    Cursor after = cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor);
    List<ApiToken> rows = db.read(c -> {
      List<ApiToken> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + (after == null ? "" : " WHERE t.created_at < ? OR (t.created_at = ? AND t.id > ?)")
          + " ORDER BY t.created_at DESC, t.id LIMIT " + (limit + 1))) {
        if (after != null) {
          ps.setLong(1, after.createdAt());
          ps.setLong(2, after.createdAt());
          ps.setString(3, after.id());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(withPendingUse(row(rs)));
          }
        }
      }
      return out;
    });
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    ApiToken last = rows.get(limit - 1);
    return new Page(List.copyOf(rows.subList(0, limit)),
        new Cursor(last.createdAt().toEpochMilli(), last.id()).encode());
  }

  /** Every token, newest first (for the few callers that need them all at once). */
  public List<ApiToken> list() {
    return db.read(c -> {
      List<ApiToken> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " ORDER BY t.created_at DESC, t.id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(withPendingUse(row(rs)));
        }
      }
      return out;
    });
  }

  /** One token by id. */
  public Optional<ApiToken> find(String id) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " WHERE t.id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(withPendingUse(row(rs))) : Optional.<ApiToken>empty();
        }
      }
    });
  }

  /**
   * Revokes a token: at once on this server, within {@link #VERIFIED_TTL} on the other replicas
   * of its store (see the class comment). The last active
   * admin token is never revoked, so the API always keeps someone who can manage it: revoking
   * it is 409 {@code token.last_admin} (mint another admin token first, or restart the server
   * with {@code --bootstrap-admin}).
   *
   * @return false when no token has that id; revoking twice is not an error
   */
  public boolean revoke(String id, String by) {
    boolean found = db.write(c -> {
      // The writers' lock before the count: two admins revoking each other at once on replicas
      // of one PostgreSQL would otherwise both see two active admins and leave none.
      db.lockWriters(c);
      String role = null;
      boolean active = false;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT role, revoked_at FROM api_tokens WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          role = rs.getString(1);
          rs.getLong(2);
          active = rs.wasNull();
        }
      }
      if (!active) {
        return true;
      }
      if (Role.ADMIN.wire().equals(role) && activeAdmins(c) <= 1) {
        throw ApiProblem.conflict("token.last_admin", "token " + id + " is the last active"
            + " admin token; revoking it would leave no one able to manage the server. Create"
            + " another admin token first (or restart the server with --bootstrap-admin)");
      }
      changes.changed(c);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        ps.setLong(1, clock.millis());
        ps.setString(2, id);
        ps.executeUpdate();
      }
      audit.append(c, AuditEvent.of(by, "token.revoked", "token:" + id));
      return true;
    });
    return found;
  }

  /**
   * Revokes, inside offboarding transaction {@code tx}, every active token bound to the identity
   * {@code identityId} ({@code spiffeId}), each with an audit entry.
   *
   * @return the ids of the tokens revoked
   */
  public List<String> revokeBoundTo(Connection tx, String identityId, String spiffeId,
      String actor, String reason) throws SQLException {
    // the writers' lock keeps the set revoked below equal to the one read here for the audit
    // entries: no replica revokes one of them in between
    db.lockWriters(tx);
    changes.changed(tx);
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = tx.prepareStatement("SELECT id FROM api_tokens"
        + " WHERE identity_id = ? AND revoked_at IS NULL ORDER BY id")) {
      ps.setString(1, identityId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement ps = tx.prepareStatement("UPDATE api_tokens SET revoked_at = ?"
        + " WHERE identity_id = ? AND revoked_at IS NULL")) {
      ps.setLong(1, clock.millis());
      ps.setString(2, identityId);
      ps.executeUpdate();
    }
    for (String id : ids) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("identity", spiffeId);
      details.put("reason", reason);
      audit.append(tx, new AuditEvent(actor, "token.revoked", "token:" + id, details));
    }
    return ids;
  }

  /**
   * The token with its last use as this server knows it: a use not yet written (they are
   * written periodically) is newer than the stored time, so a caller who just used a token
   * sees that use in the list at once.
   */
  private ApiToken withPendingUse(ApiToken t) {
    Instant p = usage.pendingUse(t.id());
    if (p == null || (t.lastUsedAt() != null && !p.isAfter(t.lastUsedAt()))) {
      return t;
    }
    return new ApiToken(t.id(), t.role(), t.description(), t.createdAt(), t.createdBy(),
        t.revokedAt(), p, t.identityId(), t.identity());
  }

  /**
   * When a token bound to identity {@code identityId} was last used on this server and the use
   * is not yet written to the identity's {@code last_seen_at}, or null; the identity API shows
   * the later of the two.
   */
  public Instant pendingLastSeen(String identityId) {
    return usage.pendingSeen(identityId);
  }

  /** The record of last uses (tests flush it directly). */
  TokenUsage usage() {
    return usage;
  }

  /** Writes the last uses still held in memory; call before the store closes. */
  @Override
  public void close() {
    verified.close();
    usage.close();
    if (ownsChanges) {
      changes.close();
    }
  }

  /** Where a page of tokens ends: the last token's creation time (epoch ms) and id. */
  private record Cursor(long createdAt, String id) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(("t1:" + createdAt + ":"
          + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String[] parts = s.split(":", -1);
        if (parts.length == 3 && parts[0].equals("t1") && IDENTITY_ID.matcher(parts[2])
            .matches()) {
          return new Cursor(Long.parseLong(parts[1]), parts[2]);
        }
      } catch (IllegalArgumentException e) {
        // fall through to the problem (NumberFormatException is one too)
      }
      throw ApiProblem.badRequest("request.cursor_invalid",
          "expected the 'next' cursor of a previous page of tokens");
    }
  }

  private static ApiToken row(ResultSet rs) throws SQLException {
    return new ApiToken(rs.getString(1), Role.parse(rs.getString(2)), rs.getString(3),
        Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), instant(rs, 6), instant(rs, 7),
        rs.getString(8), rs.getString(9));
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static String hash(String token) {
    return Sha256.hex(token);
  }
}
