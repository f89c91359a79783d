package dev.imprint.server.authz;

import dev.imprint.authz.Decider;
import dev.imprint.authz.Diagnostic;
import dev.imprint.authz.Grant;
import dev.imprint.authz.GrantJson;
import dev.imprint.authz.GrantParser;
import dev.imprint.authz.GrantSet;
import dev.imprint.authz.GrantSource;
import dev.imprint.authz.HttpResource;
import dev.imprint.authz.NetResource;
import dev.imprint.authz.Policy;
import dev.imprint.authz.SourceLocation;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's grants: every applied grant set is a new policy version, stored whole with its
 * audit entry in one transaction. {@link #plan} shows what {@link #apply} would change and every
 * diagnostic, including the server's own: subjects must be identities of this trust domain
 * (errors), and grants to inactive identities or patterns that match none are warnings. The
 * current version is kept in memory and re-read every {@link #REFRESH} so replicas sharing a
 * store converge.
 */
public final class PolicyService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyService.class);
  /** How often the current version is re-read from the store. */
  public static final Duration REFRESH = Duration.ofSeconds(1);

  /** The policy decisions use, its published document and the document's ETag. */
  public record Current(Policy policy, String document, String etag) {}

  /** A grant that changes: as it is and as it would be. */
  public record Change(Grant before, Grant after) {}

  /** What applying a grant set would change, and every diagnostic. */
  public record Plan(long currentVersion, List<Grant> added, List<Grant> removed,
      List<Change> changed, int unchanged, List<Diagnostic> diagnostics) {
    /** Whether applying changes anything. */
    public boolean changes() {
      return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty();
    }

    /** Whether there are errors (apply refuses). */
    public boolean refused() {
      return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }
  }

  /** The outcome of an apply: the plan, and the version now current. */
  public record Applied(Plan plan, long version) {}

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final String trustDomain;
  private final Decider decider;
  private final AtomicReference<Current> current = new AtomicReference<>();
  private final ScheduledExecutorService refresher;

  public PolicyService(Database db, AuditLog audit, Clock clock, String trustDomain) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.trustDomain = trustDomain;
    Current first = db.read(this::loadCurrent);
    this.current.set(first);
    this.decider = new Decider(first.policy());
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-policy-refresh");
      t.setDaemon(true);
      return t;
    });
    long ms = REFRESH.toMillis();
    refresher.scheduleWithFixedDelay(this::refreshOrWarn, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The decider of the current policy (swapped when a new version appears). */
  public Decider decider() {
    return decider;
  }

  /** The current policy, document and ETag. */
  public Current current() {
    return current.get();
  }

  /** Re-reads the current version from the store (other replicas' applies). */
  public void refresh() {
    long stored = db.read(PolicyService::maxVersion);
    if (stored != current.get().policy().version()) {
      install(db.read(this::loadCurrent));
    }
  }

  private void refreshOrWarn() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("could not re-read the current grant policy (keeping version {}): {}",
          current.get().policy().version(), e.getMessage());
    }
  }

  private synchronized void install(Current next) {
    if (next.policy().version() >= current.get().policy().version()) {
      current.set(next);
      decider.update(next.policy());
    }
  }

  /** What applying {@code sources} would change, with every error and warning. */
  public Plan plan(List<GrantSource> sources) {
    return db.read(c -> plan(c, sources, current.get().policy()));
  }

  /**
   * Applies {@code sources} as the new policy when they change anything; audited as
   * {@code grants.applied}.
   *
   * @param expectedVersion when not null, the version the caller planned against
   * @throws PolicyException {@code grants.invalid} (422) with the diagnostics when there are
   *     errors, {@code grants.version_conflict} (409) when the current version is not
   *     {@code expectedVersion}
   */
  public Applied apply(List<GrantSource> sources, Long expectedVersion, String actor) {
    Applied applied = db.write(c -> {
      db.lockWriters(c);
      long version = maxVersion(c);
      if (expectedVersion != null && expectedVersion != version) {
        throw new PolicyException(PolicyException.Kind.CONFLICT, "grants.version_conflict",
            "the plan was made against policy version " + expectedVersion + " but version "
                + version + " is current: plan again");
      }
      Policy base = version == current.get().policy().version() ? current.get().policy()
          : load(c, version).policy();
      Plan p = plan(c, sources, base);
      if (p.refused()) {
        throw new PolicyException(PolicyException.Kind.UNPROCESSABLE, "grants.invalid",
            "the grant set has " + p.diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ERROR).count()
                + " error(s); nothing was applied", p.diagnostics());
      }
      if (!p.changes()) {
        return new Applied(p, version);
      }
      List<Grant> grants = GrantParser.parse(sources).grants();
      String document = GrantJson.document(grants, null);
      long next = version + 1;
      String sha = Sha256.hex(document);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO grant_policies (version,"
          + " document, sha256, grant_count, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, next);
        ps.setString(2, document);
        ps.setString(3, sha);
        ps.setInt(4, grants.size());
        ps.setLong(5, clock.millis());
        ps.setString(6, actor);
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("version", next);
      d.put("previousVersion", version);
      d.put("sha256", sha);
      d.put("grants", grants.size());
      d.put("added", p.added().stream().map(Grant::id).toList());
      d.put("removed", p.removed().stream().map(Grant::id).toList());
      d.put("changed", p.changed().stream().map(ch -> ch.after().id()).toList());
      audit.append(c, new AuditEvent(actor, "grants.applied", "policy:" + next, d));
      return new Applied(p, next);
    });
    if (applied.plan().changes()) {
      install(db.read(this::loadCurrent));
    }
    return applied;
  }

  private Plan plan(Connection c, List<GrantSource> sources, Policy base) throws SQLException {
    GrantSet set = GrantParser.parse(sources);
    if (!set.hasErrors()) {
      set = set.with(identityChecks(c, set.grants()));
    }
    List<Grant> added = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    int unchanged = 0;
    Map<String, Grant> before = new LinkedHashMap<>();
    base.grants().forEach(g -> before.put(g.id(), g));
    for (Grant g : set.grants()) {
      Grant old = before.remove(g.id());
      if (old == null) {
        added.add(g);
      } else if (!old.sameRule(g)) {
        changed.add(new Change(old, g));
      } else {
        unchanged++;
      }
    }
    if (set.hasErrors()) {
      // a grant left out for an error is not "removed": the set is refused anyway
      return new Plan(base.version(), added, List.of(), changed, unchanged, set.diagnostics());
    }
    return new Plan(base.version(), added, new ArrayList<>(before.values()), changed, unchanged,
        set.diagnostics());
  }

  /** The server's checks of subjects against the identity store. */
  private List<Diagnostic> identityChecks(Connection c, List<Grant> grants) throws SQLException {
    Map<String, String> status = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT spiffe_id, status FROM identities");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        status.put(rs.getString(1), rs.getString(2));
      }
    }
    List<Diagnostic> out = new ArrayList<>();
    String prefix = "spiffe://" + trustDomain + "/";
    for (Grant g : grants) {
      String subject = g.subject().text();
      SourceLocation at = g.location();
      if (!subject.startsWith(prefix)) {
        out.add(error("grant.trust_domain", at, g, "the subject " + subject + " is not in this"
            + " server's trust domain '" + trustDomain + "'"));
        continue;
      }
      if (!g.subject().prefix()) {
        String s = status.get(subject);
        if (s == null) {
          out.add(error("grant.identity_unknown", at, g, "the subject " + subject + " is no"
              + " identity of this server (imprint identity create first)"));
        } else if (!s.equals("active")) {
          out.add(warning("grant.identity_inactive", at, g, "the subject " + subject + " is "
              + s + ": this grant allows nothing while it is"));
        }
        continue;
      }
      String stem = g.subject().stem();
      boolean any = status.keySet().stream().anyMatch(id -> id.startsWith(stem));
      if (!any) {
        out.add(warning("grant.identity_unmatched", at, g, "the pattern " + subject
            + " matches no identity of this server today"));
      }
      status.forEach((id, s) -> {
        if (id.startsWith(stem) && !s.equals("active")) {
          out.add(warning("grant.identity_inactive", at, g, "the pattern " + subject
              + " covers " + id + ", which is " + s));
        }
      });
    }
    return out;
  }

  private static Diagnostic error(String code, SourceLocation at, Grant g, String message) {
    return new Diagnostic(Diagnostic.Severity.ERROR, code, at, g.id(), message);
  }

  private static Diagnostic warning(String code, SourceLocation at, Grant g, String message) {
    return new Diagnostic(Diagnostic.Severity.WARNING, code, at, g.id(), message);
  }

  private Current loadCurrent(Connection c) throws SQLException {
    return load(c, maxVersion(c));
  }

  private Current load(Connection c, long version) throws SQLException {
    if (version == 0) {
      Policy empty = Policy.empty();
      return current(empty);
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT document FROM grant_policies"
        + " WHERE version = ?")) {
      ps.setLong(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("policy version " + version + " vanished");
        }
        GrantSet set = GrantParser.parseSnapshot(rs.getString(1));
        if (set.hasErrors()) {
          // stored documents were valid when applied; a newer language refusing one is a bug
          throw new IllegalStateException("stored policy version " + version
              + " no longer validates: " + set.errors());
        }
        return current(Policy.of(version, set.grants()));
      }
    }
  }

  private static Current current(Policy p) {
    String document = GrantJson.document(p.grants(), p.version());
    return new Current(p, document,
        "\"v" + p.version() + "-" + Sha256.hex(document).substring(0, 16) + "\"");
  }

  static long maxVersion(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM grant_policies");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? 0 : v;
    }
  }

  /** The grant with this id in the current policy. */
  public Optional<Grant> grant(String id) {
    return current.get().policy().grants().stream().filter(g -> g.id().equals(id)).findFirst();
  }

  static boolean broad(Grant g) {
    return g.subject().prefix() || g.resource().wildcard()
        || g.coveredActions().contains("*") || g.paths().stream().anyMatch(p -> p.endsWith("/*"))
        || g.resource() instanceof NetResource n && n.fromPort() != n.toPort()
        || g.resource() instanceof HttpResource h && h.target().prefix();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
