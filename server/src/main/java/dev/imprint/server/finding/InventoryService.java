package dev.imprint.server.finding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.Json;
import dev.imprint.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server-side inventory of non-human identities: the identities and links of the inventory
 * each upload carries (stored with it by {@link FindingService}), read from every repository's
 * latest upload, each identity with the counts of that upload's findings that concern it.
 *
 * <p>A finding concerns an identity when it is in the file that defines the identity
 * ({@code location.path}); for an {@code embedded-credential} instead when it carries the same
 * secret fingerprint, in whichever file the value is written.
 */
public final class InventoryService {
  /** Most entries of one page. */
  public static final int MAX_LIMIT = 200;
  private static final Pattern FILTER = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final TypeReference<Map<String, List<String>>> FACTS = new TypeReference<>() {};

  /** One identity of a repository's latest upload, with its findings counts and links. */
  record Entry(String repository, String commit, Instant uploadedAt, int position,
      UploadedInventory.Nhi nhi, Map<String, Integer> findings,
      List<UploadedInventory.NhiLink> links) {}

  /** One page of entries and the cursor of the next (null at the end). */
  record Page(List<Entry> items, String next) {}

  private final Database db;

  public InventoryService(Database db) {
    this.db = db;
  }

  /**
   * The identities of each repository's latest upload (or of {@code repository}'s), optionally
   * of one kind or carrying one flag, in repository and document order after {@code cursor}.
   */
  Page list(String repository, String kind, String flag, String cursor, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + MAX_LIMIT + ", got " + limit);
    }
    String k = filter("kind", kind);
    String f = filter("flag", flag);
    String repo = repository == null || repository.isEmpty() ? null : repository;
    Object[] after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
    List<Entry> rows = db.read(c -> {
      List<Entry> out = query(c, repo, k, f, after, limit + 1);
      return withLinks(c, out);
    });
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    List<Entry> page = List.copyOf(rows.subList(0, limit));
    Entry last = page.get(limit - 1);
    return new Page(page, Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("i1:" + last.position() + ":" + last.repository()).getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Entry> query(Connection c, String repo, String kind, String flag, Object[] after,
      int limit) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT r.repository, r.commit_sha, r.uploaded_at,"
        + " i.position, i.identity_id, i.kind, i.name, i.path, i.line, i.access, i.credential,"
        + " i.flags, i.facts, i.critical, i.high, i.medium, i.low, i.info"
        + " FROM inventory_identities i JOIN finding_reports r ON r.upload_id = i.upload_id"
        + " WHERE r.commit_sha = (SELECT l.commit_sha FROM finding_reports l"
        + " WHERE l.repository = r.repository ORDER BY l.uploaded_at DESC, l.commit_sha LIMIT 1)");
    List<Object> args = new ArrayList<>();
    if (repo != null) {
      sql.append(" AND r.repository = ?");
      args.add(repo);
    }
    if (kind != null) {
      sql.append(" AND i.kind = ?");
      args.add(kind);
    }
    if (flag != null) {
      // flags are kebab case, so the pattern holds no LIKE wildcard
      sql.append(" AND i.flags LIKE ?");
      args.add("%," + flag + ",%");
    }
    if (after != null) {
      sql.append(" AND (r.repository > ? OR (r.repository = ? AND i.position > ?))");
      args.add(after[1]);
      args.add(after[1]);
      args.add(after[0]);
    }
    sql.append(" ORDER BY r.repository, i.position LIMIT ").append(limit);
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
    }
    return out;
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    Map<String, List<String>> facts;
    try {
      facts = Json.MAPPER.readValue(rs.getString(13), FACTS);
    } catch (JsonProcessingException e) {
      throw new SQLException("inventory facts are not JSON", e);
    }
    String flags = rs.getString(12);
    UploadedInventory.Nhi nhi = new UploadedInventory.Nhi(rs.getString(5), rs.getString(6),
        rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11),
        facts.getOrDefault("permissions", List.of()), facts.getOrDefault("trustedBy", List.of()),
        facts.getOrDefault("usedBy", List.of()),
        flags.length() <= 2 ? List.of() : List.of(flags.substring(1, flags.length() - 1)
            .split(",")), facts.getOrDefault("details", List.of()));
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < FindingService.SEVERITIES.size(); i++) {
      counts.put(FindingService.SEVERITIES.get(i), rs.getInt(14 + i));
    }
    return new Entry(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
        rs.getInt(4), nhi, counts, List.of());
  }

  /** The entries with the links of their upload that start or end at them. */
  private static List<Entry> withLinks(Connection c, List<Entry> entries) throws SQLException {
    Map<String, List<Entry>> byUpload = new LinkedHashMap<>();
    for (Entry e : entries) {
      byUpload.computeIfAbsent(e.repository() + "\n" + e.commit(), x -> new ArrayList<>()).add(e);
    }
    Map<Entry, List<UploadedInventory.NhiLink>> links = new HashMap<>();
    for (List<Entry> group : byUpload.values()) {
      Set<String> ids = new LinkedHashSet<>();
      group.forEach(e -> ids.add(e.nhi().id()));
      String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
      try (PreparedStatement ps = c.prepareStatement("SELECT kind, from_id, to_id, from_path,"
          + " from_line, to_path, to_line, reason FROM inventory_links WHERE upload_id ="
          + " (SELECT upload_id FROM finding_reports WHERE repository = ? AND commit_sha = ?)"
          + " AND (from_id IN (" + marks + ") OR to_id IN (" + marks + "))"
          + " ORDER BY position")) {
        int i = 1;
        ps.setString(i++, group.get(0).repository());
        ps.setString(i++, group.get(0).commit());
        for (int twice = 0; twice < 2; twice++) {
          for (String id : ids) {
            ps.setString(i++, id);
          }
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            UploadedInventory.NhiLink l = new UploadedInventory.NhiLink(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getInt(7), rs.getString(8));
            for (Entry e : group) {
              if (l.from().equals(e.nhi().id()) || l.to().equals(e.nhi().id())) {
                links.computeIfAbsent(e, x -> new ArrayList<>()).add(l);
              }
            }
          }
        }
      }
    }
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(new Entry(e.repository(), e.commit(), e.uploadedAt(), e.position(), e.nhi(),
          e.findings(), links.getOrDefault(e, List.of())));
    }
    return out;
  }

  /**
   * The inventory row of an upload, written with its report row in the transaction that makes
   * the upload visible (its identities and links are staged before, by {@link #stage}).
   */
  static void insertSummary(Connection c, String repo, String sha, UploadedInventory inv)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO inventories (repository,"
        + " commit_sha, identities, links) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, repo);
      ps.setString(2, sha);
      ps.setInt(3, inv.identities().size());
      ps.setInt(4, inv.links().size());
      ps.executeUpdate();
    }
  }

  /** Deletes the inventory row of a report, if it has one (before the report row goes). */
  static void deleteSummary(Connection c, String repo, String sha) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM inventories WHERE repository = ? AND commit_sha = ?")) {
      ps.setString(1, repo);
      ps.setString(2, sha);
      ps.executeUpdate();
    }
  }

  /**
   * The writes that stage the identities and links of {@code inv} under {@code upload}, at most
   * {@code chunk} rows each, to run one after another, each in its own transaction; each identity
   * carries the counts of {@code findings} that concern it.
   */
  static List<Database.Work<Void>> stage(String upload, UploadedInventory inv,
      List<FindingService.StoredFinding> findings, int chunk) {
    Map<String, int[]> byPath = new HashMap<>();
    Map<String, int[]> bySecret = new HashMap<>();
    for (FindingService.StoredFinding f : findings) {
      int s = FindingService.SEVERITIES.indexOf(f.severity());
      byPath.computeIfAbsent(f.path(), x -> new int[FindingService.SEVERITIES.size()])[s]++;
      if (f.secretFingerprint() != null) {
        bySecret.computeIfAbsent(f.secretFingerprint(),
            x -> new int[FindingService.SEVERITIES.size()])[s]++;
      }
    }
    List<Database.Work<Void>> writes = new ArrayList<>();
    List<UploadedInventory.Nhi> ids = inv.identities();
    for (int from = 0; from < ids.size(); from += chunk) {
      int first = from;
      int last = Math.min(ids.size(), from + chunk);
      writes.add(c -> {
        insertIdentities(c, upload, ids, first, last, byPath, bySecret);
        return null;
      });
    }
    List<UploadedInventory.NhiLink> links = inv.links();
    for (int from = 0; from < links.size(); from += chunk) {
      int first = from;
      int last = Math.min(links.size(), from + chunk);
      writes.add(c -> {
        insertLinks(c, upload, links, first, last);
        return null;
      });
    }
    return writes;
  }

  private static void insertIdentities(Connection c, String upload,
      List<UploadedInventory.Nhi> ids, int first, int last, Map<String, int[]> byPath,
      Map<String, int[]> bySecret) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO inventory_identities"
        + " (upload_id, position, identity_id, kind, name, path, line, access,"
        + " credential, flags, facts, critical, high, medium, low, info)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int pos = first; pos < last; pos++) {
        UploadedInventory.Nhi n = ids.get(pos);
        ps.setString(1, upload);
        ps.setInt(2, pos);
        ps.setString(3, n.id());
        ps.setString(4, n.kind());
        ps.setString(5, n.name());
        ps.setString(6, n.path());
        ps.setInt(7, n.line());
        ps.setString(8, n.access());
        ps.setString(9, n.credential());
        ps.setString(10, "," + String.join(",", n.flags()) + ",");
        ps.setString(11, facts(n));
        int[] counts = n.secretFingerprint() != null
            ? bySecret.getOrDefault(n.secretFingerprint(),
                new int[FindingService.SEVERITIES.size()])
            : byPath.getOrDefault(n.path(), new int[FindingService.SEVERITIES.size()]);
        for (int i = 0; i < counts.length; i++) {
          ps.setInt(12 + i, counts[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void insertLinks(Connection c, String upload,
      List<UploadedInventory.NhiLink> links, int first, int last) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO inventory_links (upload_id,"
        + " position, kind, from_id, to_id, from_path, from_line, to_path, to_line, reason)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int pos = first; pos < last; pos++) {
        UploadedInventory.NhiLink l = links.get(pos);
        ps.setString(1, upload);
        ps.setInt(2, pos);
        ps.setString(3, l.kind());
        ps.setString(4, l.from());
        ps.setString(5, l.to());
        ps.setString(6, l.fromPath());
        ps.setInt(7, l.fromLine());
        ps.setString(8, l.toPath());
        ps.setInt(9, l.toLine());
        ps.setString(10, l.reason());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static String facts(UploadedInventory.Nhi n) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("permissions", n.permissions());
    m.put("trustedBy", n.trustedBy());
    m.put("usedBy", n.usedBy());
    m.put("details", n.details());
    try {
      return Json.MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("lists of strings are always JSON", e);
    }
  }

  private static String filter(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!FILTER.matcher(value).matches()) {
      throw ApiProblem.badRequest("inventory.filter_invalid", "expected " + name
          + " in kebab case (e.g. " + (name.equals("kind") ? "aws-iam-user"
              : "long-lived-access-key") + ")");
    }
    return value;
  }

  private static Object[] decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith("i1:")) {
        int colon = s.indexOf(':', 3);
        if (colon > 3) {
          return new Object[] {Integer.parseInt(s.substring(3, colon)), s.substring(colon + 1)};
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through to the problem (NumberFormatException is one too)
    }
    throw ApiProblem.badRequest("request.cursor_invalid",
        "expected the 'next' cursor of a previous page");
  }
}
