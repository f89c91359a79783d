package dev.imprint.server.audit;

import dev.imprint.server.store.Database;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The stored checkpoint rows as far as this server has checked them: each one's note verifies
 * with the server's key and origin, its columns agree with the note, and the checked entries
 * reach its size and hash to its root. Remembers which sizes it checked, so that a deleted row
 * is noticed. Not thread-safe on its own: {@link AuditService} calls it under its lock.
 */
final class StoredCheckpoints {
  private static final int BATCH = 1_000;
  /** Already-checked rows re-checked by each {@link #recheck} round. */
  static final int RECHECK = 500;

  /** A stored checkpoint row. */
  record Row(long size, String rootHex, String note) {}

  private final Database db;
  private final VerifierKey key;
  private final StoredEntries entries;
  private final Function<String, AuditIntegrityException> fail;
  /** Sizes of the stored rows that were checked, none above {@link #checkedUpTo}. */
  private final BitSet seen = new BitSet();
  /** Every stored row with a size up to this one is in {@link #seen}. */
  private long checkedUpTo = -1;
  private long cursor;

  StoredCheckpoints(Database db, VerifierKey key, StoredEntries entries,
      Function<String, AuditIntegrityException> fail) {
    this.db = db;
    this.key = key;
    this.entries = entries;
    this.fail = fail;
  }

  /** How many rows were checked. */
  int checked() {
    return seen.cardinality();
  }

  /**
   * Checks the rows added since the last call (all of them the first time) and, when the number
   * of rows checked before changed, finds which were removed (a failure) or added late by
   * another replica (checked like new ones).
   *
   * @return the largest row checked now, if any
   */
  Optional<AuditService.SignedCheckpoint> checkNew() {
    if (checkedUpTo >= 0 && count(checkedUpTo) != seen.cardinality()) {
      reconcile();
    }
    AuditService.SignedCheckpoint largest = null;
    while (true) {
      List<Row> rows = rows(checkedUpTo + 1, Long.MAX_VALUE, BATCH);
      for (Row r : rows) {
        largest = check(r);
        seen.set(Math.toIntExact(r.size()));
        checkedUpTo = r.size();
      }
      if (rows.size() < BATCH) {
        return Optional.ofNullable(largest);
      }
    }
  }

  /** One round of re-checking rows checked before, round robin. */
  void recheck() {
    if (checkedUpTo < 0) {
      return;
    }
    long from = cursor > checkedUpTo ? 0 : cursor;
    long last = recheck(from, checkedUpTo, RECHECK);
    cursor = last >= checkedUpTo ? 0 : last + 1;
  }

  /**
   * Marks a row this server stored itself as checked when it lies below the rows checked so
   * far (a larger one is checked with the next new rows: {@link #seen} holds only sizes up to
   * {@link #checkedUpTo}, so that its count is the number of stored rows up to there).
   */
  void stored(long size) {
    if (size <= checkedUpTo) {
      seen.set(Math.toIntExact(size));
    }
  }

