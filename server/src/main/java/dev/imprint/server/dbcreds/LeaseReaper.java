package dev.imprint.server.dbcreds;

import dev.imprint.server.store.Database;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link LeaseService#reap} on a schedule (first at start, which reaps what a previous run
 * left) and at once when a lifecycle change revokes leases, after that change has committed.
 */
public final class LeaseReaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
  /** How often the reaper sweeps. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private final Database db;
  private final LeaseService leases;
  private final ScheduledExecutorService timer;

  public LeaseReaper(Database db, LeaseService leases, Duration interval) {
    this.db = db;
    this.leases = leases;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-db-reaper");
      t.setDaemon(true);
      return t;
    });
    if (!interval.isZero()) {
      timer.scheduleWithFixedDelay(this::sweep, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Sweeps as soon as the write being committed now has committed: an empty write returns only
   * once everything queued before it is durable (the group commit is FIFO), so a revocation made
   * in a lifecycle transaction is visible to the sweep.
   */
  public void wake() {
    try {
      timer.execute(() -> {
        try {
          db.write(c -> null);
        } catch (RuntimeException e) {
          LOG.warn("reaper: the store did not answer before a sweep: {}", e.toString());
        }
        sweep();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the next start's first sweep reaps what is left
    }
  }

  private void sweep() {
    try {
      int n = leases.reap();
      if (n > 0) {
        LOG.info("reaper: dropped {} database login(s)", n);
      }
    } catch (RuntimeException e) {
      LOG.warn("reaper: sweep failed, will retry: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
