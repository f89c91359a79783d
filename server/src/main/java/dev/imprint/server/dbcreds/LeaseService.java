package dev.imprint.server.dbcreds;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.imprint.authz.AuthzException;
import dev.imprint.authz.DbResource;
import dev.imprint.authz.Decision;
import dev.imprint.authz.Effect;
import dev.imprint.authz.Grant;
import dev.imprint.authz.ResourcePattern;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.authz.DecisionService;
import dev.imprint.server.authz.PolicyService;
import dev.imprint.server.store.Database;
import dev.imprint.server.svid.JwtSvidValidator;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, renews, revokes and reaps database logins. Issuing decides each privilege with the
 * authorization engine (deny by default), records the lease as pending, creates the role on the
 * database server, then activates the lease: a crash between any two steps leaves a row that the
 * reaper finds. Reaping claims a lease in the store first, so with several replicas each lease
 * is dropped and audited once.
 */
public final class LeaseService {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseService.class);
  /** The audience of the JWT-SVID a workload presents to ask for database logins. */
  public static final String AUDIENCE = "imprint:db";
  static final Duration MIN_TTL = Duration.ofSeconds(5);
  static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
  static final Duration MAX_TTL = Duration.ofHours(1);
  /** How long a lease may live in all, renewals included. */
  static final Duration MAX_LIFETIME = Duration.ofHours(8);
  /**
   * A pending lease older than this is abandoned (its issue crashed or stalled) and reaped; an
   * issue that takes longer may not activate its lease, so the two cannot race.
   */
  static final Duration PENDING_GRACE = Duration.ofSeconds(20);
  /** How long a replica's claim on a lease to reap lasts before another may take it over. */
  static final Duration CLAIM = Duration.ofMinutes(1);
  static final int MAX_PRIVILEGES = 16;
  /** How often a sweep of the reaper also looks for orphan roles on the registered servers. */
  static final Duration ORPHAN_INTERVAL = Duration.ofMinutes(1);
  private static final Pattern PRIVILEGE = Pattern.compile("read|write|role:[a-z_][a-z0-9_]{0,62}");
  private static final Pattern TTL = Pattern.compile("(\\d{1,6})([smh])");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final DbServers servers;
  private final PolicyService policies;
  private final DecisionService decisions;
  private final JwtSvidValidator validator;
  private final String replica;
  private volatile long nextOrphanSweep;
  /** Tests: told {@code "decided"} before a lease is recorded, {@code "created"} after. */
  private volatile java.util.function.Consumer<String> steps = step -> { };

  public LeaseService(Database db, AuditLog audit, Clock clock, DbServers servers,
      PolicyService policies, DecisionService decisions, JwtSvidValidator validator) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.servers = servers;
    this.policies = policies;
    this.decisions = decisions;
    this.validator = validator;
    this.replica = "replica-" + HexFormat.of().formatHex(random(6));
  }

  /**
   * A workload authenticated by its JWT-SVID (validated for {@link #AUDIENCE}): the token, its
   * SPIFFE ID and its image. {@link #toString()} leaves the token out.
   */
  public record Workload(String svid, String subject, String digest) {
    @Override
    public String toString() {
      return "Workload[" + subject + ", " + digest + "]";
    }
  }

  /**
   * Creates a login for the workload of {@code svid} on {@code resource} with the privileges
   * asked for (every privilege its grants allow when {@code privileges} is null), valid for
   * {@code ttl} (default 15 minutes).
   *
   * @throws DbException {@code db.svid_invalid} (401), {@code db.workload_revoked},
   *     {@code db.access_denied} (403), {@code db.resource_invalid}, {@code db.privilege_invalid},
   *     {@code db.ttl_invalid} (400), {@code db.server_unknown} (404), {@code db.login_failed},
   *     {@code db.server_unreachable}, {@code db.admin_login_failed} (502),
   *     {@code db.lease_revoked} (409, revoked while it was being created),
   *     {@code db.server_removed} (409, the server was removed meanwhile; no role is left)
   */
  public IssuedLogin issue(Workload w, String resource, List<String> privileges, String ttl) {
    String svid = w.svid();
    DbResource r = resource(resource);
    Duration life = ttl(ttl);
    DbServer server = servers.find(r.server()).orElseThrow(() -> {
      // removed on another replica: its admin pools here close now, not when idle
      servers.closePools(r.server());
      return new DbException(DbException.Kind.NOT_FOUND, "db.server_unknown", "no database"
          + " server named '" + r.server() + "' is registered (imprint db add)");
    });
    List<String> granted = decide(svid, r, privileges);
    String id = HexFormat.of().formatHex(random(12));
    String role = Logins.PREFIX + id;
    Instant now = clock.instant();
    Lease lease = new Lease(id, server.name(), r.database(), r.schema(), r.text(), role, granted,
        w.subject(), w.digest(), "pending", null, null, now, now.plus(life),
        now.plus(MAX_LIFETIME), 0, null, null);
    steps.accept("decided");
    db.write(c -> {
      // the single writer orders this after any removal of the server: checked, then recorded
      if (!registered(c, server.name())) {
        throw removed(server.name());
      }
      insert(c, lease);
      return null;
    });
    char[] password = password();
    // the admin connection is held until the lease is active, so that a login whose lease was
    // deleted meanwhile (its server removed) is dropped on it: the server's pools close only
    // once their connections are back (DbServers#closePools)
    Connection c;
    try {
      c = servers.connect(server, r.database());
    } catch (SQLException e) {
      failed(lease, e);
      throw createFailure(server, e);
    } catch (DbException e) {
      if (e.code().equals("db.server_unknown")) {
        throw removed(server.name()); // removed, its pools closed, before this took one
      }
      throw e;
    }
    try (c) {
      try {
        Logins.create(c, role, password, lease.expiresAt(), r.database(), r.schema(), granted);
      } catch (SQLException e) {
        failed(lease, e);
        throw createFailure(server, e);
      }
      steps.accept("created");
      // the activation's result is the whole answer, so that an Idempotency-Key's record of it
      // (a rider on this write, see Idempotent) commits with the lease or not at all
      IssuedLogin issued;
      try {
        issued = db.write(tx -> {
          Lease active = activate(tx, lease);
          return active == null ? null : new IssuedLogin(active, new String(password),
              server.host(), server.port(), server.sslmode());
        });
      } catch (RuntimeException e) {
        abandon(lease);
        throw e;
      }
      if (issued == null) {
        throw notActivated(lease, c);
      }
      return issued;
    } catch (SQLException e) {
      // closing the connection failed; the lease is recorded either way
      throw createFailure(server, e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** Tests: runs {@code hook} at each step of an issue (see {@link #steps}). */
  void steps(java.util.function.Consumer<String> hook) {
    steps = hook;
  }

  private static boolean registered(Connection c, String server) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM db_servers WHERE name = ?")) {
      ps.setString(1, server);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static DbException removed(String server) {
    return new DbException(DbException.Kind.CONFLICT, "db.server_removed", "the database server"
        + " '" + DbServer.shown(server) + "' was removed while the login was being issued; no"
        + " login was left on it");
  }

  private DbException createFailure(DbServer server, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("08") || state.startsWith("28") || state.isEmpty()) {
      return DbServers.connectFailure(server, e);
    }
    return new DbException(DbException.Kind.DATABASE, "db.login_failed", "the database server '"
        + server.name() + "' refused to create the login (SQLSTATE " + state + ": "
        + DbServers.firstLine(e) + ")");
  }

  /** Marks a lease whose creation failed; the reaper drops its role should it exist. */
  private void failed(Lease lease, SQLException e) {
    LOG.warn("creating the login of lease {} on {} failed: SQLSTATE {}: {}", lease.id(),
        lease.server(), e.getSQLState(), DbServers.firstLine(e));
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET state = 'ended',"
          + " end_reason = 'failed', ended_at = ?, last_error = ? WHERE id = ? AND state ="
          + " 'pending'")) {
        ps.setLong(1, clock.millis());
        ps.setString(2, "SQLSTATE " + e.getSQLState());
        ps.setString(3, lease.id());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Ends a lease whose activation did not commit (the store failed, or a concurrent request with
   * the same Idempotency-Key was answered first) and drops its role at once, so no login is left
   * that nobody received. Should the activation have committed after all (the store lost only
   * its answer), the lease is no longer pending and this does nothing; should the store still
   * fail, the lease stays pending and the reaper drops it after {@link #PENDING_GRACE}.
   */
  private void abandon(Lease lease) {
    try {
      boolean ended = db.write(c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET state = 'ended',"
            + " end_reason = 'abandoned', ended_at = ? WHERE id = ? AND state = 'pending'")) {
          ps.setLong(1, clock.millis());
          ps.setString(2, lease.id());
          return ps.executeUpdate() == 1;
        }
      });
      if (ended) {
        reapOne(lease.id());
      }
    } catch (RuntimeException e) {
      LOG.warn("lease {} on {} was not activated and could not be ended now ({}); the reaper"
          + " drops its role", lease.id(), lease.server(), e.getMessage());
    }
  }

  /**
   * A lease revoked, or reaped as abandoned, while its login was being created: the role may
   * have been created after the reaper dropped it, so the lease is put back for the reaper.
   */
  private DbException notActivated(Lease lease, Connection admin) {
    Optional<Lease> left = db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET state = 'ended',"
          + " end_reason = COALESCE(end_reason, 'abandoned'), ended_at = COALESCE(ended_at, ?),"
          + " dropped_at = NULL WHERE id = ?")) {
        ps.setLong(1, clock.millis());
        ps.setString(2, lease.id());
        ps.executeUpdate();
      }
      return get(c, lease.id());
    });
    if (left.isEmpty()) {
      // deleted with its server (removed with revoke=true): nothing reaps it, so drop it now
      try {
        Logins.drop(admin, lease.username(), lease.database(), lease.schema(),
            lease.privileges());
      } catch (SQLException e) {
        LOG.warn("the server {} was removed while lease {} was issued, and dropping its role {}"
            + " failed: SQLSTATE {}: {}", lease.server(), lease.id(), lease.username(),
            e.getSQLState(), DbServers.firstLine(e));
        return new DbException(DbException.Kind.DATABASE, "db.login_failed", "the database"
            + " server '" + lease.server() + "' was removed while the login was being issued,"
            + " and its role " + lease.username() + " could not be dropped (SQLSTATE "
            + e.getSQLState() + "): drop it on the server");
      }
      return removed(lease.server());
    }
    Lease now = left.get();
    if ("revoked".equals(now.endReason())) {
      return new DbException(DbException.Kind.CONFLICT, "db.lease_revoked", "lease "
          + lease.id() + " was revoked while its login was being created; its role is being"
          + " dropped");
    }
    return new DbException(DbException.Kind.DATABASE, "db.login_failed", "creating the login"
        + " of lease " + lease.id() + " took longer than " + PENDING_GRACE.toSeconds()
        + " s; the lease is abandoned and its role is being dropped");
  }

  private Lease activate(Connection c, Lease lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET state = 'active' WHERE"
        + " id = ? AND state = 'pending' AND created_at > ?")) {
      ps.setString(1, lease.id());
      ps.setLong(2, clock.millis() - PENDING_GRACE.toMillis());
      if (ps.executeUpdate() == 0) {
        return null;
      }
    }
    Map<String, Object> d = details(lease);
    d.put("expiresAt", lease.expiresAt().toString());
    audit.append(c, new AuditEvent(lease.subject(), "db.lease.issued", lease.id(), d));
    return get(c, lease.id()).orElseThrow();
  }

  private static Map<String, Object> details(Lease l) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("server", l.server());
    d.put("resource", l.resource());
    d.put("username", l.username());
    d.put("privileges", l.privileges());
    d.put("subject", l.subject());
    d.put("imageDigest", l.imageDigest());
    return d;
  }

  /**
   * Moves the expiry of the caller's own active lease to {@code ttl} from now, at most to its
   * maximum lifetime; each privilege is decided again.
   *
   * @throws DbException {@code db.lease_not_found} (404), {@code db.lease_forbidden},
   *     {@code db.access_denied} (403), {@code db.lease_ended}, {@code db.lease_max_reached}
   *     (409), and those of {@link #issue} for the credential, the TTL and the database
   */
  public Lease renew(Workload w, String id, String ttl) {
    String svid = w.svid();
    Duration life = ttl(ttl);
    Lease l = find(id).orElseThrow(() -> notFound(id));
    if (!l.subject().equals(w.subject())) {
      throw new DbException(DbException.Kind.FORBIDDEN, "db.lease_forbidden", "lease " + id
          + " belongs to another workload");
    }
    Instant now = clock.instant();
    if (!l.state().equals("active") || !l.expiresAt().isAfter(now)) {
      throw ended(l);
    }
    if (!l.expiresAt().isBefore(l.maxExpiresAt())) {
      throw new DbException(DbException.Kind.CONFLICT, "db.lease_max_reached", "lease " + id
          + " reached its maximum lifetime (" + l.maxExpiresAt() + "): ask for a new login");
    }
    decide(svid, resource(l.resource()), l.privileges());
    Instant until = now.plus(life).isAfter(l.maxExpiresAt()) ? l.maxExpiresAt() : now.plus(life);
    if (!until.isAfter(l.expiresAt())) {
      return l;
    }
    DbServer server = servers.find(l.server()).orElseThrow();
    try (Connection c = servers.connect(server, l.database())) {
      Logins.extend(c, l.username(), until);
    } catch (SQLException e) {
      throw createFailure(server, e);
    }
    // the store moves after the database: should this write fail, the reaper ends the login at
    // the earlier expiry the store still holds
    Lease renewed = db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET expires_at = ?,"
          + " renewals = renewals + 1 WHERE id = ? AND state = 'active'")) {
        ps.setLong(1, until.toEpochMilli());
        ps.setString(2, id);
        if (ps.executeUpdate() == 0) {
          return null;
        }
      }
      Map<String, Object> d = details(l);
      d.put("expiresAt", until.toString());
      audit.append(c, new AuditEvent(w.subject(), "db.lease.renewed", id, d));
      return get(c, id).orElseThrow();
    });
    if (renewed == null) {
      throw ended(find(id).orElse(l));
    }
    return renewed;
  }

  /**
   * Revokes a lease: it ends now and its role is dropped (at once when the database server
   * answers, else by the reaper as soon as it does).
   *
   * @throws DbException {@code db.lease_not_found} (404), {@code db.lease_ended} (409)
   */
  public Lease revoke(String id, String actor, String reason) {
    boolean revoked = db.write(c -> {
      Lease l = get(c, id).orElseThrow(() -> notFound(id));
      if (l.state().equals("ended")) {
        throw ended(l);
      }
      return end(c, List.of(l), actor, reason) == 1;
    });
    if (revoked) {
      reapOne(id);
    }
    return find(id).orElseThrow(() -> notFound(id));
  }

  /**
   * Ends, inside {@code tx}, every pending or active lease of the workload {@code subject} (an
   * identity disabled or offboarded) or of the image {@code digest} (retired); the reaper drops
   * their roles once the transaction commits.
   */
  public int revokeAll(Connection tx, String column, String value, String actor, String reason)
      throws SQLException {
    if (!column.equals("subject") && !column.equals("image_digest")) {
      throw new IllegalArgumentException("expected subject or image_digest, got " + column);
    }
    List<Lease> live = new ArrayList<>();
    try (PreparedStatement ps = tx.prepareStatement(SELECT + " WHERE " + column + " = ? AND"
        + " state IN ('pending', 'active')")) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          live.add(lease(rs));
        }
      }
    }
    return end(tx, live, actor, reason);
  }

  private int end(Connection c, List<Lease> leases, String actor, String reason)
      throws SQLException {
    int n = 0;
    for (Lease l : leases) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET state = 'ended',"
          + " end_reason = 'revoked', ended_by = ?, ended_at = ? WHERE id = ? AND state IN"
          + " ('pending', 'active')")) {
        ps.setString(1, actor);
        ps.setLong(2, clock.millis());
        ps.setString(3, l.id());
        if (ps.executeUpdate() == 0) {
          continue;
        }
      }
      Map<String, Object> d = details(l);
      d.put("reason", reason);
      audit.append(c, new AuditEvent(actor, "db.lease.revoked", l.id(), d));
      n++;
    }
    return n;
  }

  /** What removing a server did: leases revoked first, and lease records deleted with it. */
  public record Removal(String server, int leasesRevoked, int leaseRecordsDeleted) {}

  /**
   * Removes the registered server {@code name}. Its leases reference it: while any of them
   * still has a role on the server (pending, active, or ended and not yet dropped) the removal
   * is refused, unless {@code revoke}, which first ends every pending and active lease (audited
   * {@code db.lease.revoked}) and drops each role at once. Only when no role is left are the
   * server's lease records (every one dropped; the audit log keeps their history) and the server
   * deleted, in one transaction audited {@code db.server.removed}; then its admin pools close.
   *
   * @throws DbException {@code db.server_unknown} (404); {@code db.server_in_use} (409, with how
   *     many leases); {@code db.revoke_failed} (502, a role could not be dropped: nothing is
   *     deleted, the leases stay ended and the reaper keeps trying)
   */
  public Removal removeServer(String name, boolean revoke, String actor) {
    DbServer server = servers.find(name).orElseThrow(() -> new DbException(
        DbException.Kind.NOT_FOUND, "db.server_unknown", "no database server named '"
            + DbServer.shown(name) + "' is registered"));
    int revoked = 0;
    if (revoke) {
      revoked = db.write(c -> {
        List<Lease> live = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE server_name = ? AND"
            + " state IN ('pending', 'active')")) {
          ps.setString(1, server.name());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              live.add(lease(rs));
            }
          }
        }
        return end(c, live, actor, "database server removed");
      });
      for (String id : undropped(server.name())) {
        reapOne(id);
      }
    }
    int endedFirst = revoked;
    Removal removal = db.write(c -> {
      long left = 0;
      String lastError = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MAX(last_error) FROM"
          + " db_leases WHERE server_name = ? AND dropped_at IS NULL")) {
        ps.setString(1, server.name());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          left = rs.getLong(1);
          lastError = rs.getString(2);
        }
      }
      if (left > 0 && revoke) {
        throw new DbException(DbException.Kind.DATABASE, "db.revoke_failed", left + " lease(s)"
            + " of '" + server.name() + "' still have a role on it that could not be dropped"
            + (lastError == null ? "" : " (" + lastError + ")") + "; nothing was removed (the"
            + " leases are ended and the reaper keeps dropping their roles)");
      }
      if (left > 0) {
        throw new DbException(DbException.Kind.CONFLICT, "db.server_in_use", left
            + " lease(s) of '" + server.name() + "' still have a role on it (pending, active,"
            + " or ended and not yet dropped); remove it with revoke=true (imprint db remove "
            + server.name() + " --revoke) to end them first");
      }
      int deleted;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM db_leases WHERE server_name"
          + " = ?")) {
        ps.setString(1, server.name());
        deleted = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM db_servers WHERE name = ?")) {
        ps.setString(1, server.name());
        if (ps.executeUpdate() == 0) {
          return null;
        }
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("host", server.host());
      d.put("port", server.port());
      d.put("database", server.database());
      d.put("leasesRevoked", endedFirst);
      d.put("leaseRecordsDeleted", deleted);
      audit.append(c, new AuditEvent(actor, "db.server.removed", server.name(), d));
      return new Removal(server.name(), endedFirst, deleted);
    });
    if (removal == null) {
      throw new DbException(DbException.Kind.NOT_FOUND, "db.server_unknown", "no database"
          + " server named '" + DbServer.shown(name) + "' is registered (removed meanwhile)");
    }
    servers.closePools(server.name());
    return removal;
  }

  /** The ids of the leases of {@code server} whose role is not yet dropped. */
  private List<String> undropped(String server) {
    return db.read(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM db_leases WHERE"
          + " server_name = ? AND dropped_at IS NULL ORDER BY id")) {
        ps.setString(1, server);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }

  /** The leases, newest first, optionally of one state, subject or server (at most 1,000). */
  public List<Lease> list(String state, String subject, String server) {
    if (state != null && !Set.of("pending", "active", "ended").contains(state)) {
      throw new DbException(DbException.Kind.INVALID, "db.state_invalid", "expected state"
          + " pending, active or ended, got '" + DbServer.shown(state) + "'");
    }
    StringBuilder sql = new StringBuilder(SELECT + " WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    for (String[] f : new String[][] {{"state", state}, {"subject", subject},
        {"server_name", server}}) {
      if (f[1] != null) {
        sql.append(" AND ").append(f[0]).append(" = ?");
        args.add(f[1]);
      }
    }
    sql.append(" ORDER BY created_at DESC, id LIMIT 1000");
    return db.read(c -> {
      List<Lease> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setString(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(lease(rs));
          }
        }
      }
      return out;
    });
  }

  /** The lease {@code id}, if any. */
  public Optional<Lease> find(String id) {
    return db.read(c -> get(c, id));
  }

  /**
   * One sweep of the reaper: drops the role of every lease that expired, was revoked, failed,
   * or was left pending past {@link #PENDING_GRACE} (an issue that crashed), and ends its
   * sessions. Leases recorded before a restart are found the same way: the store is the truth.
   *
   * @return how many roles this sweep dropped
   */
  public int reap() {
    servers.closeRemoved();
    long now = clock.millis();
    List<String> due = db.read(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM db_leases WHERE dropped_at"
          + " IS NULL AND (state = 'ended' OR (state = 'active' AND expires_at <= ?) OR (state ="
          + " 'pending' AND created_at <= ?)) AND (claim_until IS NULL OR claim_until < ?)"
          + " ORDER BY expires_at LIMIT 500")) {
        ps.setLong(1, now);
        ps.setLong(2, now - PENDING_GRACE.toMillis());
        ps.setLong(3, now);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
    int dropped = 0;
    for (String id : due) {
      dropped += reapOne(id) ? 1 : 0;
    }
    if (clock.millis() >= nextOrphanSweep) {
      nextOrphanSweep = clock.millis() + ORPHAN_INTERVAL.toMillis();
      dropped += reapOrphans();
    }
    return dropped;
  }

  /**
   * Drops the orphan roles of every registered server: roles named with Imprint's prefix
   * ({@link Logins#PREFIX}) that no lease of that server names (left by a crash, or by a store
   * restored from an older backup), once their {@code VALID UNTIL} has passed. A role still
   * valid is left until then: it may be the login of another control plane that shares the
   * server, and without a lease nobody can renew it. Roles without the prefix are never
   * touched. Each drop ends the role's sessions and is audited as {@code db.orphan.dropped}.
   *
   * @return how many orphan roles were dropped
   */
  public synchronized int reapOrphans() {
    int dropped = 0;
    for (DbServer s : servers.list()) {
      try (Connection c = servers.connect(s, s.database())) {
        for (String role : orphans(s, c)) {
          dropped += dropOrphan(s, c, role) ? 1 : 0;
        }
      } catch (SQLException e) {
        LOG.warn("reaper: looking for orphan roles on {} failed, will retry: SQLSTATE {}: {}",
            s.name(), e.getSQLState(), DbServers.firstLine(e));
      }
    }
    return dropped;
  }

  /** The expired roles of Imprint's scheme on {@code s} that no lease of {@code s} names. */
  List<String> orphans(DbServer s, Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String role : Logins.expiredPrefixed(c)) {
      if (!leased(s.name(), role)) {
        out.add(role);
      }
    }
    return out;
  }

  private boolean leased(String server, String role) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM db_leases WHERE"
          + " server_name = ? AND role_name = ?")) {
        ps.setString(1, server);
        ps.setString(2, role);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /**
   * Drops one orphan: first the privileges it holds in each database of the server (they are
   * recorded nowhere, so the catalog says where), then the role itself. Audited only when this
   * call dropped the role: another replica that listed the same orphan and dropped it first
   * audited it, so every orphan is audited once across replicas.
   *
   * @return whether this call dropped the role
   */
  boolean dropOrphan(DbServer s, Connection c, String role) {
    Logins.Dropped result;
    try {
      for (String database : Logins.databasesHolding(c, role)) {
        if (database.equals(s.database())) {
          Logins.revokeEverything(c, role);
        } else {
          try (Connection other = servers.connect(s, database)) {
            Logins.revokeEverything(other, role);
          }
        }
      }
      result = Logins.drop(c, role, s.database(), null, List.of());
    } catch (SQLException e) {
      if (Logins.UNDEFINED_OBJECT.equals(e.getSQLState())) {
        return false; // dropped by another replica between the listing and now
      }
      LOG.warn("reaper: dropping the orphan role {} on {} failed, will retry: SQLSTATE {}: {}",
          role, s.name(), e.getSQLState(), DbServers.firstLine(e));
      return false;
    } catch (IllegalArgumentException e) {
      LOG.warn("reaper: dropping the orphan role {} on {} failed, will retry: {}", role,
          s.name(), e.getMessage());
      return false;
    }
    if (!result.dropped()) {
      return false;
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("server", s.name());
    d.put("username", role);
    d.put("sessionsEnded", result.sessionsEnded());
    db.write(w -> {
      audit.append(w, new AuditEvent("system:db-reaper", "db.orphan.dropped", role, d));
      return null;
    });
    return true;
  }

  /** Claims, drops and closes one lease; false when another replica holds it or it failed. */
  boolean reapOne(String id) {
    long now = clock.millis();
    Lease l = db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET claimed_by = ?,"
          + " claim_until = ? WHERE id = ? AND dropped_at IS NULL AND (claim_until IS NULL OR"
          + " claim_until < ?)")) {
        ps.setString(1, replica);
        ps.setLong(2, now + CLAIM.toMillis());
        ps.setString(3, id);
        ps.setLong(4, now);
        if (ps.executeUpdate() == 0) {
          return null;
        }
      }
      return get(c, id).orElse(null);
    });
    if (l == null) {
      return false;
    }
    boolean due = l.state().equals("ended") || l.state().equals("active")
        && !l.expiresAt().isAfter(Instant.ofEpochMilli(now)) || l.state().equals("pending")
        && !l.createdAt().isAfter(Instant.ofEpochMilli(now).minus(PENDING_GRACE));
    if (!due) {
      release(id, null);
      return false;
    }
    int sessions;
    DbServer server = servers.find(l.server()).orElseThrow();
    try (Connection c = servers.connect(server, l.database())) {
      sessions = Logins.drop(c, l.username(), l.database(), l.schema(), l.privileges())
          .sessionsEnded();
    } catch (SQLException e) {
      LOG.warn("reaper: dropping the login of lease {} on {} failed, will retry: SQLSTATE {}:"
          + " {}", id, l.server(), e.getSQLState(), DbServers.firstLine(e));
      release(id, "SQLSTATE " + e.getSQLState());
      return false;
    }
    String reason = l.state().equals("ended") ? l.endReason()
        : l.state().equals("pending") ? "abandoned" : "expired";
    int ended = sessions;
    return Boolean.TRUE.equals(db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET state = 'ended',"
          + " end_reason = ?, ended_at = COALESCE(ended_at, ?), dropped_at = ?, claim_until ="
          + " NULL, last_error = NULL WHERE id = ? AND claimed_by = ? AND dropped_at IS NULL")) {
        ps.setString(1, reason);
        ps.setLong(2, clock.millis());
        ps.setLong(3, clock.millis());
        ps.setString(4, id);
        ps.setString(5, replica);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      Map<String, Object> d = details(l);
      d.put("reason", reason);
      d.put("sessionsEnded", ended);
      audit.append(c, new AuditEvent("system:db-reaper", "db.lease.dropped", id, d));
      return true;
    }));
  }

  private void release(String id, String error) {
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE db_leases SET claim_until = NULL,"
          + " last_error = COALESCE(?, last_error) WHERE id = ? AND claimed_by = ?")) {
        ps.setString(1, error);
        ps.setString(2, id);
        ps.setString(3, replica);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Authenticates a workload by its JWT-SVID, before its request is read.
   *
   * @throws DbException {@code db.svid_invalid} (401), {@code db.workload_revoked} (403)
   */
  public Workload authenticate(String svid) {
    JwtSvidValidator.Result r = validator.validate(svid, AUDIENCE);
    if (!r.valid()) {
      if (r.reason() != null && r.reason().startsWith("svid.revoked_")) {
        throw new DbException(DbException.Kind.FORBIDDEN, "db.workload_revoked", "the"
            + " workload's image is no longer approved or its identity is not active ("
            + r.reason() + ")");
      }
      throw new DbException(DbException.Kind.UNAUTHENTICATED, "db.svid_invalid", "expected a"
          + " JWT-SVID valid for audience '" + AUDIENCE + "' as the bearer: " + r.reason());
    }
    try {
      JWTClaimsSet claims = JWTParser.parse(svid).getJWTClaimsSet();
      return new Workload(svid, r.spiffeId(), (String) claims.getClaim("image_digest"));
    } catch (ParseException e) {
      throw new IllegalStateException("a JWT-SVID the validator accepted does not parse", e);
    }
  }

  private static DbResource resource(String text) {
    if (text == null) {
      throw new DbException(DbException.Kind.INVALID, "db.resource_invalid", "expected"
          + " 'resource': db:postgres://<server>/<database>[/<schema>]");
    }
    try {
      if (ResourcePattern.parse(text) instanceof DbResource d && !d.wildcard()) {
        return d;
      }
    } catch (AuthzException e) {
      throw new DbException(DbException.Kind.INVALID, "db.resource_invalid", e.detail());
    }
    throw new DbException(DbException.Kind.INVALID, "db.resource_invalid", "expected one"
        + " database or schema db:postgres://<server>/<database>[/<schema>], got '"
        + DbServer.shown(text) + "'");
  }

  /** {@code 30s}, {@code 15m}, {@code 1h}; between {@link #MIN_TTL} and {@link #MAX_TTL}. */
  static Duration ttl(String text) {
    if (text == null) {
      return DEFAULT_TTL;
    }
    Matcher m = TTL.matcher(text);
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    if (d == null || d.compareTo(MIN_TTL) < 0 || d.compareTo(MAX_TTL) > 0) {
      throw new DbException(DbException.Kind.INVALID, "db.ttl_invalid", "expected 'ttl' as"
          + " <n>s, <n>m or <n>h between 5s and 1h, got '" + DbServer.shown(text) + "'");
    }
    return d;
  }

  /**
   * The privileges to grant: each one asked for must be allowed (else the whole request is
   * refused); with none asked for, every privilege the policy names for a {@code db:} resource
   * that is allowed here.
   */
  private List<String> decide(String svid, DbResource r, List<String> asked) {
    boolean explicit = asked != null;
    Set<String> candidates = new LinkedHashSet<>();
    if (explicit) {
      if (asked.isEmpty() || asked.size() > MAX_PRIVILEGES) {
        throw new DbException(DbException.Kind.INVALID, "db.privilege_invalid", "expected 1"
            + " to " + MAX_PRIVILEGES + " privileges, got " + asked.size());
      }
      for (String p : asked) {
        if (p == null || !PRIVILEGE.matcher(p).matches()) {
          throw new DbException(DbException.Kind.INVALID, "db.privilege_invalid", "expected"
              + " read, write or role:<name> ([a-z_][a-z0-9_]*), got '"
              + (p == null ? "null" : DbServer.shown(p)) + "'");
        }
        if (!candidates.add(p)) {
          throw new DbException(DbException.Kind.INVALID, "db.privilege_invalid", "the"
              + " privilege '" + p + "' is listed twice");
        }
      }
    } else {
      for (Grant g : policies.current().policy().grants()) {
        if (g.effect() == Effect.ALLOW && g.resource() instanceof DbResource) {
          candidates.addAll(g.coveredActions());
        }
      }
    }
    List<String> allowed = new ArrayList<>();
    for (String p : candidates) {
      Decision d = decisions.authorize(svid, AUDIENCE, "db-credentials", p, r.text(), Map.of())
          .decision();
      if (d.allowed()) {
        allowed.add(p);
      } else if (explicit) {
        throw new DbException(DbException.Kind.FORBIDDEN, "db.access_denied", "'" + p + "' on "
            + r.text() + " is not allowed: " + d.reason().code()
            + (d.grants().isEmpty() ? "" : " by " + d.grants()) + " (policy version "
            + d.policyVersion() + ")");
      }
    }
    if (allowed.isEmpty()) {
      throw new DbException(DbException.Kind.FORBIDDEN, "db.access_denied", "no grant allows"
          + " any privilege on " + r.text() + " (policy version "
          + policies.current().policy().version() + ")");
    }
    return allowed;
  }

  private static char[] password() {
    byte[] raw = random(32);
    char[] out = Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
    Arrays.fill(raw, (byte) 0);
    return out;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static DbException notFound(String id) {
    return new DbException(DbException.Kind.NOT_FOUND, "db.lease_not_found", "no lease '"
        + DbServer.shown(id) + "'");
  }

  private static DbException ended(Lease l) {
    return new DbException(DbException.Kind.CONFLICT, "db.lease_ended", "lease " + l.id()
        + " is " + (l.state().equals("ended") ? "ended (" + l.endReason() + ")"
            : l.state().equals("pending") ? "still pending" : "expired"));
  }

  private void insert(Connection c, Lease l) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO db_leases (id, server_name,"
        + " database_name, schema_name, resource, role_name, privileges, subject, image_digest,"
        + " state, created_at, expires_at, max_expires_at, renewals) VALUES (?, ?, ?, ?, ?, ?,"
        + " ?, ?, ?, 'pending', ?, ?, ?, 0)")) {
      ps.setString(1, l.id());
      ps.setString(2, l.server());
      ps.setString(3, l.database());
      ps.setString(4, l.schema());
      ps.setString(5, l.resource());
      ps.setString(6, l.username());
      ps.setString(7, String.join(",", l.privileges()));
      ps.setString(8, l.subject());
      ps.setString(9, l.imageDigest());
      ps.setLong(10, l.createdAt().toEpochMilli());
      ps.setLong(11, l.expiresAt().toEpochMilli());
      ps.setLong(12, l.maxExpiresAt().toEpochMilli());
      ps.executeUpdate();
    }
  }

  private static final String SELECT = "SELECT id, server_name, database_name, schema_name,"
      + " resource, role_name, privileges, subject, image_digest, state, end_reason, ended_by,"
      + " created_at, expires_at, max_expires_at, renewals, ended_at, dropped_at FROM db_leases";

  private static Optional<Lease> get(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(lease(rs)) : Optional.empty();
      }
    }
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), List.of(rs.getString(7).split(",")), rs.getString(8),
        rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
        Instant.ofEpochMilli(rs.getLong(13)), Instant.ofEpochMilli(rs.getLong(14)),
        Instant.ofEpochMilli(rs.getLong(15)), rs.getInt(16), instant(rs, 17), instant(rs, 18));
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