  /** The latest stored row, checked; empty when there is none. */
  Optional<AuditService.SignedCheckpoint> latest() {
    Optional<Row> row = db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, note FROM"
          + " audit_checkpoints ORDER BY tree_size DESC LIMIT 1");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)))
            : Optional.<Row>empty();
      }
    });
    if (row.isEmpty()) {
      return Optional.empty();
    }
    AuditService.SignedCheckpoint cp = check(row.get());
    if (row.get().size() <= checkedUpTo) {
      seen.set(Math.toIntExact(row.get().size()));
    }
    return Optional.of(cp);
  }

  /** The stored note for {@code size}, or null. */
  String note(long size) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT note FROM audit_checkpoints WHERE tree_size = ?")) {
        ps.setLong(1, size);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
  }

  /** Every stored row that disagrees with the entries, with why (for StoreAcceptance). */
  Map<Row, String> disagreeing() {
    Map<Row, String> out = new LinkedHashMap<>();
    long from = 0;
    while (true) {
      List<Row> batch = rows(from, Long.MAX_VALUE, BATCH);
      for (Row r : batch) {
        problem(r, verified(r)).ifPresent(p -> out.put(r, p));
        from = r.size() + 1;
      }
      if (batch.size() < BATCH) {
        return out;
      }
    }
  }

  /**
   * The number of rows up to {@link #checkedUpTo} changed: a row checked before is gone (a
   * failure), or one was added below it, by another replica whose insert lost a race with a
   * larger one (checked like a new row) or by someone else (then it does not verify). Reads only
   * the sizes, then the rows not seen before.
   */
  private void reconcile() {
    BitSet present = new BitSet();
    List<Long> unseen = new ArrayList<>();
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT tree_size FROM audit_checkpoints WHERE tree_size <= ?")) {
        ps.setLong(1, checkedUpTo);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long size = rs.getLong(1);
            if (size < 0) {
              throw fail.apply("the store holds a checkpoint row for size " + size + ": a"
                  + " foreign row");
            }
            present.set(Math.toIntExact(size));
            if (!seen.get(Math.toIntExact(size))) {
              unseen.add(size);
            }
          }
        }
      }
      return null;
    });
    BitSet gone = (BitSet) seen.clone();
    gone.andNot(present);
    if (!gone.isEmpty()) {
      throw fail.apply("the checkpoint row for size " + gone.nextSetBit(0) + ", checked"
          + " before, is missing from the store: checkpoint rows were deleted");
    }
    for (long size : unseen) {
      for (Row r : rows(size, size, 1)) {
        check(r);
        seen.set(Math.toIntExact(size));
      }
    }
  }

  /**
   * Re-checks up to {@code limit} rows with sizes in [{@code from}, {@code to}]: each must
   * verify, and every size checked before must still be there. Returns the last size covered.
   */
  private long recheck(long from, long to, int limit) {
    BitSet present = new BitSet();
    long start = from;
    int done = 0;
    boolean more = true;
    long last = from - 1;
    while (more && done < limit) {
      int want = Math.min(BATCH, limit - done);
      List<Row> batch = rows(start, to, want);
      for (Row r : batch) {
        check(r);
        present.set(Math.toIntExact(r.size()));
        last = r.size();
      }
      done += batch.size();
      more = batch.size() == want;
      start = last + 1;
    }
    long covered = more ? last : to;
    if (covered >= from) {
      int lo = Math.toIntExact(from);
      int hi = Math.toIntExact(covered) + 1;
      BitSet gone = seen.get(lo, hi);
      gone.andNot(present.get(lo, hi));
      if (!gone.isEmpty()) {
        throw fail.apply("the checkpoint row for size " + (from + gone.nextSetBit(0))
            + ", checked before, is missing from the store: checkpoint rows were deleted");
      }
    }
    seen.or(present);
    return covered;
  }

  private long count(long upTo) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*) FROM audit_checkpoints WHERE tree_size <= ?")) {
        ps.setLong(1, upTo);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  private List<Row> rows(long from, long to, int limit) {
    return db.read(c -> {
      List<Row> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, note FROM"
          + " audit_checkpoints WHERE tree_size >= ? AND tree_size <= ? ORDER BY tree_size"
          + " LIMIT " + limit)) {
        ps.setLong(1, from);
        ps.setLong(2, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return out;
    });
  }

  /** Row {@code r} is this server's and agrees with the entries, or an integrity failure. */
  AuditService.SignedCheckpoint check(Row r) {
    Checkpoint cp = verified(r);
    Optional<String> problem = problem(r, cp);
    if (problem.isPresent()) {
      throw fail.apply(problem.get());
    }
    return new AuditService.SignedCheckpoint(cp, r.note());
  }

  /** The row's checkpoint when its note verifies with the server's key, else null. */
  private Checkpoint verified(Row r) {
    try {
      return key.verify(r.note());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** What is wrong with row {@code r} whose note verified as {@code cp} (null: it did not). */
  private Optional<String> problem(Row r, Checkpoint cp) {
    if (cp == null) {
      return Optional.of("the checkpoint row for size " + r.size() + " is not signed by this"
          + " server's key " + key.encoded() + ": a foreign row, or a replica with another"
          + " --trust-domain");
    }
    if (cp.size() != r.size() || !cp.rootHex().equals(r.rootHex())) {
      return Optional.of("the checkpoint row for size " + r.size() + " (root " + r.rootHex()
          + ") holds a note for size " + cp.size() + " (root " + cp.rootHex() + "): the row was"
          + " altered");
    }
    MerkleTree tree = entries.tree();
    if (cp.size() > tree.size()) {
      entries.refresh();
    }
    if (cp.size() > tree.size()) {
      return Optional.of("the store holds a checkpoint for size " + cp.size() + " but only "
          + tree.size() + " entries: entries from " + tree.size() + " on were deleted, or the"
          + " store was replaced by an older copy");
    }
    byte[] root = tree.root(cp.size());
    if (!MessageDigest.isEqual(root, cp.rootHash())) {
      return Optional.of("the checkpoint row for size " + cp.size() + " signs root "
          + cp.rootHex() + " but the stored entries 0 to " + (cp.size() - 1) + " hash to "
          + HexFormat.of().formatHex(root) + ": an entry was rewritten together with its leaf"
          + " hash, or the store was replaced");
    }
    return Optional.empty();
  }
}
