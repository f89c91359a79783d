package dev.imprint.server.store;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store answers, as the health probe last saw it (and any commit since): kept in
 * memory so that readiness, health and metrics never wait for the store, and so that requests
 * fail at once while it is down instead of each waiting out a timeout. A transition is logged
 * once.
 */
final class StoreHealth {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private volatile boolean up = true;
  private volatile String cause = "";
  private volatile long downSince;
  private volatile long lastOk = System.nanoTime();

  /** True while the store is taken to answer. */
  boolean up() {
    return up;
  }

  /** Why the store is taken to be down (no secret: built from driver messages, redacted). */
  Optional<String> failure() {
    return up ? Optional.empty() : Optional.of(cause);
  }

  /** When the store last answered (System.nanoTime). */
  long lastOk() {
    return lastOk;
  }

  void ok() {
    lastOk = System.nanoTime();
    if (!up) {
      synchronized (this) {
        if (!up) {
          up = true;
          LOG.info("the store answers again after {} ms", (lastOk - downSince) / 1_000_000);
        }
      }
    }
  }

  /** Marks the store down; returns true when it was up (the caller then resets connections). */
  boolean down(String why) {
    if (up) {
      synchronized (this) {
        if (up) {
          cause = why;
          downSince = System.nanoTime();
          up = false;
          LOG.warn("the store is unavailable: {}; requests that need it fail at once with 503"
              + " store.unavailable until it answers again", why);
          return true;
        }
      }
    }
    return false;
  }
}
