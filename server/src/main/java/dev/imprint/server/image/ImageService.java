package dev.imprint.server.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.identity.Identity;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.Dialect;
import dev.imprint.server.text.FreeText;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Registers images by digest and moves them through their lifecycle
 * ({@code registered -> approved | rejected -> deployed -> retired}, and rollback), keeping
 * who, why and when of every move as history and in the audit log, in one transaction each.
 */
public final class ImageService {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern REPOSITORY = Pattern.compile(
      "[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Image.Status, Set<Image.Status>> LEGAL = legalMoves();
  private static final String COLUMNS = "m.digest, m.repository, m.tag, m.identity_id,"
      + " d.spiffe_id, m.source_repository, m.source_commit, m.pipeline_run, m.builder,"
      + " m.scan_summary, m.vuln_summary, m.status, m.registered_at, m.registered_by,"
      + " m.updated_at, m.deployed_at, m.suppliers";
  private static final String FROM = " FROM images m JOIN identities d ON d.id = m.identity_id";

  /**
   * Runs inside the transaction that retires an image. Later capabilities revoke what the image
   * was issued here, so a retirement and its revocations commit together.
   */
  @FunctionalInterface
  public interface RetirementHook {
    void retired(Connection tx, Image image, String actor, String reason) throws SQLException;
  }

  /** What a pipeline registers. Reports are the parsed JSON documents, or null. */
  public record Registration(String repository, String tag, String digest, String identity,
      Image.Provenance provenance, JsonNode scanReport, JsonNode vulnerabilityReport) {}

  /** The outcome of a registration: the image and whether this call created it. */
  public record Registered(Image image, boolean created) {}

  /** One lifecycle move. {@code from} is null for the registration. */
  public record Event(int seq, String from, String to, String action, String actor,
      String reason, Instant at) {}

  /** The result of a rollback: the image rolled back (now retired) and the one deployed. */
  public record Rollback(Image retired, Image deployed) {}

  /** List filters; null means any. */
  public record Filter(String identity, String repository, Image.Status status) {}

  /** One page of a list and the cursor of the next (null at the end). */
  public record Page(List<Image> items, String next) {}

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final IdentityService identities;
  private final ImagePolicy policy;
  private final List<RetirementHook> retirementHooks = new CopyOnWriteArrayList<>();

  public ImageService(Database db, AuditLog audit, Clock clock, IdentityService identities,
      ImagePolicy policy) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.identities = identities;
    this.policy = policy;
    identities.onOffboard(this::offboarded);
  }

  /** The policy approvals are checked against. */
  public ImagePolicy policy() {
    return policy;
  }

  /** Registers a hook run inside every transaction that retires an image. */
  public void onRetire(RetirementHook hook) {
    retirementHooks.add(hook);
  }

  private static Map<Image.Status, Set<Image.Status>> legalMoves() {
    Map<Image.Status, Set<Image.Status>> m = new EnumMap<>(Image.Status.class);
    m.put(Image.Status.REGISTERED, EnumSet.of(Image.Status.APPROVED, Image.Status.REJECTED));
    m.put(Image.Status.APPROVED, EnumSet.of(Image.Status.DEPLOYED, Image.Status.RETIRED));
    m.put(Image.Status.REJECTED, EnumSet.noneOf(Image.Status.class));
    m.put(Image.Status.DEPLOYED, EnumSet.of(Image.Status.RETIRED));
    m.put(Image.Status.RETIRED, EnumSet.noneOf(Image.Status.class));
    return m;
  }

  /** True when an image may move from {@code from} to {@code to} (rollback aside). */
  public static boolean legal(Image.Status from, Image.Status to) {
    return LEGAL.get(from).contains(to);
  }

