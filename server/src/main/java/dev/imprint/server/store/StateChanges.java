package dev.imprint.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one invalidation that every cache of state read from the store follows (image and
 * identity states, the facts of the decision point, authenticated API tokens): an epoch that
 * moves whenever such state changes, here or on another replica.
 *
 * <p>A change ({@link #changed}, inside its transaction) moves the epoch at once, makes nothing
 * cacheable until its transaction has committed or rolled back, and moves the epoch again then;
 * on PostgreSQL it also sends a notification at the commit that every replica's listener
 * receives and that moves its epoch. While a replica's listener is not connected nothing is
 * cacheable there, so it reads the store on every check. A value cached with the epoch read
 * before the store was, and used only while the epoch is unchanged and {@link #cacheable()}, is
 * therefore never older than the last change this replica has heard of.
 */
public final class StateChanges implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateChanges.class);
  static final String CHANNEL = "imprint_workload_state";

  private final Database db;
  private final AtomicLong epoch = new AtomicLong();
  /** Changes whose transaction is not known to be decided yet (nothing is cacheable). */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Runnable> onInvalidate = new CopyOnWriteArrayList<>();
  private final ExecutorService afterCommit;
  private final Listener listener;

  public StateChanges(Database db) {
    this.db = db;
    this.afterCommit = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "imprint-state-changes");
      t.setDaemon(true);
      return t;
    });
    this.listener = db.dialect() == Dialect.POSTGRESQL ? new Listener() : null;
    if (listener != null) {
      listener.start();
    }
  }

  /**
   * Called inside a transaction that changes cached state (an image retired, an identity
   * disabled, enabled or offboarded, a token revoked): forgets everything cached now, caches
   * nothing until the transaction is decided, and notifies the other replicas (PostgreSQL) at
   * its commit.
   */
  public void changed(Connection tx) throws SQLException {
    inFlight.incrementAndGet();
    invalidate();
    try {
      if (listener != null) {
        try (Statement st = tx.createStatement()) {
          st.execute("NOTIFY " + CHANNEL);
        }
      }
      // the group commit is FIFO: an empty write returns once the batch holding this change
      // has committed (or rolled back); what was read from the store in between is dropped
      afterCommit.execute(() -> {
        try {
          db.write(c -> null);
        } catch (RuntimeException e) {
          LOG.debug("flush after a state change failed: {}", e.getMessage());
        } finally {
          invalidate();
          inFlight.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      invalidate(); // closed: the count stays raised, so nothing is cached any more
    } catch (SQLException | RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
  }

  /**
   * A number that changes whenever cached state must be forgotten (a change here, a
   * notification from another replica, the listener reconnecting).
   */
  public long epoch() {
    return epoch.get();
  }

  /**
   * Whether a value read now may be cached and a cached one used: false while a change here is
   * not yet decided, and while this replica's listener is down.
   */
  public boolean cacheable() {
    return inFlight.get() == 0 && (listener == null || listener.connected);
  }

  /** Moves the epoch and runs every {@link #onInvalidate} action (which empty the caches). */
  public void invalidate() {
    epoch.incrementAndGet();
    onInvalidate.forEach(Runnable::run);
  }

  /** Runs {@code action} (a cache's clear) on every invalidation, to free what is forgotten. */
  public void onInvalidate(Runnable action) {
    onInvalidate.add(action);
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
            LOG.warn("state change listener disconnected ({}); reading the store on every"
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
