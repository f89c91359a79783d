package dev.imprint.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.http.Json;
import dev.imprint.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's read-only questions about the estate that no service answers whole: counts by
 * risk, state and severity, the rules found per repository, an identity's inventory and audit
 * trail, and the series the drawings plot. Plain SQL, the same on SQLite and PostgreSQL.
 */
final class EstateReads {
  /** Severities from worst to least; the order every count is shown in. */
  static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");
  /** Risk levels of an identity, worst first. */
  static final List<String> RISKS = List.of("critical", "high", "medium", "low", "none");
  static final List<String> IMAGE_STATES = List.of("registered", "approved", "deployed",
      "retired", "rejected");
  /** Most rows one list on a page shows. */
  static final int MAX_ROWS = 500;

  /** Of each repository, its report uploaded last. */
  private static final String LATEST = "r.uploaded_at = (SELECT MAX(r2.uploaded_at)"
      + " FROM finding_reports r2 WHERE r2.repository = r.repository)";

  /** One identity in a list, with its risk. */
  record IdentityRow(String id, String spiffeId, String kind, String owner, String status,
      String risk) {}

  /** The findings of one rule in one repository's latest report. */
  record RuleCount(String repository, String commit, String ruleId, String title,
      String severity, int count) {}

  /** One identity the scanner found in a linked repository's code. */
  record CodeEntry(String repository, String commit, String kind, String name, String path,
      int line, String access) {}

  /** One audit log entry as stored. */
  record AuditRow(long seq, Instant loggedAt, String action, String actor, String subject,
      String entry) {}

  /** A count on one day (UTC). */
  record DayCount(LocalDate day, long count) {}

  private final Database db;

  EstateReads(Database db) {
    this.db = db;
  }

