package dev.imprint.server.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.Dialect;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Creates, reads, lists and changes identities; each change is written together with its audit
 * entry. Identities are addressed by SPIFFE ID or by their short id (16 hex digits of the
 * SHA-256 of the SPIFFE ID).
 */
public final class IdentityService {
  /** Most labels on one identity. */
  public static final int MAX_LABELS = 32;
  /** Largest page of a list. */
  public static final int MAX_LIMIT = 200;
  /** Most source repositories one identity may be linked to. */
  public static final int MAX_REPOSITORIES = 64;
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
  private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{16}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "id, spiffe_id, kind, owner, environment, description,"
      + " labels, status, created_at, updated_at, last_seen_at, repositories";

  /** Acts inside the offboarding transaction (retire images, revoke credentials). */
  @FunctionalInterface
  public interface OffboardHook {
    void offboarded(Connection tx, Identity identity, String actor, String reason)
        throws SQLException;
  }

  /**
   * Acts inside every status change's transaction (disable, enable, offboard), e.g. to revoke
   * the credentials of an identity that is no longer active.
   */
  @FunctionalInterface
  public interface StatusHook {
    void changed(Connection tx, Identity identity, Identity.Status from) throws SQLException;
  }

  /**
   * What {@code POST /v1/identities} asks for; {@code repositories} (null: none) are the source
   * repositories whose findings its pipeline tokens may upload.
   */
  public record NewIdentity(String spiffeId, String kind, String owner, String environment,
      String description, Map<String, String> labels, List<String> repositories) {
    /** An identity linked to no repository. */
    public NewIdentity(String spiffeId, String kind, String owner, String environment,
        String description, Map<String, String> labels) {
      this(spiffeId, kind, owner, environment, description, labels, null);
    }
  }

  /**
   * What an update changes; a null field stays as it is, labels replace the whole map and
   * repositories the whole list.
   */
  public record Changes(String owner, String environment, String description,
      Map<String, String> labels, List<String> repositories) {
    /** Changes that leave the repositories as they are. */
    public Changes(String owner, String environment, String description,
        Map<String, String> labels) {
      this(owner, environment, description, labels, null);
    }
  }

  /** List filters; null means any. A label filter is {@code key} or {@code key=value}. */
  public record Filter(Identity.Kind kind, String owner, String environment,
      Identity.Status status, List<String> labels) {}

  /** One page of a list and the cursor of the next (null at the end). */
  public record Page(List<Identity> items, String next) {}

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final String trustDomain;
  private final List<OffboardHook> offboardHooks = new CopyOnWriteArrayList<>();
  private final List<StatusHook> statusHooks = new CopyOnWriteArrayList<>();

