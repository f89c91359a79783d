package dev.imprint.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imprint.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
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
  private static final String NEXT_SEQ = "audit.next_seq";

  public AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Appends {@code event} in transaction {@code tx} (from {@link Database#write}) and returns
   * its sequence number.
   */
  public long append(Connection tx, AuditEvent event) throws SQLException {
    db.lockWriters(tx); // seq = max + 1 must not race another replica's append
    long seq = nextSeq(tx);
    Instant now = clock.instant();
    String entry = canonical(seq, now, event);
    try (PreparedStatement ins = tx.prepareStatement(
        "INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) VALUES (?, ?, ?, ?)")) {
      ins.setLong(1, seq);
      ins.setLong(2, now.toEpochMilli());
      ins.setString(3, entry);
      ins.setString(4, HexFormat.of().formatHex(leafHash(entry.getBytes(StandardCharsets.UTF_8))));
      ins.executeUpdate();
    }
    db.remember(tx, NEXT_SEQ, seq + 1);
    return seq;
  }

  /**
   * MAX(seq) + 1, read once per writer transaction: the writers' lock is held from its start to
   * its commit, so no replica appends in between, and the number read earlier in the same
   * generation (no unit rolled back since) is still the next one. Saves a round trip per
   * append after the first of a batch.
   */
  private long nextSeq(Connection tx) throws SQLException {
    java.util.OptionalLong known = db.recall(tx, NEXT_SEQ);
    if (known.isPresent()) {
      return known.getAsLong();
    }
    try (PreparedStatement next = tx.prepareStatement(
        "SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries");
        ResultSet rs = next.executeQuery()) {
      rs.next();
      return rs.getLong(1);
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
