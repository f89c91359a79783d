package dev.imprint.server.svid;

import dev.imprint.server.store.Database;
import dev.imprint.server.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an image and its identity still allow credentials, answered from memory and the store:
 * the revocation check of issuance, renewal and validation. It checks state, not a list of
 * issued tokens: an image that is no longer approved or deployed, or an identity that is not
 * active, revokes everything issued for it at once.
 *
 * <p>Entries live at most {@link #TTL}. A change that revokes (a retirement, an identity
 * disabled, enabled or offboarded) clears the cache inside its transaction and again once that
 * transaction has committed; on PostgreSQL it also sends a notification that every replica's
 * listener receives at the commit and that clears its cache. While a replica's listener is not
 * connected, that replica reads the store on every check.
 */
public final class WorkloadStates implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadStates.class);
  /** The longest a cached state is used. */
  public static final Duration TTL = Duration.ofSeconds(5);
  static final String CHANNEL = "imprint_workload_state";

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

  private record Entry(Optional<State> state, long loadedNanos) {}

  private final Database db;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();
  private final ExecutorService afterCommit;
  private final Listener listener;

  public WorkloadStates(Database db) {
    this.db = db;
    this.afterCommit = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "imprint-workload-state");
      t.setDaemon(true);
      return t;
    });
    this.listener = db.dialect() == Dialect.POSTGRESQL ? new Listener() : null;
    if (listener != null) {
      listener.start();
    }
  }

  /** The stored state of {@code digest}, or empty when no such image is registered. */
  public Optional<State> of(String digest) {
    long now = System.nanoTime();
    Entry e = cache.get(digest);
    if (e != null && now - e.loadedNanos() < TTL.toNanos() && cacheable()) {
      return e.state();
    }
    long seen = epoch.get();
    Optional<State> s = db.read(c -> load(c, digest));
    if (epoch.get() == seen && cacheable()) {
      cache.put(digest, new Entry(s, now));
    }
    return s;
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
   * Called inside a transaction that changes an image's or an identity's state: clears the cache
   * now and after the commit, and notifies the other replicas (PostgreSQL) at the commit.
   */
  public void changed(Connection tx) throws SQLException {
    invalidate();
    if (db.dialect() == Dialect.POSTGRESQL) {
      try (Statement st = tx.createStatement()) {
        st.execute("NOTIFY " + CHANNEL);
      }
    }
    // the group commit is FIFO: an empty write returns once the batch holding this change has
    // committed (or rolled back); a state loaded from the store in between is dropped then
    afterCommit.execute(() -> {
      try {
        db.write(c -> null);
      } catch (RuntimeException e) {
        LOG.debug("flush after a state change failed: {}", e.getMessage());
      }
      invalidate();
    });
  }

  /**
   * A number that changes whenever the cached states are forgotten (a state change here, a
   * notification from another replica, the listener reconnecting): a cache of values derived
   * from identities' or images' state keyed to it is as fresh as this one.
   */
  public long epoch() {
    return epoch.get();
  }

  /** Whether a value cached now may be reused (false while a replica's listener is down). */
  public boolean cacheable() {
    return listener == null || listener.connected;
  }

  /** Forgets every cached state. */
  public void invalidate() {
    epoch.incrementAndGet();
    cache.clear();
  }

  @Override
  public void close() {
    afterCommit.shutdown();
    if (listener != null) {
      listener.stop();
    }
  }

  /** Receives the state-change notifications of every replica (PostgreSQL LISTEN). */
  private final class Listener implements Runnable {
    private volatile boolean connected;
    private volatile boolean stopped;
    private final Thread thread = new Thread(this, "imprint-workload-state-listener");

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      stopped = true;
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void run() {
      while (!stopped) {
        try (Connection c = db.dataSource().getConnection()) {
          try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
          }
          org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
          invalidate(); // changes made while not listening
          connected = true;
          while (!stopped) {
            org.postgresql.PGNotification[] n = pg.getNotifications(500);
            if (n != null && n.length > 0) {
              invalidate();
            }
          }
        } catch (SQLException | RuntimeException e) {
          if (!stopped) {
            LOG.warn("workload state listener disconnected ({}); reading the store on every"
                + " check until it reconnects", e.getMessage());
          }
        } finally {
          connected = false;
          invalidate();
        }
        if (!stopped) {
          try {
            TimeUnit.SECONDS.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }
}