  public IdentityService(Database db, AuditLog audit, Clock clock, String trustDomain) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.trustDomain = trustDomain;
  }

  /** The trust domain identities must belong to. */
  public String trustDomain() {
    return trustDomain;
  }

  /** Registers a hook run inside every offboarding transaction. */
  public void onOffboard(OffboardHook hook) {
    offboardHooks.add(hook);
  }

  /** Registers a hook run inside every status change's transaction. */
  public void onStatusChange(StatusHook hook) {
    statusHooks.add(hook);
  }

  /** The short id of a SPIFFE ID: the first 16 hex digits of its SHA-256. */
  public static String idOf(String spiffeId) {
    return HexFormat.of().formatHex(Sha256.of(spiffeId), 0, 8);
  }

  /**
   * Creates an identity; 409 {@code identity.exists} when the SPIFFE ID is taken, also when
   * creations race on replicas sharing a store.
   */
  public Identity create(NewIdentity req, String actor) {
    SpiffeId spiffe = SpiffeId.parse(req.spiffeId(), trustDomain);
    if (req.kind() == null) {
      throw ApiProblem.badRequest("identity.kind_missing",
          "expected field 'kind' (workload, pipeline, bot or integration), got none");
    }
    Identity.Kind kind = Identity.Kind.parse(req.kind());
    String owner = text("owner", req.owner(), 128, true);
    String env = text("environment", req.environment(), 64, false);
    String description = text("description", req.description(), 1024, false);
    Map<String, String> labels = labels(req.labels());
    List<String> repositories = repositories(req.repositories());
    Instant now = Instant.ofEpochMilli(clock.millis());
    String sid = spiffe.toString();
    Identity identity = new Identity(idOf(sid), sid, kind, owner, env, description, labels,
        Identity.Status.ACTIVE, now, now, null, repositories);
    return db.write(c -> {
      // Check-then-insert: without the writers' lock two replicas on one PostgreSQL both find
      // the SPIFFE ID free and the loser's INSERT fails on the key (store.conflict, not the
      // identity.exists a sequential repeat gets). The audit append takes the lock anyway.
      db.lockWriters(c);
      if (find(c, sid, false).isPresent()) {
        throw ApiProblem.conflict("identity.exists", "an identity with SPIFFE ID '" + sid
            + "' already exists (id " + identity.id() + ")");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO identities (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
        ps.setString(1, identity.id());
        ps.setString(2, sid);
        ps.setString(3, kind.wire());
        ps.setString(4, owner);
        ps.setString(5, env);
        ps.setString(6, description);
        ps.setString(7, json(labels));
        ps.setString(8, identity.status().wire());
        ps.setLong(9, now.toEpochMilli());
        ps.setLong(10, now.toEpochMilli());
        ps.setString(11, json(repositories));
        ps.executeUpdate();
      }
      writeLabels(c, identity.id(), labels);
      writeRepositories(c, identity.id(), repositories);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("kind", kind.wire());
      details.put("owner", owner);
      details.put("environment", env);
      if (!repositories.isEmpty()) {
        details.put("repositories", repositories);
      }
      audit.append(c, new AuditEvent(actor, "identity.created", sid, details));
      return identity;
    });
  }

  /** An identity by SPIFFE ID or short id. */
  public Optional<Identity> find(String ref) {
    return db.read(c -> find(c, ref, false));
  }

  /**
   * An identity by SPIFFE ID or short id, read in transaction {@code c} (locked for update on
   * PostgreSQL when {@code lock} is true).
   */
  public Optional<Identity> find(Connection c, String ref, boolean lock) throws SQLException {
    if (ref == null) {
      return Optional.empty();
    }
    boolean bySpiffe = ref.startsWith("spiffe://");
    if (!bySpiffe && !SHORT_ID.matcher(ref).matches()) {
      return Optional.empty();
    }
    String sql = "SELECT " + COLUMNS + " FROM identities WHERE "
        + (bySpiffe ? "spiffe_id" : "id") + " = ?"
        + (lock && db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /** The identity or a 404 problem. */
  public Identity get(String ref) {
    return find(ref).orElseThrow(() -> notFound(ref));
  }

  static ApiProblem notFound(String ref) {
    return ApiProblem.notFound("identity.not_found", "no identity with SPIFFE ID or id '"
        + ref + "'");
  }

  /**
   * A page of identities in SPIFFE ID order after {@code cursor}. The cursor is the last SPIFFE
   * ID of the previous page, so pages stay consistent while identities are added.
   */
  public Page list(Filter f, String cursor, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + MAX_LIMIT + ", got " + limit);
    }
    String after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM identities i WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    if (f.kind() != null) {
      sql.append(" AND i.kind = ?");
      args.add(f.kind().wire());
    }
    if (f.owner() != null) {
      sql.append(" AND i.owner = ?");
      args.add(f.owner());
    }
    if (f.environment() != null) {
      sql.append(" AND i.environment = ?");
      args.add(f.environment());
    }
    if (f.status() != null) {
      sql.append(" AND i.status = ?");
      args.add(f.status().wire());
    }
    for (String label : f.labels() == null ? List.<String>of() : f.labels()) {
      int eq = label.indexOf('=');
      sql.append(" AND EXISTS (SELECT 1 FROM identity_labels l WHERE l.identity_id = i.id"
          + " AND l.label_key = ?");
      args.add(eq < 0 ? label : label.substring(0, eq));
      if (eq >= 0) {
        sql.append(" AND l.label_value = ?");
        args.add(label.substring(eq + 1));
      }
      sql.append(')');
    }
    if (after != null) {
      sql.append(" AND i.spiffe_id > ?");
      args.add(after);
    }
    sql.append(" ORDER BY i.spiffe_id LIMIT ").append(limit + 1);
    List<Identity> rows = db.read(c -> {
      List<Identity> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setString(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
      }
      return out;
    });
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    List<Identity> page = rows.subList(0, limit);
    return new Page(List.copyOf(page), encodeCursor(page.get(limit - 1).spiffeId()));
  }

  /** Changes owner, environment, description or labels; refused for offboarded identities. */
  public Identity update(String ref, Changes ch, String actor) {
    String owner = ch.owner() == null ? null : text("owner", ch.owner(), 128, true);
    String env = ch.environment() == null ? null : text("environment", ch.environment(), 64,
        false);
    String desc = ch.description() == null ? null : text("description", ch.description(), 1024,
        false);
    Map<String, String> labels = ch.labels() == null ? null : labels(ch.labels());
    List<String> repositories = ch.repositories() == null ? null
        : repositories(ch.repositories());
    return db.write(c -> {
      Identity cur = find(c, ref, true).orElseThrow(() -> notFound(ref));
      if (cur.status() == Identity.Status.OFFBOARDED) {
        throw ApiProblem.conflict("identity.offboarded", "identity '" + cur.spiffeId()
            + "' is offboarded and cannot be changed");
      }
      Identity next = new Identity(cur.id(), cur.spiffeId(), cur.kind(),
          owner == null ? cur.owner() : owner, env == null ? cur.environment() : env,
          desc == null ? cur.description() : desc, labels == null ? cur.labels() : labels,
          cur.status(), cur.createdAt(), Instant.ofEpochMilli(clock.millis()), cur.lastSeenAt(),
          repositories == null ? cur.repositories() : repositories);
      try (PreparedStatement ps = c.prepareStatement("UPDATE identities SET owner = ?,"
          + " environment = ?, description = ?, labels = ?, updated_at = ?, repositories = ?"
          + " WHERE id = ?")) {
        ps.setString(1, next.owner());
        ps.setString(2, next.environment());
        ps.setString(3, next.description());
        ps.setString(4, json(next.labels()));
        ps.setLong(5, next.updatedAt().toEpochMilli());
        ps.setString(6, json(next.repositories()));
        ps.setString(7, cur.id());
        ps.executeUpdate();
      }
      if (repositories != null) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM identity_repositories WHERE identity_id = ?")) {
          ps.setString(1, cur.id());
          ps.executeUpdate();
        }
        writeRepositories(c, cur.id(), repositories);
      }
      if (labels != null) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM identity_labels WHERE identity_id = ?")) {
          ps.setString(1, cur.id());
          ps.executeUpdate();
        }
        writeLabels(c, cur.id(), labels);
      }
      audit.append(c, new AuditEvent(actor, "identity.updated", cur.spiffeId(),
          changed(cur, next)));
      return next;
    });
  }

  /** Disables an active identity (it can be enabled again). */
  public Identity disable(String ref, String reason, String actor) {
    return move(ref, Identity.Status.DISABLED, reason, actor, "identity.disabled");
  }

  /** Enables a disabled identity; an offboarded one never comes back. */
  public Identity enable(String ref, String reason, String actor) {
    return move(ref, Identity.Status.ACTIVE, reason, actor, "identity.enabled");
  }

  /** Offboards an identity for good and runs the offboarding hooks in the same transaction. */
  public Identity offboard(String ref, String reason, String actor) {
    return move(ref, Identity.Status.OFFBOARDED, reason, actor, "identity.offboarded");
  }

  private Identity move(String ref, Identity.Status to, String reason, String actor,
      String action) {
    String why = text("reason", reason, 1024, false);
    return db.write(c -> {
      Identity cur = find(c, ref, true).orElseThrow(() -> notFound(ref));
      boolean legal = switch (to) {
        case ACTIVE -> cur.status() == Identity.Status.DISABLED;
        case DISABLED -> cur.status() == Identity.Status.ACTIVE;
        case OFFBOARDED -> cur.status() != Identity.Status.OFFBOARDED;
      };
      if (!legal) {
        throw ApiProblem.conflict("identity.illegal_transition", "identity '" + cur.spiffeId()
            + "' is " + cur.status().wire() + "; it cannot become " + to.wire()
            + (cur.status() == Identity.Status.OFFBOARDED ? " (offboarding is final)" : ""));
      }
      Instant now = Instant.ofEpochMilli(clock.millis());
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE identities SET status = ?, updated_at = ? WHERE id = ?")) {
        ps.setString(1, to.wire());
        ps.setLong(2, now.toEpochMilli());
        ps.setString(3, cur.id());
        ps.executeUpdate();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("reason", why);
      details.put("previousStatus", cur.status().wire());
      audit.append(c, new AuditEvent(actor, action, cur.spiffeId(), details));
      Identity next = new Identity(cur.id(), cur.spiffeId(), cur.kind(), cur.owner(),
          cur.environment(), cur.description(), cur.labels(), to, cur.createdAt(), now,
          cur.lastSeenAt(), cur.repositories());
      for (StatusHook h : statusHooks) {
        h.changed(c, next, cur.status());
      }
      if (to == Identity.Status.OFFBOARDED) {
        for (OffboardHook h : offboardHooks) {
          h.offboarded(c, next, actor, why.isEmpty() ? "identity offboarded" : why);
        }
      }
      return next;
    });
  }

  private static Map<String, Object> changed(Identity a, Identity b) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (!a.owner().equals(b.owner())) {
      d.put("previousOwner", a.owner());
      d.put("owner", b.owner());
    }
    if (!a.environment().equals(b.environment())) {
      d.put("previousEnvironment", a.environment());
      d.put("environment", b.environment());
    }
    if (!a.description().equals(b.description())) {
      d.put("descriptionChanged", true);
    }
    if (!a.labels().equals(b.labels())) {
      d.put("previousLabels", new TreeMap<>(a.labels()));
      d.put("labels", new TreeMap<>(b.labels()));
    }
    if (!a.repositories().equals(b.repositories())) {
      d.put("previousRepositories", a.repositories());
      d.put("repositories", b.repositories());
    }
    return d;
  }

  private static void writeLabels(Connection c, String id, Map<String, String> labels)
      throws SQLException {
    if (labels.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO identity_labels"
        + " (identity_id, label_key, label_value) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, String> e : labels.entrySet()) {
        ps.setString(1, id);
        ps.setString(2, e.getKey());
        ps.setString(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void writeRepositories(Connection c, String id, List<String> repositories)
      throws SQLException {
    if (repositories.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO identity_repositories"
        + " (identity_id, repository) VALUES (?, ?)")) {
      for (String r : repositories) {
        ps.setString(1, id);
        ps.setString(2, r);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Whether the identity {@code identityId} is linked to the source repository
   * {@code repository}, read in transaction {@code c}: its pipeline tokens may then upload that
   * repository's findings.
   */
  public static boolean linked(Connection c, String identityId, String repository)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM identity_repositories"
        + " WHERE identity_id = ? AND repository = ?")) {
      ps.setString(1, identityId);
      ps.setString(2, repository);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Validates the repositories an identity is linked to: at most {@link #MAX_REPOSITORIES}, each
   * a name as findings are uploaded under it ({@code acme/payments}: at most 255 characters, no
   * spaces or control characters); duplicates collapse, and the list is kept in name order.
   */
  static List<String> repositories(List<String> in) {
    if (in == null) {
      return List.of();
    }
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (String r : in) {
      if (r == null || r.isBlank() || r.length() > 255 || r.codePoints().anyMatch(cp ->
          !FreeText.allowed(cp) || Character.isWhitespace(cp))) {
        throw ApiProblem.badRequest("identity.repository_invalid", "expected repositories named"
            + " as findings are uploaded (e.g. acme/payments: at most 255 characters, no spaces"
            + " or control characters), got " + (r == null ? "null" : "'" + shorten(r) + "'"));
      }
      out.add(r);
    }
    if (out.size() > MAX_REPOSITORIES) {
      throw ApiProblem.badRequest("identity.repositories_too_many", "expected at most "
          + MAX_REPOSITORIES + " repositories, got " + out.size());
    }
    return List.copyOf(out);
  }

  private static String shorten(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    StringBuilder sb = new StringBuilder();
    cut.codePoints().forEach(cp -> sb.appendCodePoint(FreeText.allowed(cp) ? cp : '?'));
    return sb.toString();
  }

  /** Validates a free-text field: bounded, single-line, no control characters. */
  static String text(String field, String value, int max, boolean required) {
    if (value == null || (required && value.isBlank())) {
      if (required) {
        throw ApiProblem.badRequest("identity." + field + "_missing", "expected field '"
            + field + "', got " + (value == null ? "none" : "a blank value"));
      }
      return "";
    }
    return FreeText.check(value, field, max, "identity." + field + "_too_long",
        "identity." + field + "_invalid");
  }

  /** Validates labels: at most 32, keys like {@code team} or {@code app.kubernetes.io/name}. */
  static Map<String, String> labels(Map<String, String> in) {
    if (in == null) {
      return Map.of();
    }
    if (in.size() > MAX_LABELS) {
      throw ApiProblem.badRequest("identity.labels_too_many", "expected at most " + MAX_LABELS
          + " labels, got " + in.size());
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : in.entrySet()) {
      if (e.getKey() == null || !LABEL_KEY.matcher(e.getKey()).matches()) {
        throw ApiProblem.badRequest("identity.label_invalid", "expected label keys of letters,"
            + " digits, '.', '_', '/', '-' (1 to 63, starting with a letter or digit), got '"
            + (e.getKey() == null ? "" : FreeText.printable(e.getKey())) + "'");
      }
      String v = e.getValue() == null ? "" : e.getValue();
      out.put(e.getKey(), FreeText.check(v, "the value of label '" + e.getKey() + "'", 256,
          "identity.label_invalid"));
    }
    return out;
  }

  private static String encodeCursor(String spiffeId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("i1:" + spiffeId).getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith("i1:")) {
        return s.substring(3);
      }
    } catch (IllegalArgumentException e) {
      // fall through to the problem
    }
    throw ApiProblem.badRequest("request.cursor_invalid",
        "expected the 'next' cursor of a previous page, got '" + FreeText.printable(cursor) + "'");
  }

  private static String json(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(labels));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("labels are always serialisable", e);
    }
  }

  private static String json(List<String> repositories) {
    try {
      return JSON.writeValueAsString(repositories);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("repositories are always serialisable", e);
    }
  }

  private static Identity row(ResultSet rs) throws SQLException {
    Map<String, String> labels;
    try {
      labels = JSON.readValue(rs.getString(7), new TypeReference<TreeMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("stored labels are not JSON for identity " + rs.getString(1), e);
    }
    long seen = rs.getLong(11);
    Instant lastSeen = rs.wasNull() ? null : Instant.ofEpochMilli(seen);
    List<String> repositories;
    try {
      repositories = JSON.readValue(rs.getString(12), new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("stored repositories are not JSON for identity "
          + rs.getString(1), e);
    }
    return new Identity(rs.getString(1), rs.getString(2),
        Identity.Kind.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)),
        rs.getString(4), rs.getString(5), rs.getString(6), labels,
        Identity.Status.valueOf(rs.getString(8).toUpperCase(java.util.Locale.ROOT)),
        Instant.ofEpochMilli(rs.getLong(9)), Instant.ofEpochMilli(rs.getLong(10)), lastSeen,
        repositories);
  }
}
