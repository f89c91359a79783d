package dev.imprint.server.audit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the stored audit log and signs and stores a checkpoint whenever it has grown: every
 * interval on one daemon thread (the check runs even when nothing is new, so tampering with an
 * idle log shows on {@code /readyz} within an interval), and once more when the server stops
 * ({@link #close()}), so every stretch of the log gets a signed tree head without anyone asking
 * for one.
 */
public final class CheckpointSchedule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSchedule.class);

  private final AuditService audit;
  private final Duration interval;
  private final ScheduledExecutorService timer;
  private final AtomicLong rounds = new AtomicLong();
  private boolean failing;

  private CheckpointSchedule(AuditService audit, Duration interval) {
    this.audit = audit;
    this.interval = interval;
    this.timer = interval.isZero() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-audit-checkpoints");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts signing every {@code interval} (first after one interval); {@link Duration#ZERO}
   * starts no thread and signs only at {@link #close()}.
   */
  public static CheckpointSchedule start(AuditService audit, Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("expected a checkpoint interval of 0 or more, got "
          + interval);
    }
    CheckpointSchedule s = new CheckpointSchedule(audit, interval);
    if (s.timer != null) {
      long ms = interval.toMillis();
      s.timer.scheduleWithFixedDelay(s::round, ms, ms, TimeUnit.MILLISECONDS);
    }
    return s;
  }

  /** Rounds the timer has run, failed ones included (tests). */
  long rounds() {
    return rounds.get();
  }

  /**
   * One periodic round. It must not throw: an exception would cancel every later round, so a
   * failure (the store unreachable for a while) is logged and the next round tries again.
   */
  private void round() {
    try {
      audit.checkpointIfGrown().ifPresent(cp -> LOG.debug("audit checkpoint signed for {}"
          + " entries", cp.checkpoint().size()));
      if (failing) {
        failing = false;
        LOG.info("audit checkpoints are signed again");
      }
    } catch (AuditIntegrityException e) {
      // the service logged it as an ERROR when it found it; it holds until an operator acts
      LOG.debug("audit checkpoint not signed: integrity failure: {}", e.detail());
      failing = true;
    } catch (RuntimeException | LinkageError | AssertionError e) {
      if (!failing) {
        LOG.warn("audit checkpoint not signed; retrying every {} ms", interval.toMillis(), e);
      } else {
        LOG.warn("audit checkpoint still not signed: {}", e.toString());
      }
      failing = true;
    } finally {
      rounds.incrementAndGet();
    }
  }

  /**
   * Stops the timer, waits for a round in progress, then signs a checkpoint for the log as it
   * is now when it has grown. The caller lets in-flight writes commit first; a failure is
   * logged, not thrown, so the store can still be closed.
   */
  @Override
  public void close() {
    if (timer != null) {
      timer.shutdown();
      try {
        if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("the audit checkpoint round did not finish within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Optional<AuditService.SignedCheckpoint> cp = audit.checkpointIfGrown();
      cp.ifPresent(c -> LOG.info("audit checkpoint signed at shutdown for {} entries",
          c.checkpoint().size()));
    } catch (AuditIntegrityException e) {
      LOG.error("audit checkpoint not signed at shutdown: the store failed the integrity check:"
          + " {}", e.detail());
    } catch (RuntimeException e) {
      LOG.warn("audit checkpoint not signed at shutdown; the entries after the last stored"
          + " checkpoint are signed by the next server that runs on this store", e);
    }
  }
}
