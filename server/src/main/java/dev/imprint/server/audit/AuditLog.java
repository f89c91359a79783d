package dev.imprint.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.GroupCommit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Database db;
  private final Clock clock;

  /** One entry waiting for the end of its transaction. */
  private record Deferred(Database db, Instant at, AuditEvent event) {}

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
   * not while its units run. A unit rolled back takes its entries with it.
   */
  public void append(Connection tx, AuditEvent event) throws SQLException {
    canonical(0, Instant.EPOCH, event); // refuses unserialisable details in the caller's unit
    db.atCommit(tx, ENTRIES, new Deferred(db, clock.instant(), event));
  }

  /**
   * Numbers {@code entries} from MAX(seq) + 1, read under the writers' lock in the same round
   * trip that takes it (seq = max + 1 must not race another replica's append; the lock is held
   * to the commit), and inserts them as one batch.
   */
  private static void write(Connection tx, List<Deferred> entries) throws SQLException {
    Database db = entries.get(0).db();
    long seq = db.lockWritersAndQueryLong(tx,
        "SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries");
    try (PreparedStatement ins = tx.prepareStatement(
        "INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) VALUES (?, ?, ?, ?)")) {
      for (Deferred d : entries) {
        String entry = canonical(seq, d.at(), d.event());
        ins.setLong(1, seq);
        ins.setLong(2, d.at().toEpochMilli());
        ins.setString(3, entry);
        ins.setString(4, HexFormat.of().formatHex(
            leafHash(entry.getBytes(StandardCharsets.UTF_8))));
        ins.addBatch();
        seq++;
      }
      ins.executeBatch();
    }
  }

  /** The canonical JSON text of an entry: keys sorted, no insignificant whitespace. */
  static String canonical(long seq, Instant at, AuditEvent e) {
    Map<String, Object> m = new TreeMap<>();
    m.put("seq", seq);
    m.put("time", at.toString());
    m.put("actor", e.actor());
    m.put("action", e.action());
    m.put("subject", e.subject());
    m.put("details", e.details());
    try {
      return CANONICAL.writeValueAsString(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("audit details are not serialisable: " + ex.getMessage());
    }
  }

  /** {@code SHA-256(0x00 || entry)}: RFC 6962 section 2.1 leaf hash. */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest d = sha256();
    d.update((byte) 0);
    return d.digest(entry);
  }

  /** {@code SHA-256(0x01 || left || right)}: RFC 6962 section 2.1 node hash. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest d = sha256();
    d.update((byte) 1);
    d.update(left);
    return d.digest(right);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
