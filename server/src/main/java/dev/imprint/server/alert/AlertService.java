package dev.imprint.server.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import dev.imprint.server.text.FreeText;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The alerts that the NHI detections raised: list them (newest first, paginated), read one,
 * count the unresolved ones by severity, acknowledge and resolve them. Every raise,
 * acknowledgement and resolution is written to the audit log in the same transaction as the
 * alert row. An alert is stored once cluster-wide: its id derives from its dedup key.
 */
public final class AlertService {
  /** The largest page {@link #list} returns. */
  public static final int MAX_PAGE = 200;
  /** The audit actor of raised alerts. */
  public static final String ACTOR = "system:alerts";

  /** One page of alerts and the cursor of the next page (null on the last). */
  public record Page(List<Alert> items, String next) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(
      AlertService.class);
  private static final Pattern ID = Pattern.compile("al-[0-9a-f]{20}");
  private static final String COLUMNS = "id, rule, severity, subject, summary, evidence, link,"
      + " state, raised_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, note";
  static final int MAX_NOTE = 500;

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final List<Consumer<Alert>> raisedListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Alert>> resolvedListeners = new CopyOnWriteArrayList<>();

  public AlertService(Database db, AuditLog audit, Clock clock) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
  }

  /** Calls {@code listener} after each alert this process stored (delivery, metrics). */
  public void onRaised(Consumer<Alert> listener) {
    raisedListeners.add(listener);
  }

  /** Calls {@code listener} after each alert resolved through this process. */
  public void onResolved(Consumer<Alert> listener) {
    resolvedListeners.add(listener);
  }

  /**
   * One page of alerts, newest first, after {@code cursor} (null or empty: from the newest), at
   * most {@code limit} (1 to {@link #MAX_PAGE}), only those in {@code state} when it is present.
   *
   * @throws AlertException {@code request.limit_invalid}, {@code request.cursor_invalid}
   */
  public Page list(Optional<AlertState> state, String cursor, int limit) {
    checkLimit(limit);
    Cursor after = cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor);
    List<String> where = new ArrayList<>();
    state.ifPresent(s -> where.add("state = ?"));
    if (after != null) {
      where.add("(raised_at < ? OR (raised_at = ? AND id > ?))");
    }
    String sql = "SELECT " + COLUMNS + " FROM alerts"
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY raised_at DESC, id LIMIT " + (limit + 1);
    List<Alert> rows = db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (state.isPresent()) {
          ps.setString(i++, state.get().wire());
        }
        if (after != null) {
          ps.setLong(i++, after.raisedAt());
          ps.setLong(i++, after.raisedAt());
          ps.setString(i, after.id());
        }
        return rows(ps);
      }
    });
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    Alert last = rows.get(limit - 1);
    return new Page(List.copyOf(rows.subList(0, limit)),
        new Cursor(last.raisedAt().toEpochMilli(), last.id()).encode());
  }

  /**
   * The alerts not resolved yet (open or acknowledged), newest raised first, at most {@code
   * limit} (1 to {@link #MAX_PAGE}).
   *
   * @throws AlertException {@code request.limit_invalid}
   */
  public List<Alert> unresolved(int limit) {
    return unresolved(null, limit);
  }

  /**
   * The alerts of {@code severity} (every severity when null) not resolved yet, newest raised
   * first, at most {@code limit} (1 to {@link #MAX_PAGE}) of that severity.
   *
   * @throws AlertException {@code request.limit_invalid}
   */
  public List<Alert> unresolved(Severity severity, int limit) {
    checkLimit(limit);
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE"
          + " state <> 'resolved'" + (severity == null ? "" : " AND severity = ?")
          + " ORDER BY raised_at DESC, id LIMIT " + limit)) {
        if (severity != null) {
          ps.setString(1, severity.wire());
        }
        return rows(ps);
      }
    });
  }

  /**
   * The alerts resolved at or after {@code since}, the latest resolution first, at most {@code
   * limit} (1 to {@link #MAX_PAGE}).
   *
   * @throws AlertException {@code request.limit_invalid}
   */
  public List<Alert> resolvedSince(Instant since, int limit) {
    return resolvedSince(since, null, limit);
  }

  /**
   * The alerts of {@code severity} (every severity when null) resolved at or after {@code
   * since}, the latest resolution first, at most {@code limit} (1 to {@link #MAX_PAGE}) of that
   * severity.
   *
   * @throws AlertException {@code request.limit_invalid}
   */
  public List<Alert> resolvedSince(Instant since, Severity severity, int limit) {
    checkLimit(limit);
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE"
          + " state = 'resolved' AND resolved_at >= ?"
          + (severity == null ? "" : " AND severity = ?")
          + " ORDER BY resolved_at DESC, id LIMIT " + limit)) {
        ps.setLong(1, since.toEpochMilli());
        if (severity != null) {
          ps.setString(2, severity.wire());
        }
        return rows(ps);
      }
    });
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new AlertException(AlertException.Kind.INVALID, "request.limit_invalid",
          "expected limit from 1 to " + MAX_PAGE + ", got " + limit);
    }
  }

  /** The alert with {@code id}, if there is one. */
  public Optional<Alert> find(String id) {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return db.read(c -> find(c, id));
  }

  /** How many alerts are open or acknowledged, by severity (every severity present). */
  public Map<Severity, Long> unresolvedCounts() {
    Map<Severity, Long> out = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      out.put(s, 0L);
    }
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT severity, COUNT(*) FROM alerts"
          + " WHERE state <> 'resolved' GROUP BY severity");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(Severity.parse(rs.getString(1)), rs.getLong(2));
        }
      }
      return null;
    });
    return out;
  }

  /**
   * Marks an open alert as seen by {@code actor}, with an optional {@code note}; audited as
   * {@code alert.acknowledged}.
   *
   * @throws AlertException {@code alert.not_found}, {@code alert.already_acknowledged}, {@code
   *     alert.already_resolved}
   */
  public Alert acknowledge(String id, String actor, String note) {
    return change(id, actor, note, AlertState.ACKNOWLEDGED);
  }

  /**
   * Closes an open or acknowledged alert; audited as {@code alert.resolved} with the note.
   *
   * @throws AlertException {@code alert.not_found}, {@code alert.already_resolved}
   */
  public Alert resolve(String id, String actor, String note) {
    Alert a = change(id, actor, note, AlertState.RESOLVED);
    resolvedListeners.forEach(l -> l.accept(a));
    return a;
  }

  private Alert change(String id, String actor, String note, AlertState to) {
    return db.write(c -> {
      Alert a = (ID.matcher(id).matches() ? find(c, id) : Optional.<Alert>empty())
          .orElseThrow(() -> new AlertException(AlertException.Kind.NOT_FOUND,
              "alert.not_found", "no alert with id '" + FreeText.printable(id) + "'"));
      if (a.state() == AlertState.RESOLVED) {
        throw new AlertException(AlertException.Kind.CONFLICT, "alert.already_resolved",
            "alert " + id + " was resolved at " + a.resolvedAt() + " by " + a.resolvedBy());
      }
      if (a.state() == to) {
        throw new AlertException(AlertException.Kind.CONFLICT, "alert.already_acknowledged",
            "alert " + id + " was acknowledged at " + a.acknowledgedAt() + " by "
                + a.acknowledgedBy());
      }
      long now = clock.millis();
      String prefix = to == AlertState.RESOLVED ? "resolved" : "acknowledged";
      try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET state = ?, " + prefix
          + "_at = ?, " + prefix + "_by = ?, note = ? WHERE id = ? AND state = ?")) {
        ps.setString(1, to.wire());
        ps.setLong(2, now);
        ps.setString(3, actor);
        ps.setString(4, note == null || note.isEmpty() ? a.note() : note);
        ps.setString(5, id);
        ps.setString(6, a.state().wire());
        if (ps.executeUpdate() != 1) {
          throw new AlertException(AlertException.Kind.CONFLICT, "alert.changed",
              "alert " + id + " changed while it was being " + prefix + "; read it again");
        }
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("alert", id);
      d.put("rule", a.rule());
      d.put("severity", a.severity().wire());
      d.put("from", a.state().wire());
      if (note != null && !note.isEmpty()) {
        d.put("note", note);
      }
      audit.append(c, new AuditEvent(actor, "alert." + prefix, a.subject(), d));
      return find(c, id).orElseThrow();
    });
  }

  /**
   * Stores {@code s} unless an alert with its dedup key exists (raised by this or another
   * replica) and audits it as {@code alert.raised} (all but {@code audit.integrity_failed},
   * which is not written to the log whose check failed); the listeners hear about a stored alert
   * after its transaction committed.
   */
  Optional<Alert> raise(Signal s) {
    String id = idOf(s.dedupKey());
    long now = clock.millis();
    Optional<Alert> stored = db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (id, dedup_key, rule,"
          + " severity, subject, summary, evidence, link, state, raised_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, id);
        ps.setString(2, s.dedupKey());
        ps.setString(3, s.rule());
        ps.setString(4, s.severity().wire());
        ps.setString(5, s.subject());
        ps.setString(6, s.summary());
        ps.setString(7, json(s.evidence()));
        ps.setString(8, s.link());
        ps.setLong(9, now);
        if (ps.executeUpdate() != 1) {
          return Optional.empty();
        }
      }
      if (s.rule().equals(Rules.AUDIT_INTEGRITY)) {
        // not appended to the log whose integrity failed: an entry would change the evidence
        // the operator must examine, and what every replica reports about it
        return find(c, id);
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("alert", id);
      d.put("rule", s.rule());
      d.put("severity", s.severity().wire());
      d.put("summary", s.summary());
      d.put("evidence", s.evidence());
      d.put("link", s.link());
      audit.append(c, new AuditEvent(ACTOR, "alert.raised", s.subject(), d));
      return find(c, id);
    });
    stored.ifPresent(a -> LOG.warn("alert {} raised: {} ({}, {}): {}", a.id(), a.rule(),
        a.severity().wire(), a.subject(), a.summary()));
    stored.ifPresent(a -> raisedListeners.forEach(l -> l.accept(a)));
    return stored;
  }

  /** Whether an alert with {@code dedupKey} is stored already (no raise needed). */
  boolean raised(String dedupKey) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alerts WHERE id = ?")) {
        ps.setString(1, idOf(dedupKey));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** {@code al-} and the first 80 bits of SHA-256(dedup key), in hex. */
  static String idOf(String dedupKey) {
    return "al-" + HexFormat.of().formatHex(Sha256.of(dedupKey), 0, 10);
  }

  private static Optional<Alert> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM alerts WHERE id = ?")) {
      ps.setString(1, id);
      List<Alert> rows = rows(ps);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  private static List<Alert> rows(PreparedStatement ps) throws SQLException {
    List<Alert> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Alert(rs.getString(1), rs.getString(2), Severity.parse(rs.getString(3)),
            rs.getString(4), rs.getString(5), evidence(rs.getString(6)), rs.getString(7),
            AlertState.parse(rs.getString(8)), Instant.ofEpochMilli(rs.getLong(9)),
            instant(rs, 10), rs.getString(11), instant(rs, 12), rs.getString(13),
            rs.getString(14)));
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static String json(Map<String, Object> evidence) {
    try {
      return JSON.writeValueAsString(evidence);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("alert evidence is not serialisable: " + e.getMessage());
    }
  }

  private static Map<String, Object> evidence(String json) throws SQLException {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("stored alert evidence is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** Where a page of alerts ends: the last alert's raise time (epoch ms) and id. */
  private record Cursor(long raisedAt, String id) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(("a1:" + raisedAt + ":"
          + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String[] parts = s.split(":", -1);
        if (parts.length == 3 && parts[0].equals("a1") && ID.matcher(parts[2]).matches()) {
          return new Cursor(Long.parseLong(parts[1]), parts[2]);
        }
      } catch (IllegalArgumentException e) {
        // fall through to the refusal (NumberFormatException is one too)
      }
      throw new AlertException(AlertException.Kind.INVALID, "request.cursor_invalid",
          "expected the 'next' cursor of a previous page of alerts");
    }
  }
}
