package dev.imprint.server.audit;

import dev.imprint.server.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's read side and its signer: entries by range, signed checkpoints, and inclusion
 * and consistency proofs, over a store it does not trust.
 *
 * <p>The in-memory {@link MerkleTree} holds only leaves this server checked: each stored entry's
 * text hashed to its stored leaf hash, in seq order without a gap. The store is checked against
 * the last checkpoint this server signed or verified (its <em>anchor</em>, kept outside the store
 * in a {@link CheckpointFile}): fully when the server starts ({@link #verifyStore}), and before
 * every signing (rows past the cache, missing rows, the anchor's row, new and changed checkpoint
 * rows, and a bounded round-robin re-read of what was read before). Any disagreement is an
 * {@link AuditIntegrityException}: it is logged once as an ERROR, reported to the
 * {@link IntegrityListener}, and from then on every signing and every read of the log refuses
 * with it until an operator has investigated ({@link StoreAcceptance}); the server never signs
 * over a store that contradicts what it signed before.
 */
public final class AuditService {
  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);

  /** One stored entry. */
  public record Entry(long seq, long loggedAt, String entry, String leafHash) {}

  /** A signed checkpoint and the note that carries it. */
  public record SignedCheckpoint(Checkpoint checkpoint, String note) {}

  /** Hears about integrity failures and about the checkpoint file (metrics, readiness). */
  public interface IntegrityListener {
    /** The store was found inconsistent; called once, with the first failure found. */
    void integrityFailed(AuditIntegrityException failure);

    /**
     * The checkpoint file could not be written ({@code problem} says why), or, with an empty
     * {@code problem}, was written again.
     */
    void checkpointFile(Optional<String> problem);

    /** A listener that does nothing. */
    static IntegrityListener none() {
      return new IntegrityListener() {
        @Override
        public void integrityFailed(AuditIntegrityException failure) {}

        @Override
        public void checkpointFile(Optional<String> problem) {}
      };
    }
  }

  private static final int BATCH = 10_000;
  private static final int CHECKPOINT_BATCH = 1_000;
  /** Already-read entries re-read before each signing, round robin. */
  static final int SCRUB_ENTRIES = 20_000;
  /** Already-checked checkpoint rows re-checked before each signing, round robin. */
  static final int SCRUB_CHECKPOINTS = 500;

  private final Database db;
  private final String origin;
  private final CheckpointSigner signer;
  private final Clock clock;
  private final CheckpointFile file;
  private final IntegrityListener listener;
  private final MerkleTree tree = new MerkleTree();

  // guarded by this
  private volatile boolean loaded;
  private SignedCheckpoint anchor;
  /** Sizes of the stored checkpoint rows that were checked. */
  private final BitSet seen = new BitSet();
  /** Every stored checkpoint row with a size up to this one is in {@link #seen}. */
  private long checkedUpTo = -1;
  private long entryCursor;
  private long checkpointCursor;
  private volatile AuditIntegrityException failure;

  /** A service whose anchor lives only in memory (tests and tools that never restart). */
  public AuditService(Database db, String trustDomain, KeyEncryptionKey kek, Clock clock) {
    this(db, trustDomain, kek, clock, null, IntegrityListener.none());
  }

  /**
   * A service that keeps its anchor in {@code file} (null: in memory only) and reports to
   * {@code listener}. Loads or creates the signing key; the store is checked by
   * {@link #verifyStore}, which every other method runs first if nobody did.
   */
  public AuditService(Database db, String trustDomain, KeyEncryptionKey kek, Clock clock,
      CheckpointFile file, IntegrityListener listener) {
    this.db = db;
    this.origin = trustDomain + "/imprint-audit";
    this.clock = clock;
    this.file = file;
    this.listener = listener;
    this.signer = AuditKeys.loadOrCreate(db, kek, origin, clock);
  }

  /** The checkpoint origin, {@code <trust-domain>/imprint-audit}. */
  public String origin() {
    return origin;
  }

  /** The public key that verifies checkpoints, in signed-note verifier key form. */
  public VerifierKey verifierKey() {
    return signer.verifierKey();
  }

  /** The first integrity failure found, if any (it stays until the server restarts). */
  public Optional<AuditIntegrityException> integrityFailure() {
    return Optional.ofNullable(failure);
  }

  /** The checkpoint this server last signed or verified, if any. */
  public synchronized Optional<SignedCheckpoint> anchor() {
    return Optional.ofNullable(anchor);
  }

  /**
   * Checks the whole store once: every entry's text against its leaf hash, seq without gaps,
   * the checkpoint file's checkpoint against the entries (its size present, its root equal, its
   * row stored unchanged), and every stored checkpoint row (signed by this server's key, for a
   * size the entries reach, with their root). With no checkpoint file yet, it adopts the latest
   * stored checkpoint once all of that holds, and says so in a WARN.
   *
   * @throws AuditIntegrityException naming the first disagreement
   */
  public synchronized void verifyStore() {
    if (loaded) {
      return;
    }
    failIfFailed();
    long t0 = System.nanoTime();
    Optional<SignedCheckpoint> fromFile = readFile();
    long n = refresh();
    fromFile.ifPresent(cp -> checkAnchor(cp, "the checkpoint file " + file));
    fromFile.ifPresent(cp -> anchor = cp);
    checkCheckpointRows();
    if (fromFile.isEmpty() && anchor != null && file != null) {
      LOG.warn("no audit checkpoint file at {}: adopted the store's latest checkpoint (size {})"
          + " after checking every stored entry and checkpoint against it; from now on the"
          + " store must stay consistent with it", file, anchor.checkpoint().size());
    }
    loaded = true;
    LOG.info("audit log checked: {} entries and {} checkpoints in {} ms", n,
        seen.cardinality(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** The number of entries in the store (reads and checks rows beyond the cache). */
  public long size() {
    return refresh();
  }

  /** The number of entries already in the in-memory tree (for metrics; no store access). */
  public long cachedSize() {
    return tree.size();
  }

  /**
   * For metrics: {@link #size()} once the store was checked at start, the entries checked so
   * far while that check runs (a scrape never waits for it).
   */
  public long sizeForMetrics() {
    return loaded ? size() : tree.size();
  }

  /**
   * Extends the cache with the rows past it, in seq order, each one's text checked against
   * its leaf hash, and returns the new size.
   */
  synchronized long refresh() {
    failIfFailed();
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
                throw fail("entry " + (from + n) + " is missing from the store: the next stored"
                    + " entry is " + seq + " (entries were deleted, or a row was inserted)");
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

  /**
   * Entries with {@code start <= seq < end} ({@code end} at most {@link #size()}), in order,
   * each checked against the leaf this server read for it before.
   */
  public List<Entry> entries(long start, long end) {
    failIfFailed();
    List<Entry> out = db.read(c -> {
      List<Entry> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, logged_at, entry, leaf_hash"
          + " FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq")) {
        ps.setLong(1, start);
        ps.setLong(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      return rows;
    });
    synchronized (this) {
      long cached = tree.size();
      for (int i = 0; i < out.size(); i++) {
        Entry e = out.get(i);
        if (e.seq() != start + i) {
          throw fail("entry " + (start + i) + " is missing from the store (it was read before)");
        }
        if (e.seq() < cached) {
          sameAsRead(e.seq(), e.entry(), e.leafHash());
        }
      }
      if (start + out.size() < Math.min(end, cached)) {
        throw fail("entry " + (start + out.size()) + " is missing from the store (it was read"
            + " before)");
      }
    }
    return out;
  }

  /**
   * The signed checkpoint for the current size: the stored one when it is current (checked),
   * else a new one, signed and stored after the store was checked (an identical one from
   * another replica wins quietly).
   */
  public synchronized SignedCheckpoint checkpoint() {
    verifyStore();
    long n = refresh();
    Optional<SignedCheckpoint> latest = latestStored();
    if (latest.isPresent() && latest.get().checkpoint().size() >= n) {
      return latest.get();
    }
    return signAndStore(n);
  }

  /**
   * Checks the store (including a round of re-reading) and signs and stores a checkpoint for
   * the current size when the log holds entries beyond the latest stored checkpoint (from any
   * replica); empty when there is nothing new to sign.
   */
  public synchronized Optional<SignedCheckpoint> checkpointIfGrown() {
    guard();
    long n = tree.size();
    if (n == 0 || n <= latestCheckpointSize()) {
      return Optional.empty();
    }
    return Optional.of(sign(n));
  }

  /** The tree size of the latest stored checkpoint, 0 when there is none. */
  public long latestCheckpointSize() {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(MAX(tree_size), 0) FROM audit_checkpoints");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * Runs every check made before a signing without signing (before an export starts
   * streaming, say).
   *
   * @throws AuditIntegrityException naming the first disagreement
   */
  public synchronized void check() {
    guard();
  }

  /** Checks the store against the anchor, then signs MTH(D[n]) and stores it. */
  synchronized SignedCheckpoint signAndStore(long n) {
    guard();
    return sign(n);
  }

  /**
   * Every check made before a signing: the rows past the cache, no row missing below it, the
   * anchor's row unchanged, checkpoint rows added or removed since the last check, and a
   * bounded round of re-reading entries and checkpoint rows read before.
   */
  private void guard() {
    verifyStore();
    failIfFailed();
    long n = refresh();
    checkNoEntryMissing(n);
    checkAnchorRow();
    checkCheckpointRows();
    rereadEntries();
    recheckCheckpointRows();
  }

  /**
   * Signs MTH(D[n]) once the anchor is proven to be a prefix of it (an RFC 9162 consistency
   * proof from the anchor's size to {@code n}, computed from the checked entries). Replicas
   * share the key and Ed25519 signatures are deterministic, so another replica that stored
   * size {@code n} first stored this very note and the insert is ignored; a different note for
   * the same size is a foreign row.
   */
  private SignedCheckpoint sign(long n) {
    Checkpoint cp = new Checkpoint(origin, n, tree.root(n));
    if (anchor != null) {
      Checkpoint a = anchor.checkpoint();
      if (n < a.size() || a.size() >= 1 && !MerkleTree.verifyConsistency(a.size(), n,
          a.rootHash(), cp.rootHash(), tree.consistencyProof(a.size(), n))) {
        throw fail("the log of " + n + " entries is not consistent with the checkpoint this"
            + " server signed for size " + a.size() + " (root " + a.rootHex() + ")");
      }
    }
    String note = signer.sign(cp);
    String stored = db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints (tree_size,"
          + " root_hash, note, created_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (tree_size) DO NOTHING")) {
        ps.setLong(1, n);
        ps.setString(2, cp.rootHex());
        ps.setString(3, note);
        ps.setLong(4, clock.millis());
        if (ps.executeUpdate() == 1) {
          return note;
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT note FROM audit_checkpoints WHERE tree_size = ?")) {
        ps.setLong(1, n);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : note;
        }
      }
    });
    if (!stored.equals(note)) {
      throw fail("the store already holds a different checkpoint for tree size " + n
          + " than the one this server signs (root " + cp.rootHex() + ", origin " + origin
          + "): a foreign row, a replica with another --trust-domain, or a rewritten store");
    }
    seen.set(Math.toIntExact(n));
    SignedCheckpoint signed = new SignedCheckpoint(cp, note);
    advanceAnchor(signed);
    return signed;
  }

  /**
   * Every stored checkpoint with a size from 1 to {@code maxSize}, smallest first (parsed, not
   * re-verified: readers of an export verify every signature themselves).
   */
  public List<SignedCheckpoint> checkpoints(long maxSize) {
    failIfFailed();
    return db.read(c -> {
      List<SignedCheckpoint> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT note FROM audit_checkpoints"
          + " WHERE tree_size >= 1 AND tree_size <= ? ORDER BY tree_size")) {
        ps.setLong(1, maxSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String note = rs.getString(1);
            out.add(new SignedCheckpoint(parseNote(note), note));
          }
        }
      }
      return out;
    });
  }

  private static Checkpoint parseNote(String note) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("expected a signed note (text, blank line, signatures)");
    }
    return Checkpoint.parse(note.substring(0, split + 1));
  }

  /** The latest stored checkpoint, checked like any other row; empty when there is none. */
  private Optional<SignedCheckpoint> latestStored() {
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
    SignedCheckpoint cp = checkRow(row.get());
    if (row.get().size() <= checkedUpTo) {
      seen.set(Math.toIntExact(row.get().size()));
    }
    return Optional.of(cp);
  }

  /** The leaf hash of entry {@code index}. */
  public byte[] leafHash(long index) {
    refreshTo(index + 1);
    return tree.leaf(index);
  }

  /** PATH(index, D[size]); {@link IllegalArgumentException} names the allowed range. */
  public List<byte[]> inclusionProof(long index, long size) {
    refreshTo(size);
    return tree.inclusionProof(index, size);
  }

  /** PROOF(first, D[second]); {@link IllegalArgumentException} names the allowed range. */
  public List<byte[]> consistencyProof(long first, long second) {
    refreshTo(second);
    return tree.consistencyProof(first, second);
  }

  /** MTH(D[size]). */
  public byte[] root(long size) {
    refreshTo(size);
    return tree.root(size);
  }

  private void refreshTo(long size) {
    failIfFailed();
    if (size > tree.size()) {
      refresh();
    }
  }

  // ---- checks ----

  /** A stored checkpoint row. */
  record Row(long size, String rootHex, String note) {}

  /** The anchor in the checkpoint file, verified with this server's key; empty: no file. */
  private Optional<SignedCheckpoint> readFile() {
    if (file == null) {
      return Optional.empty();
    }
    Optional<String> note;
    try {
      note = file.read();
    } catch (IOException e) {
      throw fail("cannot read the checkpoint file " + file + ": " + e.getMessage());
    }
    if (note.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new SignedCheckpoint(signer.verifierKey().verify(note.get()),
          note.get()));
    } catch (IllegalArgumentException e) {
      throw fail("the checkpoint file " + file + " does not hold a checkpoint signed by this"
          + " server's key " + signer.verifierKey().encoded() + ": " + e.getMessage());
    }
  }

  /** The entries reach {@code cp}'s size, hash to its root, and its row is stored unchanged. */
  private void checkAnchor(SignedCheckpoint cp, String where) {
    Checkpoint c = cp.checkpoint();
    long n = tree.size();
    if (c.size() > n) {
      throw fail("the store holds " + n + " entries but " + where + " signs " + c.size()
          + ": entries from " + n + " on were deleted, or the store was replaced by an older"
          + " copy");
    }
    if (!MessageDigest.isEqual(tree.root(c.size()), c.rootHash())) {
      throw fail("the stored entries 0 to " + (c.size() - 1) + " do not hash to the root that "
          + where + " signs for size " + c.size() + " (" + c.rootHex() + "): an entry was"
          + " rewritten together with its leaf hash, or the store was replaced");
    }
    if (c.size() >= 1 && !MerkleTree.verifyConsistency(c.size(), n, c.rootHash(), tree.root(n),
        tree.consistencyProof(c.size(), n))) {
      throw fail("the stored log of " + n + " entries is not consistent with " + where);
    }
    String stored = storedNote(c.size());
    if (stored == null) {
      throw fail("the checkpoint row for size " + c.size() + ", which " + where + " holds, is"
          + " missing from the store: checkpoint rows were deleted");
    }
    if (!stored.equals(cp.note())) {
      throw fail("the checkpoint row for size " + c.size() + " differs from the one " + where
          + " holds: it was replaced");
    }
  }

  private void checkAnchorRow() {
    if (anchor == null) {
      return;
    }
    long size = anchor.checkpoint().size();
    String stored = storedNote(size);
    if (stored == null) {
      throw fail("the checkpoint row for size " + size + ", which this server signed or"
          + " verified last, is missing from the store: checkpoint rows were deleted");
    }
    if (!stored.equals(anchor.note())) {
      throw fail("the checkpoint row for size " + size + " differs from the one this server"
          + " signed or verified last: it was replaced");
    }
  }

  private String storedNote(long size) {
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

  /** Every entry below {@code n} (all read before) is still stored, and none below 0. */
  private void checkNoEntryMissing(long n) {
    long[] countAndMin = db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_entries"
          + " WHERE seq >= 0 AND seq < ?")) {
        ps.setLong(1, n);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long count = rs.getLong(1);
          try (PreparedStatement min = c.prepareStatement("SELECT MIN(seq) FROM audit_entries");
              ResultSet m = min.executeQuery()) {
            m.next();
            return new long[] {count, m.getLong(1)};
          }
        }
      }
    });
    if (countAndMin[1] < 0) {
      throw fail("the store holds an entry with seq " + countAndMin[1] + ": the log starts at 0,"
          + " so that row was inserted from outside");
    }
    if (countAndMin[0] != n) {
      throw fail("entry " + firstMissing(n) + " is missing from the store: it holds "
          + countAndMin[0] + " of the first " + n + " entries, which this server read before"
          + " (entries were deleted)");
    }
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

  /**
   * Checks the checkpoint rows added since the last check (all of them the first time) and,
   * when the number of rows already checked changed, finds which were removed (a failure) or
   * added late by another replica (checked like new ones). Advances the anchor to the largest
   * row verified.
   */
  private void checkCheckpointRows() {
    if (checkedUpTo >= 0) {
      long count = db.read(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT COUNT(*) FROM audit_checkpoints WHERE tree_size <= ?")) {
          ps.setLong(1, checkedUpTo);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        }
      });
      if (count != seen.cardinality()) {
        recheckRows(0, checkedUpTo, Integer.MAX_VALUE);
      }
    }
    SignedCheckpoint largest = null;
    long from = checkedUpTo + 1;
    while (true) {
      List<Row> rows = rows(from, Long.MAX_VALUE, CHECKPOINT_BATCH);
      for (Row r : rows) {
        largest = checkRow(r);
        seen.set(Math.toIntExact(r.size()));
        checkedUpTo = r.size();
      }
      if (rows.size() < CHECKPOINT_BATCH) {
        break;
      }
      from = checkedUpTo + 1;
    }
    if (largest != null) {
      advanceAnchor(largest);
    }
  }

  /** One round of re-reading entries read before, from where the last round stopped. */
  private void rereadEntries() {
    long n = tree.size();
    if (n == 0) {
      return;
    }
    long from = entryCursor >= n ? 0 : entryCursor;
    long next = db.read(c -> {
      long expected = from;
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, entry, leaf_hash FROM"
          + " audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq LIMIT " + SCRUB_ENTRIES)) {
        ps.setLong(1, from);
        ps.setLong(2, n);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(1) != expected) {
              throw fail("entry " + expected + " is missing from the store (it was read before)");
            }
            sameAsRead(expected, rs.getString(2), rs.getString(3));
            expected++;
          }
        }
      }
      return expected;
    });
    if (next < Math.min(n, from + SCRUB_ENTRIES)) {
      throw fail("entry " + next + " is missing from the store (it was read before)");
    }
    entryCursor = next >= n ? 0 : next;
  }

  /** One round of re-checking checkpoint rows checked before, round robin. */
  private void recheckCheckpointRows() {
    if (checkedUpTo < 0) {
      return;
    }
    long from = checkpointCursor > checkedUpTo ? 0 : checkpointCursor;
    long last = recheckRows(from, checkedUpTo, SCRUB_CHECKPOINTS);
    checkpointCursor = last >= checkedUpTo ? 0 : last + 1;
  }

  /**
   * Re-checks up to {@code limit} rows with sizes in [{@code from}, {@code to}]: each must
   * verify, and every size checked before must still be there. Returns the last size covered.
   */
  private long recheckRows(long from, long to, int limit) {
    BitSet present = new BitSet();
    long start = from;
    int checked = 0;
    boolean more = true;
    long last = from - 1;
    while (more && checked < limit) {
      int want = Math.min(CHECKPOINT_BATCH, limit - checked);
      List<Row> batch = rows(start, to, want);
      for (Row r : batch) {
        checkRow(r);
        present.set(Math.toIntExact(r.size()));
        last = r.size();
      }
      checked += batch.size();
      more = batch.size() == want;
      start = last + 1;
    }
    long covered = more ? last : to;
    if (covered >= from) {
      BitSet gone = seen.get(Math.toIntExact(from), Math.toIntExact(covered) + 1);
      gone.andNot(present.get(Math.toIntExact(from), Math.toIntExact(covered) + 1));
      if (!gone.isEmpty()) {
        throw fail("the checkpoint row for size " + (from + gone.nextSetBit(0)) + ", checked"
            + " before, is missing from the store: checkpoint rows were deleted");
      }
    }
    seen.or(present);
    return covered;
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

  /**
   * A stored checkpoint row is this server's: its note verifies with this server's key and
   * origin, its columns agree with the note, and the entries reach its size and hash to its
   * root.
   */
  private SignedCheckpoint checkRow(Row r) {
    Checkpoint cp = parseRow(r).orElse(null);
    Optional<String> problem = rowProblem(r, cp);
    if (problem.isPresent()) {
      throw fail(problem.get());
    }
    return new SignedCheckpoint(cp, r.note());
  }

  private Optional<Checkpoint> parseRow(Row r) {
    try {
      return Optional.of(signer.verifierKey().verify(r.note()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** What is wrong with row {@code r} whose note verified as {@code cp} (null: it did not). */
  private Optional<String> rowProblem(Row r, Checkpoint cp) {
    if (cp == null) {
      String why;
      try {
        signer.verifierKey().verify(r.note());
        why = "";
      } catch (IllegalArgumentException e) {
        why = e.getMessage();
      }
      return Optional.of("the checkpoint row for size " + r.size() + " is not signed by this"
          + " server's key " + signer.verifierKey().encoded() + " (" + why + "): a foreign row,"
          + " or a replica with another --trust-domain");
    }
    if (cp.size() != r.size() || !cp.rootHex().equals(r.rootHex())) {
      return Optional.of("the checkpoint row for size " + r.size() + " (root " + r.rootHex()
          + ") holds a note for size " + cp.size() + " (root " + cp.rootHex() + "): the row was"
          + " altered");
    }
    if (cp.size() > tree.size()) {
      refresh();
    }
    if (cp.size() > tree.size()) {
      return Optional.of("the store holds a checkpoint for size " + cp.size() + " but only "
          + tree.size() + " entries: entries from " + tree.size() + " on were deleted, or the"
          + " store was replaced by an older copy");
    }
    if (!MessageDigest.isEqual(tree.root(cp.size()), cp.rootHash())) {
      return Optional.of("the checkpoint row for size " + cp.size() + " signs root "
          + cp.rootHex() + " but the stored entries 0 to " + (cp.size() - 1) + " hash to "
          + HexFormat.of().formatHex(tree.root(cp.size())) + ": an entry was rewritten"
          + " together with its leaf hash, or the store was replaced");
    }
    return Optional.empty();
  }

  // ---- for StoreAcceptance: the store judged on its own, without an anchor ----

  /**
   * Checks the stored entries alone (every text against its leaf hash, seq from 0 without a
   * gap) and returns how many there are.
   *
   * @throws AuditIntegrityException when the entries themselves are broken
   */
  synchronized long checkEntries() {
    long n = refresh();
    checkNoEntryMissing(n);
    return n;
  }

  /** The stored checkpoint rows that do not agree with the entries, each with why. */
  synchronized Map<Row, String> disagreeingRows() {
    Map<Row, String> out = new LinkedHashMap<>();
    long from = 0;
    while (true) {
      List<Row> batch = rows(from, Long.MAX_VALUE, CHECKPOINT_BATCH);
      for (Row r : batch) {
        rowProblem(r, parseRow(r).orElse(null)).ifPresent(p -> out.put(r, p));
        from = r.size() + 1;
      }
      if (batch.size() < CHECKPOINT_BATCH) {
        return out;
      }
    }
  }

  /** The leaf hash of {@code text}, which must equal the stored {@code leafHex}. */
  private byte[] checkedLeaf(long seq, String text, String leafHex) {
    byte[] leaf = AuditLog.leafHash(text.getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(leaf);
    if (!hex.equals(leafHex)) {
      throw fail("entry " + seq + " was altered in the store: its text hashes to " + hex
          + " but its stored leaf hash is " + leafHex);
    }
    return leaf;
  }

  /** A stored entry read again still hashes to the leaf this server read for it before. */
  private void sameAsRead(long seq, String text, String leafHex) {
    byte[] leaf = checkedLeaf(seq, text, leafHex);
    if (!MessageDigest.isEqual(leaf, tree.leaf(seq))) {
      throw fail("entry " + seq + " was rewritten in the store together with its leaf hash"
          + " after this server had read it (it read leaf " + HexFormat.of().formatHex(
              tree.leaf(seq)) + ", the store now holds " + leafHex + ")");
    }
  }

  /** Makes {@code cp} the anchor when it is larger, and keeps it in the checkpoint file. */
  private void advanceAnchor(SignedCheckpoint cp) {
    if (anchor != null && cp.checkpoint().size() <= anchor.checkpoint().size()) {
      return;
    }
    anchor = cp;
    if (file == null) {
      return;
    }
    try {
      file.write(cp.note());
      listener.checkpointFile(Optional.empty());
    } catch (IOException e) {
      String problem = "cannot write the audit checkpoint file " + file + ": " + e.getMessage()
          + "; after a restart the store is checked only against the checkpoint in the file";
      LOG.error(problem);
      listener.checkpointFile(Optional.of(problem));
    }
  }

  private void failIfFailed() {
    AuditIntegrityException f = failure;
    if (f != null) {
      throw new AuditIntegrityException(f.detail());
    }
  }

  /** Records the first failure (ERROR log, listener) and returns an exception to throw. */
  private AuditIntegrityException fail(String detail) {
    AuditIntegrityException e = new AuditIntegrityException(detail);
    synchronized (this) {
      if (failure == null) {
        failure = e;
        LOG.error("audit log integrity failure: {}. The server refuses to sign checkpoints and"
            + " to serve the audit log until an operator investigates (docs/audit.md,"
            + " 'When the integrity check fails')", detail);
        listener.integrityFailed(e);
      }
    }
    return e;
  }
}
