package dev.imprint.server.audit;

import dev.imprint.server.store.Database;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
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

  private final Database db;
  private final String origin;
  private final CheckpointSigner signer;
  private final Clock clock;
  private final CheckpointFile file;
  private final IntegrityListener listener;
  // guarded by this
  private final StoredEntries entries;
  private final StoredCheckpoints checkpoints;
  private SignedCheckpoint anchor;
  private volatile boolean loaded;
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
    this.entries = new StoredEntries(db, this::fail);
    this.checkpoints = new StoredCheckpoints(db, signer.verifierKey(), entries, this::fail);
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
    long n = entries.refresh();
    fromFile.ifPresent(this::checkFileAnchor);
    checkpoints.checkNew().ifPresent(this::advanceAnchor);
    if (fromFile.isEmpty() && anchor != null && file != null) {
      LOG.warn("no audit checkpoint file at {}: adopted the store's latest checkpoint (size {})"
          + " after checking every stored entry and checkpoint against it; from now on the"
          + " store must stay consistent with it", file, anchor.checkpoint().size());
    }
    loaded = true;
    LOG.info("audit log checked: {} entries and {} checkpoints in {} ms", n,
        checkpoints.checked(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** The number of entries in the store (reads and checks rows beyond the cache). */
  public long size() {
    return refresh();
  }

  /** The number of entries already in the in-memory tree (for metrics; no store access). */
  public long cachedSize() {
    return entries.tree().size();
  }

  /**
   * For metrics: {@link #size()} once the store was checked at start, the entries checked so
   * far while that check runs (a scrape never waits for it).
   */
  public long sizeForMetrics() {
    return loaded ? size() : cachedSize();
  }

  /** Extends the cache with the rows past it, each checked, and returns the new size. */
  synchronized long refresh() {
    failIfFailed();
    return entries.refresh();
  }

  /**
   * Entries with {@code start <= seq < end} ({@code end} at most {@link #size()}), in order,
   * each checked against the leaf this server read for it before.
   */
  public List<Entry> entries(long start, long end) {
    failIfFailed();
    List<Entry> out = entries.read(start, end);
    synchronized (this) {
      entries.checkRead(out, start, end);
    }
    return out;
  }

  /**
   * The signed checkpoint for the current size: the stored one when it is current (checked, and
   * then this server's anchor: another replica may have signed it), else a new one, signed and
   * stored after the store was checked (an identical one from another replica wins quietly).
   */
  public synchronized SignedCheckpoint checkpoint() {
    verifyStore();
    long n = refresh();
    Optional<SignedCheckpoint> latest = checkpoints.latest();
    if (latest.isPresent() && latest.get().checkpoint().size() >= n) {
      advanceAnchor(latest.get());
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
    long n = cachedSize();
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

  /**
   * Checks the store against the anchor, then signs MTH(D[m]) for m the larger of {@code n} and
   * the entries the check read, and stores it; or, when the check found a checkpoint larger
   * still (another replica appended and signed after the entries were read), returns that one
   * (checked, and now this server's anchor).
   * {@code n} is read before the check: a larger checkpoint signed meanwhile by another replica
   * would otherwise make the smaller {@code n} look like a log that shrank, a false integrity
   * failure that stops this server signing and serving the log.
   */
  synchronized SignedCheckpoint signAndStore(long n) {
    guard();
    long size = Math.max(n, cachedSize());
    if (anchor != null && anchor.checkpoint().size() > size) {
      return anchor;
    }
    return sign(size);
  }

  /**
   * Every check made before a signing: the rows past the cache, no row missing below it, the
   * anchor's row unchanged, checkpoint rows added or removed since the last check, and a
   * bounded round of re-reading entries and checkpoint rows read before.
   */
  private void guard() {
    verifyStore();
    failIfFailed();
    entries.refresh();
    entries.checkNoneMissing();
    checkAnchorRow();
    checkpoints.checkNew().ifPresent(this::advanceAnchor);
    entries.reread();
    checkpoints.recheck();
  }

  /**
   * Signs MTH(D[n]) once the anchor is proven to be a prefix of it (an RFC 9162 consistency
   * proof from the anchor's size to {@code n}, computed from the checked entries). Replicas
   * share the key and Ed25519 signatures are deterministic, so another replica that stored
   * size {@code n} first stored this very note and the insert is ignored; a different note for
   * the same size is a foreign row.
   */
  private SignedCheckpoint sign(long n) {
    MerkleTree tree = entries.tree();
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
    checkpoints.stored(n);
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

  /** The leaf hash of entry {@code index}. */
  public byte[] leafHash(long index) {
    refreshTo(index + 1);
    return entries.tree().leaf(index);
  }

  /** PATH(index, D[size]); {@link IllegalArgumentException} names the allowed range. */
  public List<byte[]> inclusionProof(long index, long size) {
    refreshTo(size);
    return entries.tree().inclusionProof(index, size);
  }

  /** PROOF(first, D[second]); {@link IllegalArgumentException} names the allowed range. */
  public List<byte[]> consistencyProof(long first, long second) {
    refreshTo(second);
    return entries.tree().consistencyProof(first, second);
  }

  /** MTH(D[size]). */
  public byte[] root(long size) {
    refreshTo(size);
    return entries.tree().root(size);
  }

  private void refreshTo(long size) {
    failIfFailed();
    if (size > cachedSize()) {
      refresh();
    }
  }

  // ---- the anchor ----

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

  /**
   * The entries reach the file's checkpoint, hash to its root and extend it (a consistency
   * proof), and its row is stored unchanged; then it is the anchor.
   */
  private void checkFileAnchor(SignedCheckpoint cp) {
    Checkpoint c = cp.checkpoint();
    MerkleTree tree = entries.tree();
    long n = tree.size();
    String where = "the checkpoint file " + file;
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
    anchor = cp;
    checkAnchorRow();
  }

  /** The anchor's row is still stored, unchanged. */
  private void checkAnchorRow() {
    if (anchor == null) {
      return;
    }
    long size = anchor.checkpoint().size();
    String stored = checkpoints.note(size);
    if (stored == null) {
      throw fail("the checkpoint row for size " + size + ", which this server signed or"
          + " verified last, is missing from the store: checkpoint rows were deleted");
    }
    if (!stored.equals(anchor.note())) {
      throw fail("the checkpoint row for size " + size + " differs from the one this server"
          + " signed or verified last: it was replaced");
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

  // ---- for StoreAcceptance: the store judged on its own, without an anchor ----

  /**
   * Checks the stored entries alone (every text against its leaf hash, seq from 0 without a
   * gap) and returns how many there are.
   *
   * @throws AuditIntegrityException when the entries themselves are broken
   */
  synchronized long checkEntries() {
    long n = refresh();
    entries.checkNoneMissing();
    return n;
  }

  /** The stored checkpoint rows that do not agree with the entries, each with why. */
  synchronized Map<StoredCheckpoints.Row, String> disagreeingRows() {
    return checkpoints.disagreeing();
  }

  // ---- failures ----

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