  /**
   * Registers an image for {@code caller}. The same digest for the same identity returns the
   * existing image ({@code created} false); a digest never changes owner (409
   * {@code image.owner_conflict}). A pipeline token registers only for the identity it is bound
   * to (403 {@code image.identity_forbidden}; unbound: 403 {@code auth.token_unbound}); admins
   * for any. The caller is recorded as the supplier of each report and of the provenance.
   * Registrations that race, in one process or on replicas sharing a store, get the same
   * answers as the same calls made one after another.
   */
  public Registered register(Registration r, Caller caller) {
    String actor = caller.actor();
    if (caller.role() != Role.ADMIN && caller.role() != Role.PIPELINE) {
      throw new ApiProblem(403, "auth.role_forbidden", "Forbidden", "expected an admin or"
          + " pipeline token to register images, got one of role " + caller.role().wire());
    }
    if (caller.role() == Role.PIPELINE && !caller.bound()) {
      throw unbound(caller, "register images");
    }
    String digest = digest(r.digest(), r.tag());
    String repository = repository(r.repository());
    String tag = r.tag() == null ? null : tag(r.tag());
    Image.Provenance p = provenance(r.provenance());
    ReportSummary scan = r.scanReport() == null || r.scanReport().isNull() ? null
        : ReportReader.scan(r.scanReport());
    ReportSummary vulns = r.vulnerabilityReport() == null || r.vulnerabilityReport().isNull()
        ? null : ReportReader.vulnerabilities(r.vulnerabilityReport());
    if (r.identity() == null || r.identity().isBlank()) {
      throw ApiProblem.badRequest("image.identity_missing", "expected field 'identity' (the"
          + " SPIFFE ID or id of the identity the image carries), got none");
    }
    return db.write(c -> {
      // Check-then-insert: two replicas on one PostgreSQL can both find the digest absent, and
      // the loser's INSERT then fails on the primary key (a bare store.conflict instead of the
      // image, or of image.owner_conflict). The writers' lock before the check makes the loser
      // wait for the winner's commit and then read its image. A new image appends to the audit
      // log, which takes this lock anyway and holds it to the commit, so this costs one
      // statement; only a repeat (200) now waits for the lock. It comes first, before the
      // identity's row lock: a transaction waiting for it while holding a row lock that the
      // holder's next unit of work needs would deadlock the two replicas. Catching the unique
      // violation instead would need a savepoint of our own inside the group commit and keep
      // that lock order. On SQLite the call is free: the IMMEDIATE write transaction already
      // excludes every other writer.
      db.lockWriters(c);
      Identity owner = identities.find(c, r.identity(), true).orElseThrow(() ->
          ApiProblem.badRequest("image.identity_unknown", "expected 'identity' to name an"
              + " existing identity, got '" + shorten(r.identity()) + "'"));
      if (caller.role() == Role.PIPELINE && !owner.id().equals(caller.identityId())) {
        throw new ApiProblem(403, "image.identity_forbidden", "Forbidden", "pipeline token "
            + caller.tokenId() + " is bound to " + caller.identity() + " and registers images"
            + " for that identity only, not for " + owner.spiffeId());
      }
      Optional<Image> existing = load(c, digest, true);
      if (existing.isPresent()) {
        Image e = existing.get();
        if (!e.identityId().equals(owner.id())) {
          throw ApiProblem.conflict("image.owner_conflict", "image " + digest + " is registered"
              + " for " + e.spiffeId() + "; a digest never changes owner, so it cannot be"
              + " registered for " + owner.spiffeId());
        }
        return new Registered(e, false);
      }
      requireActive(owner, "registered");
      Instant now = now();
      Image.Supplier by = new Image.Supplier(actor, caller.role().wire(), caller.identity());
      Image.Suppliers suppliers = new Image.Suppliers(scan == null ? null : by,
          vulns == null ? null : by, p.present() ? by : null);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (digest, repository,"
          + " tag, identity_id, source_repository, source_commit, pipeline_run, builder,"
          + " scan_summary, vuln_summary, status, registered_at, registered_by, updated_at,"
          + " suppliers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, digest);
        ps.setString(2, repository);
        ps.setString(3, tag);
        ps.setString(4, owner.id());
        ps.setString(5, p.sourceRepository());
        ps.setString(6, p.commit());
        ps.setString(7, p.pipelineRun());
        ps.setString(8, p.builder());
        ps.setString(9, summaryJson(scan));
        ps.setString(10, summaryJson(vulns));
        ps.setString(11, Image.Status.REGISTERED.wire());
        ps.setLong(12, now.toEpochMilli());
        ps.setString(13, actor);
        ps.setLong(14, now.toEpochMilli());
        ps.setString(15, suppliersJson(suppliers));
        ps.executeUpdate();
      }
      event(c, digest, null, Image.Status.REGISTERED, "register", actor, "", now);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("identity", owner.spiffeId());
      details.put("repository", repository);
      if (tag != null) {
        details.put("tag", tag);
      }
      audit.append(c, new AuditEvent(actor, "image.registered", digest, details));
      return new Registered(new Image(digest, repository, tag, owner.id(), owner.spiffeId(), p,
          scan, vulns, Image.Status.REGISTERED, now, actor, now, null, suppliers), true);
    });
  }

