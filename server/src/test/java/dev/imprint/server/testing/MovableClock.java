package dev.imprint.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock a test moves by hand, in UTC. The server's own threads may read it while the test
 * moves it: each read sees the latest move.
 */
public final class MovableClock extends Clock {
  private volatile Instant now;

  /** A clock that stands at {@code start} until moved. */
  public MovableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** A clock that stands at the moment it was made until moved. */
  public MovableClock() {
    this(Instant.now());
  }

  /** Moves the clock forward by {@code d}. */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Sets the clock to {@code t}, earlier or later. */
  public void set(Instant t) {
    now = Objects.requireNonNull(t, "t");
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
