package dev.imprint.server.testing;

import dev.imprint.server.store.Database;
import java.util.concurrent.TimeUnit;

/** Waits on the group-commit writer's counters, so tests arrange batches without sleeps. */
public final class WriterStats {
  private WriterStats() {}

  /** Waits until exactly {@code n} units wait for the writer (fails after 30 s). */
  public static void awaitQueued(Database db, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (db.writeStats().queued() != n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("expected " + n + " queued units, have "
            + db.writeStats().queued());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
