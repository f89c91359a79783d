package dev.imprint.server.store;

import com.zaxxer.hikari.HikariPoolMXBean;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Two daemon threads: one asks the store whether it answers about once a second (four times a
 * second while it does not), each time within the store timeout, and keeps the answer in
 * {@link StoreHealth}; the other refreshes the {@link Database#sampled} gauge values every two
 * seconds while the store answers. When the store answers again after an outage, the pool's
 * connections (all from before it) are replaced.
 */
final class StoreProbe implements AutoCloseable {
  static final long UP_INTERVAL_MILLIS = 1000;
  static final long DOWN_INTERVAL_MILLIS = 250;
  static final long SAMPLE_INTERVAL_MILLIS = 2000;

  /** How to ask the store whether it answers. */
  interface Probe {
    /** Asks once; throws when the store does not answer. */
    void run() throws Exception;

    /** Drops whatever a probe that did not answer in time is stuck on. */
    default void abort() {}
  }

  private final Probe probe;
  private final StoreHealth health;
  private final StoreSettings settings;
  private final Supplier<HikariPoolMXBean> pool;
  private final List<Database.Sampled> samples;
  private final javax.sql.DataSource connections;
  private final int poolSize;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r,
      "imprint-store-probe-query"));
  private final Thread prober;
  private final Thread sampler;
  private volatile boolean closed;

  private StoreProbe(Probe probe, StoreHealth health, StoreSettings settings,
      com.zaxxer.hikari.HikariDataSource pool, List<Database.Sampled> samples) {
    this.connections = pool;
    this.poolSize = pool.getMaximumPoolSize();
    this.pool = pool::getHikariPoolMXBean;
    this.probe = probe;
    this.health = health;
    this.settings = settings;
    this.samples = samples;
    this.prober = daemon(this::probeLoop, "imprint-store-probe");
    this.sampler = daemon(this::sampleLoop, "imprint-store-gauges");
  }

  static StoreProbe start(Probe probe, StoreHealth health, StoreSettings settings,
      com.zaxxer.hikari.HikariDataSource pool, List<Database.Sampled> samples) {
    StoreProbe p = new StoreProbe(probe, health, settings, pool, samples);
    p.prober.start();
    p.sampler.start();
    return p;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Probes now instead of at the next interval (the writer just lost its connection). */
  void wake() {
    LockSupport.unpark(prober);
  }

  /** Refreshes the sampled values now (a gauge was just added). */
  void sampleSoon() {
    LockSupport.unpark(sampler);
  }

  private void probeLoop() {
    warm();
    while (!closed) {
      probeOnce();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(health.up() ? UP_INTERVAL_MILLIS
          : DOWN_INTERVAL_MILLIS));
    }
  }

  /** One probe within the store timeout; a probe that does not finish in time is a failure. */
  void probeOnce() {
    boolean wasUp = health.up();
    Future<Void> f = worker.submit(() -> {
      probe.run();
      return null;
    });
    try {
      f.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
      health.ok();
      if (!wasUp) {
        // every pooled connection is from before the outage: replace them rather than let
        // requests find out one by one
        HikariPoolMXBean bean = pool.get();
        if (bean != null) {
          bean.softEvictConnections();
        }
        warm();
      }
    } catch (ExecutionException e) {
      health.down(Database.oneLine(e.getCause() == null ? e : e.getCause()));
    } catch (TimeoutException e) {
      f.cancel(true);
      health.down("no answer to a probe within " + settings.timeout().toMillis() + " ms");
      probe.abort();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      health.down(Database.oneLine(e));
    }
  }

  /**
   * Opens the pool's connections ahead of the requests that need them (the pool keeps no idle
   * minimum, so that an outage leaves no back-off behind): one at a time, held until all are
   * open, then returned. Harmless when it fails: requests open what they need.
   */
  private void warm() {
    List<java.sql.Connection> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < poolSize && !closed; i++) {
        held.add(connections.getConnection());
      }
    } catch (java.sql.SQLException | RuntimeException e) {
      // the probe says whether the store answers; requests open connections as they need them
    } finally {
      for (java.sql.Connection c : held) {
        try {
          c.close();
        } catch (java.sql.SQLException ignored) {
          // a broken connection; the pool drops it
        }
      }
    }
  }

  private void sampleLoop() {
    while (!closed) {
      if (health.up()) {
        for (Database.Sampled s : samples) {
          s.refresh();
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SAMPLE_INTERVAL_MILLIS));
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(prober);
    LockSupport.unpark(sampler);
    worker.shutdownNow();
    probe.abort();
  }
}
