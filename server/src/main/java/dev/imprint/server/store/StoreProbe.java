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
 * {@link StoreHealth} (an error marks the store down at once, a probe without an answer in time
 * only when the one before had none either); the other refreshes the {@link Database#sampled} gauge values every two
 * seconds while the store answers. While the store is down the pool keeps no idle minimum; when
 * it answers again, the pool's connections (all from before the outage) are replaced.
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
  private final com.zaxxer.hikari.HikariDataSource connections;
  private final int poolSize;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r,
      "imprint-store-probe-query"));
  private final Thread prober;
  private final Thread sampler;
  private volatile boolean closed;
  /** Probes in a row that did not answer in time (probe thread only). */
  private int slowInARow;

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
      slowInARow = 0;
      health.ok();
      if (!wasUp) {
        // every pooled connection is from before the outage: replace them now (the pool fills
        // itself again to its idle minimum, with a creator that starts without a back-off)
        // rather than let requests find out one by one
        idleMinimum(poolSize);
        HikariPoolMXBean bean = pool.get();
        if (bean != null) {
          bean.softEvictConnections();
        }
      }
    } catch (ExecutionException e) {
      slowInARow = 0;
      down(Database.oneLine(e.getCause() == null ? e : e.getCause()));
    } catch (TimeoutException e) {
      // a probe that is merely slow (a starved CPU, a cold connection) must not fail every
      // request: only a second one in a row marks the store down (and drops the connection it
      // is stuck on); an error does at once
      if (++slowInARow >= 2) {
        f.cancel(true);
        probe.abort();
        down("no answer to two probes in a row within " + settings.timeout().toMillis()
            + " ms each");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      down(Database.oneLine(e));
    }
  }

  private void down(String why) {
    if (health.down(why)) {
      idleMinimum(0);
    }
  }

  /**
   * Sets the pool's idle minimum: none while the store is down, so that the pool does not keep
   * trying to open connections with a back-off that grows to 5 s and would delay the first one
   * after the store is back (while it is down requests fail at once and ask the pool for none);
   * the full pool again once it answers.
   */
  private void idleMinimum(int n) {
    try {
      connections.getHikariConfigMXBean().setMinimumIdle(n);
    } catch (RuntimeException e) {
      // the pool is closing
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
