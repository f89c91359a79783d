package dev.imprint.server.svid;

import dev.imprint.server.store.Database;
import dev.imprint.server.store.StateCache;
import dev.imprint.server.store.StateChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether an image and its identity still allow credentials, answered from memory and the store:
 * the revocation check of issuance, renewal and validation, and the image facts of every
 * authorization decision (one cache for both). It checks state, not a list of issued tokens: an
 * image that is no longer approved or deployed, or an identity that is not active, revokes
 * everything issued for it at once.
 *
 * <p>States are cached in a {@link StateCache} under the epoch of {@link StateChanges}: each is
 * used for at most {@link #TTL}, read again behind a caller once past half of it, and read by one
 * caller at a time when missing or expired. A change that revokes (a retirement, an identity
 * disabled, enabled or offboarded) goes through {@link #changed}: forgotten at once here, and on
 * every replica of one PostgreSQL when its notification arrives; while a replica's listener is
 * not connected, that replica reads the store on every check.
 */
public final class WorkloadStates implements AutoCloseable {
  /** The longest a cached state is used. */
  public static final Duration TTL = Duration.ofSeconds(5);
  /** How many images' states are kept at most. */
  static final int MAX = 100_000;

  /** The state of an image and the identity it carries, as stored. */
  public record State(String digest, String imageStatus, String identityId, String spiffeId,
      String identityStatus) {
    /** Whether the image may be issued credentials (approved or deployed). */
    public boolean imageLive() {
      return imageStatus.equals("approved") || imageStatus.equals("deployed");
    }

    /** Whether the identity is active. */
    public boolean identityActive() {
      return identityStatus.equals("active");
    }
  }

  private final StateChanges changes;
  private final boolean ownsChanges;
  private final StateCache<String, Optional<State>> cache;

  /** States of images in {@code db} with an invalidation of their own (tests). */
  public WorkloadStates(Database db) {
    this(db, new StateChanges(db), true, TTL);
  }

  /** States of images in {@code db}, forgotten on every change {@code changes} hears of. */
  public WorkloadStates(Database db, StateChanges changes) {
    this(db, changes, false, TTL);
  }

  WorkloadStates(Database db, StateChanges changes, boolean ownsChanges, Duration ttl) {
    this.changes = changes;
    this.ownsChanges = ownsChanges;
    this.cache = new StateCache<>(db, changes, "imprint-workload-state-refresh", ttl, MAX,
        WorkloadStates::load);
  }

  /** The stored state of {@code digest}, or empty when no such image is registered. */
  public Optional<State> of(String digest) {
    return cache.get(digest);
  }

  /** The state of {@code digest} read in transaction {@code c}, bypassing the cache. */
  public static Optional<State> load(Connection c, String digest) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT m.status, d.id, d.spiffe_id,"
        + " d.status FROM images m JOIN identities d ON d.id = m.identity_id"
        + " WHERE m.digest = ?")) {
      ps.setString(1, digest);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new State(digest, rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4))) : Optional.empty();
      }
    }
  }

  /**
   * Called inside a transaction that changes an image's or an identity's state: see
   * {@link StateChanges#changed}.
   */
  public void changed(Connection tx) throws SQLException {
    changes.changed(tx);
  }

  /** The invalidation these states follow, for caches of values derived from them. */
  public StateChanges changes() {
    return changes;
  }

  /** See {@link StateChanges#epoch()}. */
  public long epoch() {
    return changes.epoch();
  }

  /** See {@link StateChanges#cacheable()}. */
  public boolean cacheable() {
    return changes.cacheable();
  }

  /** Forgets every cached state (here and in every cache following the same changes). */
  public void invalidate() {
    changes.invalidate();
  }

  /** How many times the store was read for a state (tests). */
  long loads() {
    return cache.loads();
  }

  @Override
  public void close() {
    cache.close();
    if (ownsChanges) {
      changes.close();
    }
  }
}
