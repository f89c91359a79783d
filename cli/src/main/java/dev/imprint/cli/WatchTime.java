package dev.imprint.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * The time {@code svid fetch --watch} reads and waits on: the system's clock and a sleep, or a
 * test's time that moves when the watch would sleep, so a test need not wait for a renewal.
 */
interface WatchTime {
  /** The system's UTC clock; a wait sleeps for the time left. */
  WatchTime SYSTEM = new WatchTime() {
    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public void sleepUntil(Instant t) throws InterruptedException {
      long ms = Duration.between(now(), t).toMillis();
      if (ms > 0) {
        Thread.sleep(ms);
      }
    }
  };

  /** The current instant. */
  Instant now();

  /** Returns once {@link #now()} has reached {@code t}. */
  void sleepUntil(Instant t) throws InterruptedException;
}
