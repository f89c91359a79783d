package dev.imprint.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.Dialect;
import dev.imprint.server.store.GroupCommit;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The append-only audit log (RFC 6962 / RFC 9162 leaves). Appends happen inside the caller's
 * store transaction, so a change and its entry are committed together or not at all.
 */
public final class AuditLog {
  /** RFC 6962 section 2.1's domain separators; read, never written. */
  private static final byte[] LEAF = {0};
  private static final byte[] NODE = {1};
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * Numbers the rows of a batch from MAX(seq) + 1 (read by the statement itself, after the
   * writers' lock) and inserts them, in one statement whatever the batch's size: PostgreSQL joins
   * each entry's text around its seq and hashes the leaf ({@code SHA-256(0x00 || entry)}, what
   * {@link #leafHash} computes; the log's readers check every stored leaf against its text). It
   * returns the first seq and how many rows it inserted.
   */
  static final String INSERT_NUMBERED = "WITH next AS (SELECT COALESCE(MAX(seq), -1) + 1 AS seq"
      + " FROM audit_entries), numbered AS (SELECT n.seq + r.i - 1 AS seq, r.logged_at,"
      + " r.head || (n.seq + r.i - 1) || r.tail AS entry FROM next n, unnest(?::bigint[],"
      + " ?::text[], ?::text[]) WITH ORDINALITY AS r (logged_at, head, tail, i)),"
      + " ins AS (INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) SELECT seq,"
      + " logged_at, entry, encode(sha256(decode('00', 'hex') || convert_to(entry, 'UTF8')),"
      + " 'hex') FROM numbered RETURNING 1) SELECT (SELECT seq FROM next), (SELECT COUNT(*)"
      + " FROM ins)";

  private final Database db;
  private final Clock clock;

  /**
   * One entry waiting for the end of its transaction: its canonical text before and after the
   * seq, which only the end of the transaction knows (the keys sort as action, actor, details,
   * seq, subject, time).
   */
  private record Deferred(Database db, long loggedAt, String head, String tail) {
    String text(long seq) {
      return head + seq + tail;
    }
  }

  /** Where every log's entries wait: one sink, so a batch's entries are numbered in order. */
  private static final GroupCommit.Sink<Deferred> ENTRIES = AuditLog::write;

  public AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Appends {@code event} in transaction {@code tx} (from {@link Database#write}): the entry is
   * numbered and written at the end of the group-commit transaction, with the entries of the
   * other units of the batch, so that a replica holds the writers' lock only for that end and
   * not while its units run. A unit rolled back takes its entries with it. Unserialisable
   * details are refused here, in the caller's unit.
   */
  public void append(Connection tx, AuditEvent event) throws SQLException {
    db.atCommit(tx, ENTRIES, deferred(db, clock.instant(), event));
  }

  /**
   * Numbers {@code entries} from MAX(seq) + 1 read under the writers' lock (seq = max + 1 must
   * not race another replica's append; the lock is held to the commit) and inserts them. On
   * PostgreSQL the lock, the numbering, the insert of the whole batch and the transaction's
   * commit go in one round trip, so PostgreSQL releases the lock without waiting for this
   * process: the other replicas' appends never wait for a round trip on this one's link.
   */
  private static void write(Connection tx, List<Deferred> entries) throws SQLException {
    Database db = entries.get(0).db();
    if (db.dialect() == Dialect.SQLITE) {
      long seq = db.lockWritersAndQuery(tx,
          "SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries", ps -> { }, rs -> rs.getLong(1));
      insertBatch(tx, entries, seq);
      return;
    }
    long inserted = db.lockWritersQueryAndCommit(tx, INSERT_NUMBERED,
        ps -> bind(tx, ps, entries), row -> row.getLong(2));
    if (inserted != entries.size()) {
      // one INSERT of every row of the unnest, committed: it cannot differ short of a bug
      throw new IllegalStateException("the audit insert wrote " + inserted + " of "
          + entries.size() + " entries");
    }
  }

  /** The parameters of {@link #INSERT_NUMBERED}: each entry's time and text around its seq. */
  private static void bind(Connection tx, PreparedStatement ps, List<Deferred> entries)
      throws SQLException {
    int n = entries.size();
    long[] at = new long[n];
    String[] heads = new String[n];
    String[] tails = new String[n];
    for (int i = 0; i < n; i++) {
      Deferred d = entries.get(i);
      at[i] = d.loggedAt();
      heads[i] = d.head();
      tails[i] = d.tail();
    }
    ps.setObject(1, at);
    ps.setArray(2, tx.createArrayOf("text", heads));
    ps.setArray(3, tx.createArrayOf("text", tails));
  }

  /** SQLite runs in the process: a plain JDBC batch costs no round trip per row. */
  private static void insertBatch(Connection tx, List<Deferred> entries, long from)
      throws SQLException {
    try (PreparedStatement ins = tx.prepareStatement(
        "INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) VALUES (?, ?, ?, ?)")) {
      long seq = from;
      for (Deferred d : entries) {
        String entry = d.text(seq);
        ins.setLong(1, seq);
        ins.setLong(2, d.loggedAt());
        ins.setString(3, entry);
        ins.setString(4, leafHex(entry));
        ins.addBatch();
        seq++;
      }
      ins.executeBatch();
    }
  }

  private static String leafHex(String entry) {
    return HexFormat.of().formatHex(leafHash(entry.getBytes(StandardCharsets.UTF_8)));
  }

  /** The canonical JSON text of an entry: keys sorted, no insignificant whitespace. */
  static String canonical(long seq, Instant at, AuditEvent e) {
    return deferred(null, at, e).text(seq);
  }

  /**
   * The entry of {@code e} at {@code at}, its text serialised once around the seq: the keys
   * before the seq and those after it as two canonical objects, joined at the seq.
   */
  private static Deferred deferred(Database db, Instant at, AuditEvent e) {
    Map<String, Object> before = new TreeMap<>();
    before.put("action", e.action());
    before.put("actor", e.actor());
    before.put("details", e.details());
    Map<String, Object> after = new TreeMap<>();
    after.put("subject", e.subject());
    after.put("time", at.toString());
    String head;
    String tail;
    try {
      head = CANONICAL.writeValueAsString(before);
      tail = CANONICAL.writeValueAsString(after);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("audit details are not serialisable: " + ex.getMessage());
    }
    return new Deferred(db, at.toEpochMilli(), head.substring(0, head.length() - 1) + ",\"seq\":",
        "," + tail.substring(1));
  }

  /** {@code SHA-256(0x00 || entry)}: RFC 6962 section 2.1 leaf hash. */
  public static byte[] leafHash(byte[] entry) {
    return Sha256.of(LEAF, entry);
  }

  /** {@code SHA-256(0x01 || left || right)}: RFC 6962 section 2.1 node hash. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    return Sha256.of(NODE, left, right);
  }
}
