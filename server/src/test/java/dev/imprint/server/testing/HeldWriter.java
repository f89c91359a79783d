package dev.imprint.server.testing;

import dev.imprint.server.store.Database;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Holds a store's group-commit writer inside one unit of work, so that the units a test queues
 * meanwhile wait behind it in a known order and commit together, as one batch, once it is
 * released: how tests arrange a batch without sleeps.
 */
public final class HeldWriter implements AutoCloseable {
  private final Database db;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final CountDownLatch inside = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Future<?> holder;
  private int queued;

  private HeldWriter(Database db, Database.Work<?> held) {
    this.db = db;
    this.holder = pool.submit(() -> db.write(c -> {
      inside.countDown();
      await(release);
      return held.run(c);
    }));
    await(inside);
  }

  /**
   * Holds {@code db}'s writer in a unit that runs {@code held} once released; returns when the
   * writer is inside it.
   */
  public static HeldWriter hold(Database db, Database.Work<?> held) {
    return new HeldWriter(db, held);
  }

  /** Submits {@code unit} and returns once it waits for the writer, behind those queued before. */
  public Future<?> queue(Database.Work<?> unit) {
    Future<?> f = pool.submit(() -> db.write(unit));
    WriterStats.awaitQueued(db, ++queued);
    return f;
  }

  /** Lets the held unit run and commit; the queued units then commit as one batch. */
  public void release() throws Exception {
    release.countDown();
    holder.get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    release.countDown();
    pool.shutdown();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the latch was not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