  /** The image with this digest, or a 404 problem. */
  public Image get(String digest) {
    String d = digest(digest, null);
    return db.read(c -> load(c, d, false)).orElseThrow(() -> notFound(d));
  }

  /** The lifecycle moves of an image, oldest first. */
  public List<Event> history(String digest) {
    return db.read(c -> {
      List<Event> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, from_status, to_status,"
          + " action, actor, reason, at FROM image_events WHERE digest = ? ORDER BY seq")) {
        ps.setString(1, digest);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Event(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7))));
          }
        }
      }
      return out;
    });
  }

  /** A page of images in digest order after {@code cursor}. */
  public Page list(Filter f, String cursor, int limit) {
    if (limit < 1 || limit > IdentityService.MAX_LIMIT) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + IdentityService.MAX_LIMIT + ", got " + limit);
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    if (f.identity() != null) {
      sql.append(f.identity().startsWith("spiffe://") ? " AND d.spiffe_id = ?"
          : " AND d.id = ?");
      args.add(f.identity());
    }
    if (f.repository() != null) {
      sql.append(" AND m.repository = ?");
      args.add(f.repository());
    }
    if (f.status() != null) {
      sql.append(" AND m.status = ?");
      args.add(f.status().wire());
    }
    if (cursor != null && !cursor.isEmpty()) {
      sql.append(" AND m.digest > ?");
      args.add(decodeCursor(cursor));
    }
    sql.append(" ORDER BY m.digest LIMIT ").append(limit + 1);
    List<Image> rows = db.read(c -> {
      List<Image> out = new ArrayList<>();
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
    List<Image> page = List.copyOf(rows.subList(0, limit));
    return new Page(page, Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("m1:" + page.get(limit - 1).digest()).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Approves a registered image when it passes the policy. With violations it is refused
   * (422 {@code image.policy_violation} listing every violated clause) unless {@code force} is
   * set, the policy has {@code allowForce: true} and a reason is given.
   */
  public Image approve(String digest, String reason, boolean force, String actor) {
    String why = reason(reason, force);
    String d = digest(digest, null);
    return db.write(c -> {
      Image cur = load(c, d, true).orElseThrow(() -> notFound(d));
      check(cur, Image.Status.APPROVED, "approved");
      requireActive(identity(c, cur), "approved");
      List<String> violations = policy.evaluate(cur);
      Map<String, Object> details = new LinkedHashMap<>();
      if (!violations.isEmpty()) {
        if (!force) {
          throw new ApiProblem(422, "image.policy_violation", "Unprocessable content", "image "
              + d + " violates the image policy: " + String.join("; ", violations));
        }
        if (!policy.allowForce()) {
          throw ApiProblem.conflict("image.force_not_allowed", "the image policy does not allow"
              + " forcing an approval (allowForce: false); image " + d + " violates: "
              + String.join("; ", violations));
        }
        if (why.isBlank()) {
          throw ApiProblem.badRequest("image.reason_missing",
              "expected a reason when forcing an approval past policy violations, got none");
        }
        details.put("forced", true);
        details.put("violations", violations);
      }
      return move(c, cur, Image.Status.APPROVED, force && !violations.isEmpty() ? "force-approve"
          : "approve", why, actor, details);
    });
  }

  /** Rejects a registered image; a reason is required. */
  public Image reject(String digest, String reason, String actor) {
    return simpleMove(digest, Image.Status.REJECTED, "reject", reason(reason, true), actor);
  }

  /** Marks an approved image deployed; its identity must be active. */
  public Image deploy(String digest, String reason, String actor) {
    return simpleMove(digest, Image.Status.DEPLOYED, "deploy", reason(reason, false), actor);
  }

  /** Retires an approved or deployed image and runs the retirement hooks; reason required. */
  public Image retire(String digest, String reason, String actor) {
    return simpleMove(digest, Image.Status.RETIRED, "retire", reason(reason, true), actor);
  }

  private Image simpleMove(String digest, Image.Status to, String action, String why,
      String actor) {
    String d = digest(digest, null);
    return db.write(c -> {
      Image cur = load(c, d, true).orElseThrow(() -> notFound(d));
      check(cur, to, past(action));
      if (to == Image.Status.DEPLOYED) {
        requireActive(identity(c, cur), "deployed");
      }
      return move(c, cur, to, action, why, actor, new LinkedHashMap<>());
    });
  }

  /**
   * Rolls a deployed image back: its predecessor (the image of the same identity and
   * repository deployed most recently before it was first deployed, now deployed or retired)
   * is deployed again and this one retired.
   */
  public Rollback rollback(String digest, String reason, String actor) {
    String why = reason(reason, true);
    String d = digest(digest, null);
    return db.write(c -> {
      Image cur = load(c, d, true).orElseThrow(() -> notFound(d));
      if (cur.status() != Image.Status.DEPLOYED) {
        throw ApiProblem.conflict("image.illegal_transition", "image " + d + " is "
            + cur.status().wire() + "; only a deployed image can be rolled back");
      }
      requireActive(identity(c, cur), "rolled back");
      Image prev = predecessor(c, cur).orElseThrow(() -> ApiProblem.conflict(
          "image.no_predecessor", "image " + d + " has no predecessor: no other image of "
              + cur.spiffeId() + " in " + cur.repository() + " was deployed before it"));
      Image deployed = prev;
      if (prev.status() != Image.Status.DEPLOYED) {
        Map<String, Object> dd = new LinkedHashMap<>();
        dd.put("rollbackFrom", d);
        deployed = move(c, prev, Image.Status.DEPLOYED, "rollback", why, actor, dd,
            "image.redeployed");
      }
      Map<String, Object> rd = new LinkedHashMap<>();
      rd.put("rollbackTo", prev.digest());
      Image retired = move(c, cur, Image.Status.RETIRED, "rollback", why, actor, rd,
          "image.rolled_back");
      return new Rollback(retired, deployed);
    });
  }

  /** Offboarding an identity rejects its registered images and retires the approved/deployed. */
  private void offboarded(Connection c, Identity identity, String actor, String reason)
      throws SQLException {
    List<Image> live = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM
        + " WHERE m.identity_id = ? AND m.status IN ('registered', 'approved', 'deployed')"
        + " ORDER BY m.digest")) {
      ps.setString(1, identity.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          live.add(row(rs));
        }
      }
    }
    for (Image img : live) {
      Image.Status to = img.status() == Image.Status.REGISTERED ? Image.Status.REJECTED
          : Image.Status.RETIRED;
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("identityOffboarded", identity.spiffeId());
      move(c, img, to, "offboard", reason, actor, details);
    }
  }

  private Image move(Connection c, Image cur, Image.Status to, String action, String why,
      String actor, Map<String, Object> details) throws SQLException {
    return move(c, cur, to, action, why, actor, details, "image." + past(action));
  }

  private Image move(Connection c, Image cur, Image.Status to, String action, String why,
      String actor, Map<String, Object> details, String auditAction) throws SQLException {
    Instant now = now();
    boolean firstDeploy = to == Image.Status.DEPLOYED && cur.deployedAt() == null;
    if (firstDeploy) {
      db.lockWriters(c); // deploy_seq = MAX + 1 across all images must not race another replica
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE images SET status = ?, updated_at = ?"
        + (firstDeploy ? ", deployed_at = ?, deploy_seq = (SELECT COALESCE(MAX(deploy_seq), 0)"
            + " + 1 FROM images)" : "") + " WHERE digest = ?")) {
      ps.setString(1, to.wire());
      ps.setLong(2, now.toEpochMilli());
      int i = 3;
      if (firstDeploy) {
        ps.setLong(i++, now.toEpochMilli());
      }
      ps.setString(i, cur.digest());
      ps.executeUpdate();
    }
    event(c, cur.digest(), cur.status(), to, action, actor, why, now);
    details.put("reason", why);
    details.put("previousStatus", cur.status().wire());
    details.put("identity", cur.spiffeId());
    audit.append(c, new AuditEvent(actor, auditAction, cur.digest(), details));
    Image next = cur.moved(to, now, firstDeploy ? now : cur.deployedAt());
    if (to == Image.Status.RETIRED) {
      for (RetirementHook h : retirementHooks) {
        h.retired(c, next, actor, why);
      }
    }
    return next;
  }

  private static String past(String action) {
    return switch (action) {
      case "approve", "force-approve" -> "approved";
      case "reject" -> "rejected";
      case "deploy" -> "deployed";
      case "retire" -> "retired";
      case "offboard" -> "retired";
      default -> action;
    };
  }

  private static void check(Image cur, Image.Status to, String verb) {
    if (!legal(cur.status(), to)) {
      Set<Image.Status> allowed = LEGAL.get(cur.status());
      throw ApiProblem.conflict("image.illegal_transition", "image " + cur.digest() + " is "
          + cur.status().wire() + "; it cannot be " + verb + " (requested state "
          + to.wire() + "; from " + cur.status().wire() + " it can only become "
          + (allowed.isEmpty() ? "nothing: " + cur.status().wire() + " is final"
              : allowed.stream().map(Image.Status::wire).toList()) + ")");
    }
  }

  private static void requireActive(Identity owner, String verb) {
    if (owner.status() != Identity.Status.ACTIVE) {
      throw ApiProblem.conflict("image.identity_inactive", "identity " + owner.spiffeId()
          + " is " + owner.status().wire() + "; an image can be " + verb
          + " only for an active identity");
    }
  }

  private Identity identity(Connection c, Image img) throws SQLException {
    return identities.find(c, img.identityId(), false).orElseThrow(() ->
        new IllegalStateException("image " + img.digest() + " refers to a missing identity"));
  }

  private Optional<Image> predecessor(Connection c, Image cur) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM
        + " WHERE m.identity_id = ? AND m.repository = ? AND m.digest <> ?"
        + " AND m.status IN ('deployed', 'retired') AND m.deploy_seq IS NOT NULL"
        + " AND m.deploy_seq < (SELECT x.deploy_seq FROM images x WHERE x.digest = ?)"
        + " ORDER BY m.deploy_seq DESC LIMIT 1")) {
      ps.setString(1, cur.identityId());
      ps.setString(2, cur.repository());
      ps.setString(3, cur.digest());
      ps.setString(4, cur.digest());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static void event(Connection c, String digest, Image.Status from, Image.Status to,
      String action, String actor, String reason, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_events (digest, seq,"
        + " from_status, to_status, action, actor, reason, at) VALUES (?, (SELECT"
        + " COALESCE(MAX(seq), 0) + 1 FROM image_events WHERE digest = ?), ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, digest);
      ps.setString(2, digest);
      if (from == null) {
        ps.setNull(3, Types.VARCHAR);
      } else {
        ps.setString(3, from.wire());
      }
      ps.setString(4, to.wire());
      ps.setString(5, action);
      ps.setString(6, actor);
      ps.setString(7, reason);
      ps.setLong(8, at.toEpochMilli());
      ps.executeUpdate();
    }
  }

  private Optional<Image> load(Connection c, String digest, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM
        + " WHERE m.digest = ?" + (lock && db.dialect() == Dialect.POSTGRESQL
            ? " FOR UPDATE OF m" : ""))) {
      ps.setString(1, digest);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static Image row(ResultSet rs) throws SQLException {
    long deployed = rs.getLong(16);
    Instant deployedAt = rs.wasNull() ? null : Instant.ofEpochMilli(deployed);
    return new Image(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), new Image.Provenance(rs.getString(6), rs.getString(7),
            rs.getString(8), rs.getString(9)), summary(rs.getString(10)),
        summary(rs.getString(11)),
        Image.Status.valueOf(rs.getString(12).toUpperCase(Locale.ROOT)),
        Instant.ofEpochMilli(rs.getLong(13)), rs.getString(14),
        Instant.ofEpochMilli(rs.getLong(15)), deployedAt, suppliers(rs.getString(17)));
  }

  /** A 403 for an unbound pipeline token, which may read but not write. */
  static ApiProblem unbound(Caller caller, String what) {
    return new ApiProblem(403, "auth.token_unbound", "Forbidden", "pipeline token "
        + caller.tokenId() + " is not bound to an identity, and an unbound pipeline token may"
        + " not " + what + "; create one bound to the identity it builds for (imprint token"
        + " create --role pipeline --identity SPIFFE_ID)");
  }

  private static String suppliersJson(Image.Suppliers s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("suppliers are always serialisable", e);
    }
  }

  private static Image.Suppliers suppliers(String json) throws SQLException {
    if (json == null) {
      return Image.Suppliers.UNRECORDED;
    }
    try {
      return JSON.readValue(json, Image.Suppliers.class);
    } catch (JsonProcessingException e) {
      throw new SQLException("stored suppliers are not JSON", e);
    }
  }

  private static String summaryJson(ReportSummary s) {
    if (s == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a summary is always serialisable", e);
    }
  }

  private static ReportSummary summary(String json) throws SQLException {
    if (json == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(json);
      Map<String, Integer> counts = new LinkedHashMap<>();
      n.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(),
          e.getValue().asInt()));
      JsonNode src = n.get("source");
      return new ReportSummary(n.path("format").asText(), counts, src == null || src.isNull()
          ? ReportSummary.Source.NONE : JSON.treeToValue(src, ReportSummary.Source.class));
    } catch (JsonProcessingException e) {
      throw new SQLException("a stored report summary is not JSON", e);
    }
  }

  /** Validates a digest; a missing digest with a tag gets a problem that says why. */
  static String digest(String digest, String tag) {
    if (digest == null || digest.isBlank()) {
      throw ApiProblem.badRequest("image.digest_missing", "expected 'digest' (sha256: and 64"
          + " lower-case hex digits), got " + (tag == null ? "none" : "only the tag '" + tag
              + "'; a tag can be moved to other content, so images are registered by digest"));
    }
    if (!DIGEST.matcher(digest).matches()) {
      throw ApiProblem.badRequest("image.digest_invalid", "expected a digest of 'sha256:' and 64"
          + " lower-case hex digits, got '" + shorten(digest) + "'");
    }
    return digest;
  }

  private static String repository(String repo) {
    if (repo == null || repo.isBlank()) {
      throw ApiProblem.badRequest("image.repository_missing", "expected field 'repository'"
          + " (e.g. registry.example/payments/api), got none");
    }
    if (repo.length() > 255 || !REPOSITORY.matcher(repo).matches()) {
      String hint = repo.contains("@") || repo.matches(".*/[^/]*:[^/]*")
          ? "; give the tag in 'tag' and the digest in 'digest'" : "";
      throw ApiProblem.badRequest("image.repository_invalid", "expected a lower-case image"
          + " repository such as registry.example/payments/api, got '" + shorten(repo) + "'"
          + hint);
    }
    return repo;
  }

  private static String tag(String tag) {
    if (!TAG.matcher(tag).matches()) {
      throw ApiProblem.badRequest("image.tag_invalid", "expected a tag of letters, digits, '_',"
          + " '.' and '-' (at most 128), got '" + shorten(tag) + "'");
    }
    return tag;
  }

  private static Image.Provenance provenance(Image.Provenance p) {
    if (p == null) {
      return Image.Provenance.NONE;
    }
    return new Image.Provenance(field("provenance.sourceRepository", p.sourceRepository()),
        field("provenance.commit", p.commit()), field("provenance.pipelineRun",
            p.pipelineRun()), field("provenance.builder", p.builder()));
  }

  private static String field(String name, String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    return FreeText.check(v, name, 512, "image.provenance_invalid");
  }

  private static String reason(String reason, boolean required) {
    if (reason == null || reason.isBlank()) {
      if (required) {
        throw ApiProblem.badRequest("image.reason_missing", "expected field 'reason' saying why,"
            + " got none");
      }
      return "";
    }
    return FreeText.check(reason, "reason", 1024, "image.reason_invalid");
  }

  private static String decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith("m1:")) {
        return s.substring(3);
      }
    } catch (IllegalArgumentException e) {
      // fall through to the problem
    }
    throw ApiProblem.badRequest("request.cursor_invalid",
        "expected the 'next' cursor of a previous page, got '" + shorten(cursor) + "'");
  }

  static ApiProblem notFound(String digest) {
    return ApiProblem.notFound("image.not_found", "no image with digest " + digest);
  }

  private static String shorten(String s) {
    return FreeText.printable(s);
  }

  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }
}
