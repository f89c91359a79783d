package dev.imprint.server.audit;

import dev.imprint.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The audit log's read side: entries by range, signed checkpoints, and inclusion and
 * consistency proofs. The store is the truth; the in-memory {@link MerkleTree} is a cache that
 * is extended with the rows beyond it before each answer, so replicas on one PostgreSQL agree.
 */
public final class AuditService {
  /** One stored entry. */
  public record Entry(long seq, long loggedAt, String entry, String leafHash) {}

  /** A signed checkpoint and the note that carries it. */
  public record SignedCheckpoint(Checkpoint checkpoint, String note) {}

  private static final int REFRESH_BATCH = 10_000;

  private final Database db;
  private final String origin;
  private final CheckpointSigner signer;
  private final Clock clock;
  private final MerkleTree tree = new MerkleTree();

  public AuditService(Database db, String trustDomain, KeyEncryptionKey kek, Clock clock) {
    this.db = db;
    this.origin = trustDomain + "/imprint-audit";
    this.clock = clock;
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

  /** The number of entries in the store (reads rows beyond the cache). */
  public long size() {
    return refresh();
  }

  /** The number of entries already in the in-memory tree (for metrics; no store access). */
  public long cachedSize() {
    return tree.size();
  }

  /** Extends the cache with the rows past it, in seq order, and returns the new size. */
  synchronized long refresh() {
    while (true) {
      long from = tree.size();
      int added = db.read(c -> {
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, leaf_hash FROM audit_entries"
            + " WHERE seq >= ? ORDER BY seq LIMIT " + REFRESH_BATCH)) {
          ps.setLong(1, from);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (rs.getLong(1) != from + n) {
                throw new IllegalStateException("the audit log has a gap: expected seq "
                    + (from + n) + ", found " + rs.getLong(1));
              }
              tree.append(HexFormat.of().parseHex(rs.getString(2)));
              n++;
            }
          }
        }
        return n;
      });
      if (added < REFRESH_BATCH) {
        return tree.size();
      }
    }
  }

  /** Entries with {@code start <= seq < end}, in order. */
  public List<Entry> entries(long start, long end) {
    return db.read(c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, logged_at, entry, leaf_hash"
          + " FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq")) {
        ps.setLong(1, start);
        ps.setLong(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      return out;
    });
  }

  /**
   * The signed checkpoint for the current size: the stored one when it is current, else a new
   * one, signed and stored (an identical one from another replica wins quietly).
   */
  public SignedCheckpoint checkpoint() {
    long n = refresh();
    Optional<SignedCheckpoint> latest = latestStored();
    if (latest.isPresent() && latest.get().checkpoint().size() >= n) {
      return latest.get();
    }
    return signAndStore(n);
  }

  /**
   * Signs and stores a checkpoint for the current size when the log holds entries beyond the
   * latest stored checkpoint (from any replica); empty when there is nothing new to sign.
   */
  public Optional<SignedCheckpoint> checkpointIfGrown() {
    long n = refresh();
    if (n == 0 || n <= latestCheckpointSize()) {
      return Optional.empty();
    }
    return Optional.of(signAndStore(n));
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
   * Signs MTH(D[n]) and stores it. Replicas share the key and Ed25519 signatures are
   * deterministic, so another replica that stored size {@code n} first stored this very note
   * and the insert is ignored; a different note for the same size means the replicas disagree
   * about the log (a different trust domain, or a rewritten store) and is refused loudly.
   */
  SignedCheckpoint signAndStore(long n) {
    Checkpoint cp = new Checkpoint(origin, n, tree.root(n));
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
      throw new IllegalStateException("the store already holds a different checkpoint for tree"
          + " size " + n + " (this server signs root " + cp.rootHex() + " for origin " + origin
          + "): replicas disagree about the audit log; check that they share one"
          + " --trust-domain and that the store was not rewritten");
    }
    return new SignedCheckpoint(cp, note);
  }

  /**
   * Every stored checkpoint with a size from 1 to {@code maxSize}, smallest first (parsed, not
   * re-verified: readers of an export verify every signature themselves).
   */
  public List<SignedCheckpoint> checkpoints(long maxSize) {
    return db.read(c -> {
      List<SignedCheckpoint> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT note FROM audit_checkpoints"
          + " WHERE tree_size >= 1 AND tree_size <= ? ORDER BY tree_size")) {
        ps.setLong(1, maxSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String note = rs.getString(1);
            out.add(new SignedCheckpoint(Checkpoint.parse(note.substring(0,
                note.lastIndexOf("\n\n") + 1)), note));
          }
        }
      }
      return out;
    });
  }

  private Optional<SignedCheckpoint> latestStored() {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT note FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1");
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<SignedCheckpoint>empty();
        }
        String note = rs.getString(1);
        return Optional.of(new SignedCheckpoint(signer.verifierKey().verify(note), note));
      }
    });
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
    if (size > tree.size()) {
      refresh();
    }
  }
}
