package dev.imprint.server.finding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.http.ApiProblem;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Stores the findings of {@code imprint scan} reports per source repository and commit, once:
 * a different upload for a commit that has one is refused, unless an admin replaces it with an
 * audited reason (repeating the same upload changes nothing). A pipeline token uploads only for
 * the repositories its identity is linked to. Only the fields of Imprint's JSON report are
 * kept; a secret appears only redacted and fingerprinted, and an upload whose secret evidence is
 * not redacted is refused.
 *
 * <p>An upload's rows (findings, inventory identities and links) are written {@link #CHUNK} at a
 * time, each chunk its own transaction, under a fresh upload id, so that other writes go between
 * the chunks of a big upload; one small transaction then points the commit's report at that id.
 * Readers reach rows only through the report, so they see a whole upload or none of it. The rows
 * of an upload that was replaced, refused, failed or was cut off by a stopped server are deleted
 * later.
 */
public final class FindingService {
  /** Most findings one report may carry. */
  public static final int MAX_FINDINGS = 50_000;
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");
  private static final Pattern REDACTED = Pattern.compile("(?s).{0,8}\\*{4,8}\\(\\d{1,9}\\)");
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{16,64}");
  static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");
  private static final ObjectMapper HASH_JSON = new ObjectMapper();

  /** One stored finding. */
  public record StoredFinding(String ruleId, String title, String severity, String category,
      String path, int line, int column, String message, String fingerprint,
      String secretRedacted, String secretFingerprint) {}

  /** One stored report: where it came from and its counts per severity. */
  public record Report(String repository, String commit, Instant uploadedAt, String uploadedBy,
      String toolVersion, Map<String, Integer> bySeverity) {}

  /** A repository's latest report and how many commits have one. */
  public record RepositorySummary(Report latest, int commits) {}

  /** One page of repository summaries and the cursor of the next (null at the end). */
  public record SummaryPage(List<RepositorySummary> items, String next) {}

  /** One page of a report's findings, the report, and the cursor of the next (null at the end). */
  public record FindingPage(Report report, List<StoredFinding> items, String next) {}

  /** Most findings one page holds. */
  public static final int MAX_PAGE = 200;

  /**
   * The outcome of an upload: the stored report, whether this call stored it ({@code created}
   * false: the same upload was already stored, nothing changed) and whether it replaced another.
   */
  public record Uploaded(Report report, boolean created, boolean replaced) {}

  /** What an upload asks beyond its content: to replace a stored one (admins), and why. */
  public record Replacement(boolean replace, String reason) {
    /** A plain upload. */
    public static final Replacement NONE = new Replacement(false, null);
  }

  /**
   * Whether an identity is linked to a source repository, read in the upload's transaction
   * (wired to the identities' links, which this package does not know).
   */
  @FunctionalInterface
  public interface RepositoryLinks {
    boolean linked(Connection tx, String identityId, String repository) throws SQLException;
  }

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final RepositoryLinks links;

