package dev.imprint.server.alert;

import dev.imprint.server.audit.AuditIntegrityException;
import dev.imprint.server.authz.DecisionService;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The detections that look at state rather than at single events, run on a timer: grants unused
 * for the configured period, signing keys older than the rotation policy while they sign, and
 * the audit log's failed consistency check. Their dedup keys name what they are about and the
 * state that made them fire (a grant's last use, a key id, the failure's text), so a condition
 * that persists is raised once and a new occurrence again.
 */
final class StateRules {
  private final AlertsConfig config;
  private final Database db;
  private final DecisionService decisions;
  private final Duration keyMaxAge;
  private final Supplier<Optional<AuditIntegrityException>> integrity;

  /**
   * Rules over {@code db}; {@code decisions} is null where authorization is not wired;
   * {@code keyLifetime} is the rotation policy when the configuration sets no key age.
   */
  StateRules(AlertsConfig config, Database db, DecisionService decisions, Duration keyLifetime,
      Supplier<Optional<AuditIntegrityException>> integrity) {
    this.config = config;
    this.db = db;
    this.decisions = decisions;
    this.keyMaxAge = config.keyMaxAge() != null ? config.keyMaxAge() : keyLifetime;
    this.integrity = integrity;
  }

  /** The signals of the current state at {@code now}. */
  List<Signal> sweep(Instant now) {
    List<Signal> out = new ArrayList<>();
    if (config.enabled(Rules.AUDIT_INTEGRITY)) {
      integrity.get().ifPresent(f -> out.add(integrity(f)));
    }
    if (config.enabled(Rules.KEY_ROTATION_OVERDUE)) {
      out.addAll(overdueKeys(now));
    }
    if (decisions != null && config.enabled(Rules.GRANT_UNUSED)) {
      out.addAll(unusedGrants(now));
    }
    return out;
  }

  private static Signal integrity(AuditIntegrityException f) {
    String detail = f.detail();
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("code", f.code());
    ev.put("detail", detail);
    return new Signal(Rules.AUDIT_INTEGRITY, Severity.CRITICAL, "audit-log",
        Rules.AUDIT_INTEGRITY + ":" + sha256(detail), "the audit log failed its consistency"
            + " check: the server refuses to sign checkpoints until an operator investigates",
        ev, "/v1/audit/checkpoint");
  }

  /** The key of each purpose that signs now (the latest activated), when it is too old. */
  private List<Signal> overdueKeys(Instant now) {
    long t = now.toEpochMilli();
    List<Signal> out = new ArrayList<>();
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT k.kid, k.purpose, k.created_at,"
          + " k.activates_at, k.not_after FROM signing_keys k WHERE k.activates_at <= ? AND"
          + " k.activates_at = (SELECT MAX(o.activates_at) FROM signing_keys o WHERE"
          + " o.purpose = k.purpose AND o.activates_at <= ?) ORDER BY k.purpose")) {
        ps.setLong(1, t);
        ps.setLong(2, t);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long age = t - rs.getLong(3);
            if (age <= keyMaxAge.toMillis()) {
              continue;
            }
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("kid", rs.getString(1));
            ev.put("purpose", rs.getString(2));
            ev.put("createdAt", Instant.ofEpochMilli(rs.getLong(3)).toString());
            ev.put("notAfter", Instant.ofEpochMilli(rs.getLong(5)).toString());
            ev.put("ageHours", age / 3_600_000L);
            ev.put("maxAgeHours", keyMaxAge.toHours());
            out.add(new Signal(Rules.KEY_ROTATION_OVERDUE, Severity.HIGH, rs.getString(1),
                Rules.KEY_ROTATION_OVERDUE + ":" + rs.getString(1), "signing key "
                    + rs.getString(1) + " (" + rs.getString(2) + ") still signs at "
                    + age / 3_600_000L + " h, past the rotation policy of "
                    + keyMaxAge.toHours() + " h", ev, "/v1/keys"));
          }
        }
      }
      return null;
    });
    return out;
  }

  /**
   * Allowing grants of the current policy unused for the period: by last use, or for a grant
   * never used, since the first policy version that held it.
   */
  private List<Signal> unusedGrants(Instant now) {
    Instant cut = now.minus(config.grantUnusedFor());
    DecisionService.Unused unused = decisions.unused(cut);
    List<Signal> out = new ArrayList<>();
    for (DecisionService.UnusedGrant g : unused.grants()) {
      Instant since = g.lastUsedAt() != null ? g.lastUsedAt() : firstHeld(g.id());
      if (since == null || since.isAfter(cut)) {
        continue;
      }
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("grant", g.id());
      ev.put("uses", g.uses());
      ev.put(g.lastUsedAt() != null ? "lastUsedAt" : "inPolicySince", since.toString());
      ev.put("unusedDays", Duration.between(since, now).toDays());
      ev.put("policyVersion", unused.policyVersion());
      if (g.location() != null) {
        ev.put("location", g.location());
      }
      out.add(new Signal(Rules.GRANT_UNUSED, Severity.LOW, g.id(), Rules.GRANT_UNUSED + ":"
          + g.id() + ":" + since.toEpochMilli(), "grant " + g.id() + " has not been used for "
          + Duration.between(since, now).toDays() + " days: remove it or narrow it", ev,
          "/v1/authz/unused"));
    }
    return out;
  }

  private Instant firstHeld(String grantId) {
    String like = "%{\"id\":\"" + grantId.replace("\\", "\\\\").replace("%", "\\%")
        .replace("_", "\\_") + "\",%";
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MIN(created_at) FROM"
          + " grant_policies WHERE document LIKE ? ESCAPE '\\'")) {
        ps.setString(1, like);
        try (ResultSet rs = ps.executeQuery()) {
          long v = rs.next() ? rs.getLong(1) : 0;
          return rs.wasNull() || v == 0 ? null : Instant.ofEpochMilli(v);
        }
      }
    });
  }

  private static String sha256(String s) {
    return HexFormat.of().formatHex(Sha256.of(s), 0, 16);
  }
}