  /** Images by lifecycle state, every state present (zero when none). */
  Map<String, Long> imagesByState() {
    Map<String, Long> m = zeros(IMAGE_STATES);
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT status, COUNT(*) FROM images GROUP BY status");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          m.put(rs.getString(1), rs.getLong(2));
        }
      }
      return null;
    });
    return m;
  }

  /** Open findings (those of each repository's latest report) by severity. */
  Map<String, Long> findingsBySeverity() {
    Map<String, Long> m = zeros(SEVERITIES);
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT SUM(r.critical), SUM(r.high),"
          + " SUM(r.medium), SUM(r.low), SUM(r.info) FROM finding_reports r WHERE " + LATEST);
          ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          for (int i = 0; i < SEVERITIES.size(); i++) {
            m.put(SEVERITIES.get(i), rs.getLong(i + 1));
          }
        }
      }
      return null;
    });
    return m;
  }

  /**
   * Every identity (up to {@link #MAX_ROWS}, in SPIFFE ID order) with its risk: the worst
   * severity among the latest findings of the repositories linked to it and the scan and
   * vulnerability reports of its images still in use (registered, approved or deployed);
   * {@code none} when nothing is known against it.
   */
  List<IdentityRow> identities() {
    return db.read(c -> {
      Map<String, Integer> worst = new HashMap<>();
      findingRisk(c, worst);
      imageRisk(c, worst);
      List<IdentityRow> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, spiffe_id, kind, owner, status"
          + " FROM identities ORDER BY spiffe_id LIMIT " + MAX_ROWS);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int w = worst.getOrDefault(rs.getString(1), RISKS.size() - 1);
          rows.add(new IdentityRow(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), RISKS.get(w)));
        }
      }
      return rows;
    });
  }

  /** Identities by risk, every level present, over every identity. */
  Map<String, Long> identitiesByRisk() {
    Map<String, Long> m = zeros(RISKS);
    db.read(c -> {
      Map<String, Integer> worst = new HashMap<>();
      findingRisk(c, worst);
      imageRisk(c, worst);
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM identities");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          m.merge(RISKS.get(worst.getOrDefault(rs.getString(1), RISKS.size() - 1)), 1L,
              Long::sum);
        }
      }
      return null;
    });
    return m;
  }

  private static void findingRisk(Connection c, Map<String, Integer> worst) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT ir.identity_id, SUM(r.critical),"
        + " SUM(r.high), SUM(r.medium), SUM(r.low) FROM identity_repositories ir"
        + " JOIN finding_reports r ON r.repository = ir.repository WHERE " + LATEST
        + " GROUP BY ir.identity_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        for (int i = 0; i < 4; i++) {
          if (rs.getLong(i + 2) > 0) {
            worst.merge(rs.getString(1), i, Math::min);
            break;
          }
        }
      }
    }
  }

  private static void imageRisk(Connection c, Map<String, Integer> worst) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT identity_id, scan_summary,"
        + " vuln_summary FROM images WHERE status IN ('registered', 'approved', 'deployed')");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        for (int col = 2; col <= 3; col++) {
          int w = worstOf(rs.getString(col));
          if (w < 4) {
            worst.merge(rs.getString(1), w, Math::min);
          }
        }
      }
    }
  }

  /** The index in {@link #RISKS} of the worst severity a stored summary counts, 4 if none. */
  private static int worstOf(String summaryJson) throws SQLException {
    if (summaryJson == null) {
      return 4;
    }
    try {
      JsonNode counts = Json.MAPPER.readTree(summaryJson).path("counts");
      for (int i = 0; i < 4; i++) {
        if (counts.path(SEVERITIES.get(i)).asInt() > 0) {
          return i;
        }
      }
      return 4;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("a stored report summary is not JSON", e);
    }
  }

  /**
   * The findings of each repository's latest report grouped by rule, worst first, optionally
   * of one repository and one severity.
   */
  List<RuleCount> rulesFound(String repository, String severity) {
    StringBuilder sql = new StringBuilder("SELECT r.repository, r.commit_sha, f.rule_id,"
        + " MIN(f.title), f.severity, COUNT(*) FROM finding_reports r JOIN findings f"
        + " ON f.upload_id = r.upload_id WHERE " + LATEST);
    List<String> args = new ArrayList<>();
    if (repository != null && !repository.isBlank()) {
      sql.append(" AND r.repository = ?");
      args.add(repository);
    }
    if (severity != null && !severity.isBlank()) {
      sql.append(" AND f.severity = ?");
      args.add(severity);
    }
    sql.append(" GROUP BY r.repository, r.commit_sha, f.rule_id, f.severity"
        + " ORDER BY r.repository, f.rule_id LIMIT " + MAX_ROWS);
    return db.read(c -> {
      List<RuleCount> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setString(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new RuleCount(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getInt(6)));
          }
        }
      }
      out.sort(java.util.Comparator.comparingInt((RuleCount r) -> rank(r.severity()))
          .thenComparing(RuleCount::repository).thenComparing(RuleCount::ruleId));
      return out;
    });
  }

  /** What defines an identity in code: the inventory of the latest reports of its repositories. */
  List<CodeEntry> code(String identityId) {
    return db.read(c -> {
      List<CodeEntry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT r.repository, r.commit_sha,"
          + " ii.kind, ii.name, ii.path, ii.line, ii.access FROM identity_repositories ir"
          + " JOIN finding_reports r ON r.repository = ir.repository"
          + " JOIN inventory_identities ii ON ii.upload_id = r.upload_id"
          + " WHERE ir.identity_id = ? AND " + LATEST
          + " ORDER BY r.repository, ii.position LIMIT " + MAX_ROWS)) {
        ps.setString(1, identityId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new CodeEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7)));
          }
        }
      }
      return out;
    });
  }

  /**
   * The newest audit entries (up to {@code limit}) whose text names {@code needle} (a SPIFFE ID,
   * a digest), newest first; {@code action} narrows to one action when not null.
   */
  List<AuditRow> auditMentioning(String needle, String action, int limit) {
    String like = "%" + escapeLike(Json.MAPPER.valueToTree(needle).toString()) + "%";
    return db.read(c -> {
      List<AuditRow> out = new ArrayList<>();
      String sql = "SELECT seq, logged_at, entry FROM audit_entries WHERE entry LIKE ?"
          + " ESCAPE '!'" + (action == null ? "" : " AND entry LIKE ? ESCAPE '!'")
          + " ORDER BY seq DESC LIMIT " + limit;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, like);
        if (action != null) {
          ps.setString(2, "%\"action\":" + escapeLike(
              Json.MAPPER.valueToTree(action).toString()) + "%");
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs.getLong(1), rs.getLong(2), rs.getString(3)));
          }
        }
      }
      return out;
    });
  }

  /** Entries {@code [start, end)} of the audit log, newest first. */
  List<AuditRow> auditPage(long start, long end) {
    return db.read(c -> {
      List<AuditRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, logged_at, entry FROM"
          + " audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq DESC")) {
        ps.setLong(1, start);
        ps.setLong(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs.getLong(1), rs.getLong(2), rs.getString(3)));
          }
        }
      }
      return out;
    });
  }

  /** Audit entries of {@code action} per UTC day from {@code since} (days with none omitted). */
  List<DayCount> actionsPerDay(String action, Instant since) {
    String like = "%\"action\":" + escapeLike(Json.MAPPER.valueToTree(action).toString()) + "%";
    return db.read(c -> {
      Map<LocalDate, Long> days = new java.util.TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT logged_at FROM audit_entries"
          + " WHERE logged_at >= ? AND entry LIKE ? ESCAPE '!'")) {
        ps.setLong(1, since.toEpochMilli());
        ps.setString(2, like);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            days.merge(day(rs.getLong(1)), 1L, Long::sum);
          }
        }
      }
      return days.entrySet().stream().map(e -> new DayCount(e.getKey(), e.getValue())).toList();
    });
  }

  /** Findings of the reports uploaded each UTC day from {@code since}, all repositories. */
  List<DayCount> findingsPerDay(Instant since) {
    return db.read(c -> {
      Map<LocalDate, Long> days = new java.util.TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT uploaded_at, critical + high"
          + " + medium + low + info FROM finding_reports WHERE uploaded_at >= ?")) {
        ps.setLong(1, since.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            days.merge(day(rs.getLong(1)), rs.getLong(2), Long::sum);
          }
        }
      }
      return days.entrySet().stream().map(e -> new DayCount(e.getKey(), e.getValue())).toList();
    });
  }

  /** Grant use as recorded by the decision point: grant id to (last use, uses). */
  Map<String, long[]> grantUse() {
    return db.read(c -> {
      Map<String, long[]> m = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT grant_id, last_used_at, uses FROM grant_usage");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          m.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      return m;
    });
  }

  static int rank(String severity) {
    int i = SEVERITIES.indexOf(severity);
    return i < 0 ? SEVERITIES.size() : i;
  }

  private static AuditRow row(long seq, long at, String entry) throws SQLException {
    try {
      JsonNode n = Json.MAPPER.readTree(entry);
      return new AuditRow(seq, Instant.ofEpochMilli(at), n.path("action").asText(),
          n.path("actor").asText(), n.path("subject").asText(), entry);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("audit entry " + seq + " is not JSON", e);
    }
  }

  private static LocalDate day(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static String escapeLike(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static Map<String, Long> zeros(List<String> keys) {
    Map<String, Long> m = new LinkedHashMap<>();
    keys.forEach(k -> m.put(k, 0L));
    return m;
  }
}