  public FindingService(Database db, AuditLog audit, Clock clock, RepositoryLinks links) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.links = links;
  }

  /**
   * Stores the report of {@code repository} at {@code commit} with the inventory of the same
   * scan ({@code imprint inventory --format json}), if given. A commit's findings are stored
   * once: the same upload again returns the stored one ({@code created} false); a different one
   * is 409 {@code finding.exists}, unless an admin asks to replace it with a reason (the stored
   * upload then goes with its inventory, audited with the reason). A pipeline token uploads only
   * for repositories its identity is linked to (403 {@code finding.repository_forbidden};
   * unbound: 403 {@code auth.token_unbound}).
   */
  public Uploaded upload(String repository, String commit, JsonNode report, JsonNode inventory,
      Replacement replacement, Caller caller) {
    String actor = caller.actor();
    if (caller.role() != Role.ADMIN && caller.role() != Role.PIPELINE) {
      throw new ApiProblem(403, "auth.role_forbidden", "Forbidden", "expected an admin or"
          + " pipeline token to upload findings, got one of role " + caller.role().wire());
    }
    if (caller.role() == Role.PIPELINE && !caller.bound()) {
      throw new ApiProblem(403, "auth.token_unbound", "Forbidden", "pipeline token "
          + caller.tokenId() + " is not bound to an identity, and an unbound pipeline token may"
          + " not upload findings; create one bound to an identity linked to the repository"
          + " (imprint token create --role pipeline --identity SPIFFE_ID)");
    }
    if (replacement.replace() && caller.role() != Role.ADMIN) {
      throw new ApiProblem(403, "finding.replace_forbidden", "Forbidden", "only an admin token"
          + " may replace stored findings, got one of role " + caller.role().wire());
    }
    String why = reason(replacement);
    String repo = repository(repository);
    String sha = commit(commit);
    if (report == null || !report.isObject()) {
      throw ApiProblem.badRequest("finding.report_missing", "expected field 'report' holding"
          + " the output of 'imprint scan --format json', got "
          + (report == null ? "none" : report.getNodeType().name().toLowerCase(
              java.util.Locale.ROOT)));
    }
    if (!report.path("schemaVersion").isIntegralNumber()
        || report.path("schemaVersion").asInt() != 1) {
      throw ApiProblem.badRequest("finding.report_invalid", "expected an Imprint JSON report"
          + " with schemaVersion 1, got schemaVersion "
          + FreeText.printable(report.path("schemaVersion").toString()));
    }
    JsonNode list = report.path("findings");
    if (!list.isArray()) {
      throw ApiProblem.badRequest("finding.report_invalid", "expected 'findings' to be an array");
    }
    if (list.size() > MAX_FINDINGS) {
      throw ApiProblem.badRequest("finding.report_too_large", "expected at most "
          + MAX_FINDINGS + " findings, got " + list.size());
    }
    List<StoredFinding> findings = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      findings.add(finding(list.get(i), i));
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    SEVERITIES.forEach(s -> counts.put(s, 0));
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    String tool = text(report.path("tool").path("version"), "tool.version", 64, false);
    UnredactedSecrets.refuse(tool, "tool.version", "finding.secret_not_redacted");
    UploadedInventory inv = inventory == null || inventory.isNull() ? null
        : UploadedInventory.parse(inventory);
    Report stored = new Report(repo, sha, Instant.ofEpochMilli(clock.millis()), actor, tool,
        counts);
    String content = contentHash(tool, findings, inventory);
    // judged once before anything is staged (a repeat or a refusal stages nothing), and again
    // under the writers' lock in the transaction that publishes the upload
    Optional<Uploaded> early = db.read(c -> judge(c, caller, repo, sha, replacement, content));
    if (early.isPresent()) {
      return early.get();
    }
    sweepAbandoned();
    String upload = newUploadId();
    String[] superseded = new String[1];
    Uploaded published;
    try {
      stage(upload, findings, inv);
      published = db.write(c -> {
        // Check-then-write: without the writers' lock two replicas on one PostgreSQL uploading
        // for one commit could both find it free and the loser's INSERT fail on the key
        // (store.conflict); with it they are judged one after another, as sequential calls are.
        db.lockWriters(c);
        Optional<Uploaded> repeat = judge(c, caller, repo, sha, replacement, content);
        if (repeat.isPresent()) {
          return repeat.get();
        }
        Optional<Stored> previous = stored(c, repo, sha);
        if (previous.isPresent()) {
          superseded[0] = uploadOf(c, repo, sha);
          InventoryService.deleteSummary(c, repo, sha);
          deleteReport(c, repo, sha);
          mark(c, superseded[0], "superseded");
        }
        insertReport(c, stored, upload, content);
        if (inv != null) {
          InventoryService.insertSummary(c, repo, sha, inv);
        }
        unmark(c, upload);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("findings", findings.size());
        if (inv != null) {
          details.put("identities", inv.identities().size());
        }
        details.put("bySeverity", counts);
        details.put("replaced", previous.isPresent());
        if (previous.isPresent()) {
          Report p = previous.get().report();
          details.put("reason", why);
          details.put("previousUploadedBy", p.uploadedBy());
          details.put("previousUploadedAt", p.uploadedAt().toString());
          details.put("previousBySeverity", p.bySeverity());
        }
        audit.append(c, new AuditEvent(actor, "findings.uploaded", repo + "@" + sha, details));
        return new Uploaded(stored, true, previous.isPresent());
      });
    } catch (RuntimeException | Error e) {
      discardQuietly(upload); // what was staged is invisible; a crash leaves it to the sweep
      throw e;
    }
    if (!published.created()) {
      discardQuietly(upload); // a repeat that raced this one was published first
    }
    if (superseded[0] != null) {
      discardQuietly(superseded[0]);
    }
    return published;
  }

  /**
   * Whether the upload may go on: a pipeline token's identity must be linked to the repository
   * (403 {@code finding.repository_forbidden}); a commit that has findings keeps them unless this
   * is a replacement: the same content again is a repeat (returned), other content is 409
   * {@code finding.exists}. Empty when the upload is to be stored.
   */
  private Optional<Uploaded> judge(Connection c, Caller caller, String repo, String sha,
      Replacement replacement, String content) throws SQLException {
    if (caller.role() == Role.PIPELINE && !links.linked(c, caller.identityId(), repo)) {
      throw new ApiProblem(403, "finding.repository_forbidden", "Forbidden", "pipeline token "
          + caller.tokenId() + " is bound to " + caller.identity() + ", which is not linked"
          + " to repository '" + repo + "'; an admin links it with imprint identity update"
          + " --repository");
    }
    Optional<Stored> previous = stored(c, repo, sha);
    if (previous.isPresent() && !replacement.replace()) {
      if (content.equals(previous.get().content())) {
        return Optional.of(new Uploaded(previous.get().report(), false, false));
      }
      Report p = previous.get().report();
      throw ApiProblem.conflict("finding.exists", "findings for " + repo + "@" + sha + " were"
          + " uploaded at " + p.uploadedAt() + " by " + p.uploadedBy() + " ("
          + total(p.bySeverity()) + " findings); a commit's findings are not rewritten after"
          + " the fact: an admin may replace them with \"replace\": true and a reason");
    }
    return Optional.empty();
  }

  /** Rows a staging write takes at most: small writes wait for one chunk, not for an upload. */
  static final int CHUNK = 2_000;
  /** A staging upload older than this was left by a server that stopped: it is swept. */
  static final java.time.Duration ABANDONED = java.time.Duration.ofHours(1);
  private static final List<String> STAGED = List.of("findings", "inventory_identities",
      "inventory_links");
  private final java.security.SecureRandom random = new java.security.SecureRandom();
  /** Tests: runs between two staging writes of an upload. */
  private volatile Runnable betweenChunks = () -> { };

  /** Tests: runs {@code hook} between two staging writes of every upload. */
  void betweenChunks(Runnable hook) {
    betweenChunks = hook == null ? () -> { } : hook;
  }

  private String newUploadId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  /**
   * Writes the findings and inventory rows of {@code upload}, {@link #CHUNK} at a time, each in
   * its own transaction, so other writes go between them. The upload is marked staging first;
   * no reader sees its rows until the report points at them.
   */
  private void stage(String upload, List<StoredFinding> findings, UploadedInventory inv) {
    db.write(c -> {
      mark(c, upload, "staging");
      return null;
    });
    List<Database.Work<Void>> writes = new ArrayList<>();
    for (int from = 0; from < findings.size(); from += CHUNK) {
      int first = from;
      int last = Math.min(findings.size(), from + CHUNK);
      writes.add(c -> {
        insertFindings(c, upload, findings, first, last);
        return null;
      });
    }
    if (inv != null) {
      writes.addAll(InventoryService.stage(upload, inv, findings, CHUNK));
    }
    for (Database.Work<Void> w : writes) {
      db.write(w);
      betweenChunks.run();
    }
  }

  /**
   * Deletes the rows of uploads nobody points at: those a later upload replaced and those a
   * stopped server left staging for more than {@link #ABANDONED}.
   */
  private void sweepAbandoned() {
    long before = clock.millis() - ABANDONED.toMillis();
    List<String> abandoned = db.read(c -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT upload_id FROM finding_uploads"
          + " WHERE state = 'superseded' OR since < ?")) {
        ps.setLong(1, before);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      return ids;
    });
    abandoned.forEach(this::discardQuietly);
  }

  /** Deletes the rows of an upload nobody points at, {@link #CHUNK} at a time, then its mark. */
  private void discard(String upload) {
    for (String table : STAGED) {
      for (int from = 0; ; from += CHUNK) {
        int first = from;
        int deleted = db.write(c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
              + " WHERE upload_id = ? AND position >= ? AND position < ?")) {
            ps.setString(1, upload);
            ps.setInt(2, first);
            ps.setInt(3, first + CHUNK);
            return ps.executeUpdate();
          }
        });
        if (deleted == 0) {
          break; // positions run from 0 without gaps
        }
      }
    }
    db.write(c -> {
      unmark(c, upload);
      return null;
    });
  }

  private void discardQuietly(String upload) {
    try {
      discard(upload);
    } catch (RuntimeException e) {
      // left marked: the next upload's sweep deletes it
    }
  }

  private void mark(Connection c, String upload, String state) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO finding_uploads (upload_id,"
        + " state, since) VALUES (?, ?, ?) ON CONFLICT (upload_id) DO UPDATE SET"
        + " state = excluded.state")) {
      ps.setString(1, upload);
      ps.setString(2, state);
      ps.setLong(3, clock.millis());
      ps.executeUpdate();
    }
  }

  private static void unmark(Connection c, String upload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM finding_uploads WHERE upload_id = ?")) {
      ps.setString(1, upload);
      ps.executeUpdate();
    }
  }

  private static String uploadOf(Connection c, String repo, String sha) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT upload_id FROM finding_reports"
        + " WHERE repository = ? AND commit_sha = ?")) {
      ps.setString(1, repo);
      ps.setString(2, sha);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** A stored report and the hash of what it stored (null for uploads made before it was). */
  private record Stored(Report report, String content) {}

  private static Optional<Stored> stored(Connection c, String repo, String sha)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT repository, commit_sha,"
        + " uploaded_at, uploaded_by, tool_version, critical, high, medium, low, info,"
        + " content_sha256 FROM finding_reports WHERE repository = ? AND commit_sha = ?")) {
      ps.setString(1, repo);
      ps.setString(2, sha);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Stored(report(rs), rs.getString(11)))
            : Optional.empty();
      }
    }
  }

  /**
   * SHA-256 of what an upload stores: the tool version, the findings as kept and the inventory
   * as sent. Two runs of one scanner version over one commit give the same hash, so a retried
   * upload is a repeat, not a rewrite.
   */
  private static String contentHash(String tool, List<StoredFinding> findings,
      JsonNode inventory) {
    try {
      return HexFormat.of().formatHex(Sha256.of(HASH_JSON.writeValueAsBytes(Arrays.asList(tool,
          findings, inventory == null || inventory.isNull() ? null : inventory))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an upload is always hashable", e);
    }
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The reason of a replacement: required with it, refused without it. */
  private static String reason(Replacement r) {
    String reason = r.reason();
    if (!r.replace()) {
      if (reason != null) {
        throw ApiProblem.badRequest("finding.reason_invalid", "expected 'reason' only with"
            + " \"replace\": true, got a reason for a plain upload");
      }
      return null;
    }
    if (reason == null || reason.isBlank()) {
      throw ApiProblem.badRequest("finding.reason_missing", "expected 'reason' saying why the"
          + " stored findings are replaced (it is audited), got none");
    }
    return FreeText.check(reason, "reason", 1024, "finding.reason_invalid");
  }

  /** The report of a commit, or of the repository's latest upload when {@code commit} is null. */
  public Optional<Report> report(String repository, String commit) {
    String repo = repository(repository);
    String sha = commit == null || commit.isEmpty() ? null : commit(commit);
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT repository, commit_sha,"
          + " uploaded_at, uploaded_by, tool_version, critical, high, medium, low, info"
          + " FROM finding_reports WHERE repository = ?"
          + (sha == null ? "" : " AND commit_sha = ?")
          + " ORDER BY uploaded_at DESC, commit_sha LIMIT 1")) {
        ps.setString(1, repo);
        if (sha != null) {
          ps.setString(2, sha);
        }
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(report(rs)) : Optional.<Report>empty();
        }
      }
    });
  }

  /**
   * One page of the findings of {@code repository} at {@code commit} (null: its latest upload),
   * in report order, after {@code cursor} (null or empty: from the first), at most {@code limit}
   * (1 to {@link #MAX_PAGE}); empty when there is no such upload. A cursor names the upload it
   * pages through, so later pages come from that upload even after a newer one for the
   * repository; when that upload was replaced since, the page is 409
   * {@code finding.report_replaced}.
   */
  public Optional<FindingPage> page(String repository, String commit, String cursor, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + MAX_PAGE + ", got " + limit);
    }
    String repo = repository(repository);
    FindingCursor after = cursor == null || cursor.isEmpty() ? null : FindingCursor.decode(cursor);
    String sha = commit == null || commit.isEmpty() ? null : commit(commit);
    if (after != null && sha != null && !after.commit().equals(sha)) {
      throw ApiProblem.badRequest("request.cursor_invalid", "expected the 'next' cursor of a"
          + " previous page of the findings at commit " + sha + ", got one of another commit");
    }
    Optional<Report> found = report(repo, after == null ? sha : after.commit());
    if (after != null && (found.isEmpty()
        || found.get().uploadedAt().toEpochMilli() != after.uploadedAt())) {
      throw ApiProblem.conflict("finding.report_replaced", "the upload this cursor pages"
          + " through was replaced by a later upload for the same commit; start again without"
          + " a cursor");
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Report r = found.get();
    int from = after == null ? -1 : after.position();
    int[] positions = new int[limit + 1];
    List<StoredFinding> rows = db.read(c -> {
      List<StoredFinding> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, title, severity, category,"
          + " path, line, col, message, fingerprint, secret_redacted, secret_fingerprint,"
          + " position FROM findings WHERE upload_id = (SELECT upload_id FROM finding_reports"
          + " WHERE repository = ? AND commit_sha = ?) AND position > ?"
          + " ORDER BY position LIMIT " + (limit + 1))) {
        ps.setString(1, r.repository());
        ps.setString(2, r.commit());
        ps.setInt(3, from);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            positions[out.size()] = rs.getInt(12);
            out.add(stored(rs));
          }
        }
      }
      return out;
    });
    if (rows.size() <= limit) {
      return Optional.of(new FindingPage(r, rows, null));
    }
    return Optional.of(new FindingPage(r, List.copyOf(rows.subList(0, limit)),
        new FindingCursor(r.commit(), r.uploadedAt().toEpochMilli(),
            positions[limit - 1]).encode()));
  }

  /** Where a page of findings ends: the upload (commit, upload time) and the last position. */
  private record FindingCursor(String commit, long uploadedAt, int position) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(("f1:" + commit + ":"
          + uploadedAt + ":" + position).getBytes(StandardCharsets.UTF_8));
    }

    static FindingCursor decode(String cursor) {
      try {
        String[] p = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
            .split(":", -1);
        if (p.length == 4 && p[0].equals("f1") && COMMIT.matcher(p[1]).matches()) {
          return new FindingCursor(p[1], Long.parseLong(p[2]), Integer.parseInt(p[3]));
        }
      } catch (IllegalArgumentException e) {
        // fall through to the problem (NumberFormatException is one too)
      }
      throw ApiProblem.badRequest("request.cursor_invalid",
          "expected the 'next' cursor of a previous page of findings");
    }
  }

  private static StoredFinding stored(ResultSet rs) throws SQLException {
    return new StoredFinding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11));
  }

  /** The findings of one stored report, in report order. */
  public List<StoredFinding> findings(String repository, String commit) {
    return db.read(c -> {
      List<StoredFinding> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, title, severity, category,"
          + " path, line, col, message, fingerprint, secret_redacted, secret_fingerprint"
          + " FROM findings WHERE upload_id = (SELECT upload_id FROM finding_reports"
          + " WHERE repository = ? AND commit_sha = ?) ORDER BY position")) {
        ps.setString(1, repository);
        ps.setString(2, commit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredFinding(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getString(11)));
          }
        }
      }
      return out;
    });
  }

  /** Per repository (in name order after {@code cursor}): its latest report and commit count. */
  public SummaryPage summary(String repository, String cursor, int limit) {
    if (limit < 1 || limit > 200) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to 200, got "
          + limit);
    }
    String after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
    String repo = repository == null ? null : repository(repository);
    List<RepositorySummary> rows = db.read(c -> {
      List<String> repos = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT repository FROM"
          + " finding_reports WHERE 1 = 1" + (repo == null ? "" : " AND repository = ?")
          + (after == null ? "" : " AND repository > ?") + " ORDER BY repository LIMIT "
          + (limit + 1))) {
        int i = 1;
        if (repo != null) {
          ps.setString(i++, repo);
        }
        if (after != null) {
          ps.setString(i, after);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            repos.add(rs.getString(1));
          }
        }
      }
      List<RepositorySummary> out = new ArrayList<>();
      for (String r : repos) {
        out.add(summaryOf(c, r));
      }
      return out;
    });
    if (rows.size() <= limit) {
      return new SummaryPage(rows, null);
    }
    List<RepositorySummary> page = List.copyOf(rows.subList(0, limit));
    return new SummaryPage(page, Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("r1:" + page.get(limit - 1).latest().repository()).getBytes(StandardCharsets.UTF_8)));
  }

  private static RepositorySummary summaryOf(Connection c, String repo) throws SQLException {
    Report latest;
    try (PreparedStatement ps = c.prepareStatement("SELECT repository, commit_sha, uploaded_at,"
        + " uploaded_by, tool_version, critical, high, medium, low, info FROM finding_reports"
        + " WHERE repository = ? ORDER BY uploaded_at DESC, commit_sha LIMIT 1")) {
      ps.setString(1, repo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        latest = report(rs);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM finding_reports WHERE repository = ?")) {
      ps.setString(1, repo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new RepositorySummary(latest, rs.getInt(1));
      }
    }
  }

  private static Report report(ResultSet rs) throws SQLException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < SEVERITIES.size(); i++) {
      counts.put(SEVERITIES.get(i), rs.getInt(6 + i));
    }
    return new Report(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
        rs.getString(4), rs.getString(5), counts);
  }

  private static void deleteReport(Connection c, String repo, String sha) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM finding_reports WHERE repository = ? AND commit_sha = ?")) {
      ps.setString(1, repo);
      ps.setString(2, sha);
      ps.executeUpdate();
    }
  }

  private static void insertReport(Connection c, Report r, String upload, String content)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO finding_reports (repository,"
        + " commit_sha, uploaded_at, uploaded_by, tool_version, critical, high, medium, low,"
        + " info, upload_id, content_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.repository());
      ps.setString(2, r.commit());
      ps.setLong(3, r.uploadedAt().toEpochMilli());
      ps.setString(4, r.uploadedBy());
      ps.setString(5, r.toolVersion());
      for (int i = 0; i < SEVERITIES.size(); i++) {
        ps.setInt(6 + i, r.bySeverity().get(SEVERITIES.get(i)));
      }
      ps.setString(11, upload);
      ps.setString(12, content);
      ps.executeUpdate();
    }
  }

  private static void insertFindings(Connection c, String upload, List<StoredFinding> findings,
      int first, int last) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO findings (upload_id, position,"
        + " rule_id, title, severity, category, path, line, col, message, fingerprint,"
        + " secret_redacted, secret_fingerprint)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int pos = first; pos < last; pos++) {
        StoredFinding f = findings.get(pos);
        ps.setString(1, upload);
        ps.setInt(2, pos);
        ps.setString(3, f.ruleId());
        ps.setString(4, f.title());
        ps.setString(5, f.severity());
        ps.setString(6, f.category());
        ps.setString(7, f.path());
        ps.setInt(8, f.line());
        ps.setInt(9, f.column());
        ps.setString(10, f.message());
        ps.setString(11, f.fingerprint());
        ps.setString(12, f.secretRedacted());
        ps.setString(13, f.secretFingerprint());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static StoredFinding finding(JsonNode f, int i) {
    String at = "findings[" + i + "].";
    if (!f.isObject()) {
      throw ApiProblem.badRequest("finding.report_invalid", "expected " + at.substring(0,
          at.length() - 1) + " to be an object");
    }
    String severity = f.path("severity").asText("");
    if (!SEVERITIES.contains(severity)) {
      throw ApiProblem.badRequest("finding.report_invalid", "expected " + at + "severity to be"
          + " critical, high, medium, low or info, got '" + FreeText.printable(severity) + "'");
    }
    String redacted = null;
    String secretFp = null;
    JsonNode secret = f.get("secret");
    if (secret != null && !secret.isNull()) {
      redacted = secret.path("redacted").asText("");
      secretFp = secret.path("fingerprint").asText("");
      if (!REDACTED.matcher(redacted).matches()) {
        throw ApiProblem.badRequest("finding.secret_not_redacted", "expected " + at
            + "secret.redacted in Imprint's redacted form (at most four characters, asterisks"
            + " and the length, e.g. AKIA********(20)); the value given is not redacted and was"
            + " not stored");
      }
      if (!FINGERPRINT.matcher(secretFp).matches()) {
        throw ApiProblem.badRequest("finding.report_invalid", "expected " + at
            + "secret.fingerprint of 16 to 64 lower-case hex digits");
      }
    }
    StoredFinding stored = new StoredFinding(text(f.path("ruleId"), at + "ruleId", 64, true),
        text(f.path("title"), at + "title", 512, false), severity,
        text(f.path("category"), at + "category", 32, false),
        text(f.path("path"), at + "path", 4096, true), position(f.path("line"), at + "line"),
        position(f.path("column"), at + "column"),
        text(f.path("message"), at + "message", 4096, false),
        text(f.path("fingerprint"), at + "fingerprint", 128, false), redacted, secretFp);
    UnredactedSecrets.refuse(stored.ruleId(), at + "ruleId", "finding.secret_not_redacted");
    UnredactedSecrets.refuse(stored.title(), at + "title", "finding.secret_not_redacted");
    UnredactedSecrets.refuse(stored.category(), at + "category", "finding.secret_not_redacted");
    UnredactedSecrets.refuse(stored.path(), at + "path", "finding.secret_not_redacted");
    UnredactedSecrets.refuse(stored.message(), at + "message", "finding.secret_not_redacted");
    UnredactedSecrets.refuse(stored.fingerprint(), at + "fingerprint",
        "finding.secret_not_redacted");
    return stored;
  }

  /** A line or column: absent is 0; otherwise a whole number from 0 to 2^31-1, never wrapped. */
  private static int position(JsonNode n, String field) {
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
      throw ApiProblem.badRequest("finding.report_invalid", "expected " + field + " to be a"
          + " whole number from 0 to " + Integer.MAX_VALUE + ", got " + (n.isNumber()
              ? "a number out of that range" : n.getNodeType().name().toLowerCase(
                  java.util.Locale.ROOT)));
    }
    return n.intValue();
  }

  private static String text(JsonNode n, String field, int max, boolean required) {
    if (n.isMissingNode() || n.isNull()) {
      if (required) {
        throw ApiProblem.badRequest("finding.report_invalid", "expected " + field
            + ", got none");
      }
      return "";
    }
    if (!n.isTextual()) {
      throw ApiProblem.badRequest("finding.report_invalid", "expected " + field
          + " to be text of at most " + max + " characters");
    }
    return FreeText.check(n.asText(), field, max, "finding.report_invalid");
  }

  private static String repository(String repo) {
    if (repo == null || repo.isBlank()) {
      throw ApiProblem.badRequest("finding.repository_missing", "expected 'repository' (e.g."
          + " acme/payments, from GITHUB_REPOSITORY or CI_PROJECT_PATH), got none");
    }
    if (repo.length() > 255 || repo.codePoints().anyMatch(cp -> !FreeText.allowed(cp)
        || Character.isWhitespace(cp))) {
      throw ApiProblem.badRequest("finding.repository_invalid", "expected a repository name of"
          + " at most 255 characters without spaces or control characters");
    }
    return repo;
  }

  private static String commit(String commit) {
    if (commit == null || commit.isBlank()) {
      throw ApiProblem.badRequest("finding.commit_missing", "expected 'commit' (the git commit"
          + " SHA, from GITHUB_SHA or CI_COMMIT_SHA), got none");
    }
    if (!COMMIT.matcher(commit).matches()) {
      throw ApiProblem.badRequest("finding.commit_invalid", "expected a commit of 7 to 64"
          + " lower-case hex digits, got '" + FreeText.printable(commit) + "'");
    }
    return commit;
  }

  private static String decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith("r1:")) {
        return s.substring(3);
      }
    } catch (IllegalArgumentException e) {
      // fall through to the problem
    }
    throw ApiProblem.badRequest("request.cursor_invalid",
        "expected the 'next' cursor of a previous page");
  }
}
