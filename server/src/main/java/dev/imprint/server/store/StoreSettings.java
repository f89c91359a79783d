package dev.imprint.server.store;

import java.time.Duration;

/**
 * How long the store may keep a request waiting, and how many requests may wait for it at once.
 * Every wait of a PostgreSQL store follows from {@link #timeout()}: connecting and logging in,
 * waiting for a pooled connection (the timeout), a write waiting for its turn (twice it), the
 * session's
 * {@code idle_in_transaction_session_timeout} (the timeout), {@code lock_timeout} (twice it, so
 * a waiter outlives a dead holder's session), the socket's read timeout (three times it) and the
 * server's TCP keepalives (a probe after the timeout of silence, {@value #KEEPALIVE_PROBES} of
 * them that many seconds apart, and {@code tcp_user_timeout} equal to the socket timeout).
 * The JDBC URL's own {@code connectTimeout}, {@code loginTimeout}, {@code socketTimeout},
 * {@code tcpKeepAlive} and {@code options=-c name=value} settings take precedence.
 */
public record StoreSettings(Duration timeout, int maxWaiters) {
  /** The shortest timeout accepted: below it a healthy store under load would time out. */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(500);
  /** Five seconds, and at most 100 requests waiting for the store. */
  public static final StoreSettings DEFAULTS = new StoreSettings(Duration.ofSeconds(5), 100);

  public StoreSettings {
    if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("expected a store timeout from "
          + MIN_TIMEOUT.toMillis() + "ms to 10m, got "
          + (timeout == null ? "none" : timeout.toMillis() + "ms"));
    }
    if (maxWaiters < 1 || maxWaiters > 10_000) {
      throw new IllegalArgumentException("expected from 1 to 10000 requests waiting for the"
          + " store, got " + maxWaiters);
    }
  }

  /**
   * How long a write waits for its turn at the group-commit writer: twice the timeout, so that a
   * batch waiting for a lock that a stalled replica holds (until the server ends that replica's
   * idle transaction, after the timeout) does not fail the writes queued behind it. While the
   * store is known to be down, writes fail at once instead.
   */
  Duration turnTimeout() {
    return timeout.multipliedBy(2);
  }

  /** How long a PostgreSQL session may sit idle inside a transaction before the server ends it. */
  Duration idleInTransaction() {
    return timeout;
  }

  /** How many unanswered keepalive probes make PostgreSQL drop a client's connection. */
  static final int KEEPALIVE_PROBES = 3;

  /**
   * Seconds of silence (whole, at least one) before PostgreSQL probes a client's connection, and
   * between two probes: a vanished writer's session ends after at most four times the timeout
   * even when it was not idle in a transaction.
   */
  Duration keepaliveIdle() {
    return Duration.ofSeconds(Math.max(1, (timeout.toMillis() + 999) / 1000));
  }

  /** How long a statement waits for a lock (the writers' lock included) before it fails. */
  Duration lockTimeout() {
    return timeout.multipliedBy(2);
  }

  /** How long the driver waits for any answer from PostgreSQL before it drops the connection. */
  Duration socketTimeout() {
    return timeout.multipliedBy(3);
  }

  /**
   * How long a caller waits for its write at most: its turn, then the batch's statements and
   * commit (each bounded by the socket timeout), then finding out whether a failed commit
   * landed. Only a writer stuck beyond every bound reaches it.
   */
  Duration maxWriteWait() {
    return turnTimeout().plus(socketTimeout().multipliedBy(2)).plus(timeout.multipliedBy(2));
  }

  /** Seconds a client should wait before retrying a request the store could not serve. */
  int retryAfterSeconds() {
    return (int) Math.max(1, Math.min(30, timeout.toSeconds()));
  }
}
