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
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
   * Inserts the rows of a batch numbered from a guessed seq, in one statement whatever the
   * batch's size, only when the guess is MAX(seq) + 1 (read by the same statement, after the
   * writers' lock): it returns that number and how many rows it inserted (0: a wrong guess).
   */
  static final String INSERT_IF_NEXT = "WITH next AS (SELECT COALESCE(MAX(seq), -1) + 1 AS seq"
      + " FROM audit_entries), ins AS (INSERT INTO audit_entries (seq, logged_at, entry,"
      + " leaf_hash) SELECT r.seq, r.logged_at, r.entry, r.leaf_hash FROM unnest(?::bigint[],"
      + " ?::bigint[], ?::text[], ?::text[]) AS r (seq, logged_at, entry, leaf_hash)"
      + " WHERE (SELECT seq FROM next) = ? RETURNING 1)"
      + " SELECT (SELECT seq FROM next), (SELECT COUNT(*) FROM ins)";

  /**
   * Per store, the seq this process expects its next batch to start at: its last batch's end.
   * Only a guess (another replica may have appended since, or that batch rolled back): the
   * insert checks it under the lock. Weak keys: a closed store's entry goes with it.
   */
  private static final Map<Database, AtomicLong> NEXT =
      Collections.synchronizedMap(new WeakHashMap<>());

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
   * PostgreSQL the lock, the numbering and the insert of the whole batch go in one round trip
   * when this process's guess of the next seq holds (it appended last), in two when another
   * replica appended since.
   */
  private static void write(Connection tx, List<Deferred> entries) throws SQLException {
    Database db = entries.get(0).db();
    if (db.dialect() == Dialect.SQLITE) {
      long seq = db.lockWritersAndQuery(tx,
          "SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries", ps -> { }, rs -> rs.getLong(1));
      insertBatch(tx, entries, seq);
      return;
    }
    AtomicLong next = NEXT.computeIfAbsent(db, k -> new AtomicLong());
    long guess = next.get();
    long[] got = db.lockWritersAndQuery(tx, INSERT_IF_NEXT, ps -> bind(tx, ps, entries, guess),
        AuditLog::nextAndInserted);
    long first = guess;
    if (got[1] == 0) {
      first = got[0]; // the lock is held: MAX(seq) cannot move before the commit
      long from = first;
      got = db.lockWritersAndQuery(tx, INSERT_IF_NEXT, ps -> bind(tx, ps, entries, from),
          AuditLog::nextAndInserted);
    }
    if (got[0] != first || got[1] != entries.size()) {
      throw new SQLException("the audit insert numbered from " + first + " wrote " + got[1]
          + " of " + entries.size() + " entries (the log's next seq was " + got[0] + ")");
    }
    next.set(first + entries.size());
  }

  private static long[] nextAndInserted(ResultSet row) throws SQLException {
    return new long[] {row.getLong(1), row.getLong(2)};
  }

  /** The parameters of {@link #INSERT_IF_NEXT}: the rows numbered from {@code from}. */
  private static void bind(Connection tx, PreparedStatement ps, List<Deferred> entries,
      long from) throws SQLException {
    int n = entries.size();
    long[] seqs = new long[n];
    long[] at = new long[n];
    String[] texts = new String[n];
    String[] leaves = new String[n];
    for (int i = 0; i < n; i++) {
      Deferred d = entries.get(i);
      seqs[i] = from + i;
      at[i] = d.loggedAt();
      texts[i] = d.text(from + i);
      leaves[i] = leafHex(texts[i]);
    }
    ps.setObject(1, seqs);
    ps.setObject(2, at);
    ps.setArray(3, tx.createArrayOf("text", texts));
    ps.setArray(4, tx.createArrayOf("text", leaves));
    ps.setLong(5, from);
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
