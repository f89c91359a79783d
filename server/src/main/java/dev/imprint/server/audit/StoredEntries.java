package dev.imprint.server.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.imprint.server.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The stored entries as far as this server has checked them: the {@link MerkleTree} of their
 * leaves, extended with the rows past it (each text hashed against its stored leaf hash, seq
 * without a gap), and the checks that what was read before is still stored unchanged. Not
 * thread-safe on its own: {@link AuditService} calls it under its lock.
 */
final class StoredEntries {
  private static final int BATCH = 10_000;
  private static final JsonFactory JSON = new JsonFactory();
  /** Already-read entries re-read by each {@link #reread} round. */
  static final int REREAD = 20_000;

  private final Database db;
  private final Function<String, AuditIntegrityException> fail;
  private final MerkleTree tree = new MerkleTree();
  private long cursor;

  /** {@code fail} records an integrity failure and returns the exception to throw. */
  StoredEntries(Database db, Function<String, AuditIntegrityException> fail) {
    this.db = db;
    this.fail = fail;
  }

  /** The tree of the checked leaves. */
  MerkleTree tree() {
    return tree;
  }

  /** Reads and checks the rows past the tree, in batches, and returns the new size. */
  long refresh() {
    while (true) {
      long from = tree.size();
      int added = db.read(c -> {
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, entry, leaf_hash FROM"
            + " audit_entries WHERE seq >= ? ORDER BY seq LIMIT " + BATCH)) {
          ps.setLong(1, from);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long seq = rs.getLong(1);
              if (seq != from + n) {
                throw fail.apply("entry " + (from + n) + " is missing from the store: the next"
                    + " stored entry is " + seq + " (entries were deleted, or a row was"
                    + " inserted)");
              }
              tree.append(checkedLeaf(seq, rs.getString(2), rs.getString(3)));
              n++;
            }
          }
        }
        return n;
      });
      if (added < BATCH) {
        return tree.size();
      }
    }
  }

  /** The stored entries {@code start <= seq < end}, unchecked (see {@link #checkRead}). */
  List<AuditService.Entry> read(long start, long end) {
    return db.read(c -> {
      List<AuditService.Entry> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, logged_at, entry, leaf_hash"
          + " FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq")) {
        ps.setLong(1, start);
        ps.setLong(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new AuditService.Entry(rs.getLong(1), rs.getLong(2), rs.getString(3),
                rs.getString(4)));
          }
        }
      }
      return rows;
    });
  }

  /** Entries read from {@code start} up to {@code end} are all there and as read before. */
  void checkRead(List<AuditService.Entry> rows, long start, long end) {
    long cached = tree.size();
    for (int i = 0; i < rows.size(); i++) {
      AuditService.Entry e = rows.get(i);
      if (e.seq() != start + i) {
        throw missing(start + i);
      }
      if (e.seq() < cached) {
        sameAsRead(e.seq(), e.entry(), e.leafHash());
      }
    }
    if (start + rows.size() < Math.min(end, cached)) {
      throw missing(start + rows.size());
    }
  }

  /** Every entry below the tree's size is still stored, and none below 0. */
  void checkNoneMissing() {
    long n = tree.size();
    long count = single("SELECT COUNT(*) FROM audit_entries WHERE seq >= 0 AND seq < ?", n);
    long min = single("SELECT COALESCE(MIN(seq), 0) FROM audit_entries WHERE seq < ?", 0);
    if (min < 0) {
      throw fail.apply("the store holds an entry with seq " + min + ": the log starts at 0, so"
          + " that row was inserted from outside");
    }
    if (count != n) {
      throw fail.apply("entry " + firstMissing(n) + " is missing from the store: it holds "
          + count + " of the first " + n + " entries, which this server read before (entries"
          + " were deleted)");
    }
  }

  private long single(String sql, long bound) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, bound);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  private long firstMissing(long n) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_entries"
          + " WHERE seq >= 0 AND seq < ? ORDER BY seq")) {
        ps.setLong(1, n);
        long expected = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && rs.getLong(1) == expected) {
            expected++;
          }
        }
        return expected;
      }
    });
  }

  /** Re-reads up to {@link #REREAD} entries read before, from where the last round stopped. */
  void reread() {
    long n = tree.size();
    if (n == 0) {
      return;
    }
    long from = cursor >= n ? 0 : cursor;
    long next = db.read(c -> {
      long expected = from;
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, entry, leaf_hash FROM"
          + " audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq LIMIT " + REREAD)) {
        ps.setLong(1, from);
        ps.setLong(2, n);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(1) != expected) {
              throw missing(expected);
            }
            sameAsRead(expected, rs.getString(2), rs.getString(3));
            expected++;
          }
        }
      }
      return expected;
    });
    if (next < Math.min(n, from + REREAD)) {
      throw missing(next);
    }
    cursor = next >= n ? 0 : next;
  }

  private AuditIntegrityException missing(long seq) {
    return fail.apply("entry " + seq + " is missing from the store (it was read before)");
  }

  /**
   * The leaf hash of {@code text}, which must equal the stored {@code leafHex}; the text's own
   * {@code seq} must be the row's (a row copied or moved to another seq, with its genuine leaf
   * hash, is caught here).
   */
  private byte[] checkedLeaf(long seq, String text, String leafHex) {
    byte[] leaf = AuditLog.leafHash(text.getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(leaf);
    if (!hex.equals(leafHex)) {
      throw fail.apply("entry " + seq + " was altered in the store: its text hashes to " + hex
          + " but its stored leaf hash is " + leafHex);
    }
    String inText = seqOf(text);
    if (!Long.toString(seq).equals(inText)) {
      throw fail.apply("entry " + seq + " was altered in the store: its text gives seq "
          + (inText == null ? "none" : inText) + " (a row was copied or moved to another seq)");
    }
    return leaf;
  }

  /**
   * The top-level {@code seq} of an entry's JSON text as written (bounded to 20 characters), or
   * null when it has none or is not a JSON object; nested values are skipped, not built.
   */
  static String seqOf(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("seq".equals(name)) {
          String t = value == JsonToken.VALUE_NUMBER_INT ? p.getText() : "not a number";
          return t.length() > 20 ? t.substring(0, 20) + "..." : t;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A stored entry read again still hashes to the leaf this server read for it before. */
  private void sameAsRead(long seq, String text, String leafHex) {
    byte[] leaf = checkedLeaf(seq, text, leafHex);
    byte[] before = tree.leaf(seq);
    if (!MessageDigest.isEqual(leaf, before)) {
      throw fail.apply("entry " + seq + " was rewritten in the store together with its leaf"
          + " hash after this server had read it (it read leaf "
          + HexFormat.of().formatHex(before) + ", the store now holds " + leafHex + ")");
    }
  }
}
