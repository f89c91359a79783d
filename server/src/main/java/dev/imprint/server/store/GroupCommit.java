package dev.imprint.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * One writer thread that drains waiting units of work into a single transaction, each in its
 * own savepoint, and commits once: callers are answered only after the commit, and a burst of
 * writers costs one fsync instead of one each.
 */
public final class GroupCommit implements AutoCloseable {
  /** Counters since start. */
  public record Stats(long commits, long units) {}

  static final int MAX_BATCH = 512;

  private final DataSource pool;
  private final Dialect dialect;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong units = new AtomicLong();
  private volatile boolean closed;
  /** The connection whose open transaction holds the writers' lock (writer thread only). */
  private volatile Connection locked;
  /**
   * Changes whenever what the writer's open transaction holds may differ from what a unit saw
   * before: a new transaction, or a unit rolled back to its savepoint (writer thread only).
   */
  private volatile long generation;
  /** Values units derived from the store in generation {@link #memoGeneration} (writer only). */
  private final Map<String, Long> memo = new HashMap<>();
  private long memoGeneration = -1;

  GroupCommit(DataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.thread = new Thread(this::loop, "imprint-writer-" + dialect.name().toLowerCase(
        java.util.Locale.ROOT));
    thread.setDaemon(true);
    thread.start();
  }

  <T> T submit(Database.Work<T> work) {
    if (closed) {
      throw new StoreException("store.closed", "the store is shutting down");
    }
    Pending<T> p = new Pending<>(work);
    queue.add(p);
    return p.await();
  }

  Stats stats() {
    return new Stats(commits.get(), units.get());
  }

  private void loop() {
    while (!closed || !queue.isEmpty()) {
      Pending<?> first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (first == null) {
        continue;
      }
      List<Pending<?>> batch = new ArrayList<>();
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      runBatch(batch);
    }
  }

  private void runBatch(List<Pending<?>> batch) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        // Replicas on one PostgreSQL: take the writers' lock before any unit takes a row lock.
        // Units take row locks (FOR UPDATE) and then this lock (audit append); in one batch a
        // later unit's row lock comes after an earlier unit's lock, so a replica holding row
        // Y and waiting for the lock, and the holder's next unit waiting for row Y, deadlocked
        // (PostgreSQL failed one of them: 503). Nearly every batch appends to the audit log and
        // holds the lock to its commit anyway, so taking it first costs one statement.
        if (dialect == Dialect.POSTGRESQL) {
          runPostgres(c, batch);
        } else {
          runSqlite(c, batch);
        }
        locked = null;
        c.commit();
        commits.incrementAndGet();
        units.addAndGet(batch.size());
      } catch (SQLException | RuntimeException e) {
        locked = null;
        safeRollback(c);
        for (Pending<?> p : batch) {
          p.failIfOpen(e);
        }
        return;
      }
    } catch (SQLException e) {
      for (Pending<?> p : batch) {
        p.failIfOpen(e);
      }
      return;
    }
    for (Pending<?> p : batch) {
      p.release();
    }
  }

  /** Whether {@code tx} is this writer's connection inside a transaction that holds the lock. */
  boolean holdsWritersLock(Connection tx) {
    return tx != null && tx == locked;
  }

  /** The value remembered under {@code key} in this generation of {@code tx}, if any. */
  OptionalLong recall(Connection tx, String key) {
    if (!holdsWritersLock(tx) || memoGeneration != generation) {
      return OptionalLong.empty();
    }
    Long v = memo.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** Remembers {@code value} under {@code key} until the generation of {@code tx} changes. */
  void remember(Connection tx, String key, long value) {
    if (!holdsWritersLock(tx)) {
      return;
    }
    if (memoGeneration != generation) {
      memo.clear();
      memoGeneration = generation;
    }
    memo.put(key, value);
  }

  /** SQLite runs in the process: JDBC savepoints cost no round trip. */
  private void runSqlite(Connection c, List<Pending<?>> batch) throws SQLException {
    generation++;
    locked = c;
    boolean savepoints = batch.size() > 1;
    for (Pending<?> p : batch) {
      Savepoint sp = savepoints ? c.setSavepoint() : null;
      try {
        p.runOn(c);
        if (sp != null) {
          c.releaseSavepoint(sp);
        }
      } catch (SQLException | RuntimeException e) {
        if (sp == null) {
          throw e;
        }
        c.rollback(sp);
        generation++;
        p.failed = e;
      }
    }
  }

  /**
   * PostgreSQL is a round trip away: the savepoint bookkeeping between two units (release one,
   * set the next) and the lock with the first savepoint each go as one statement string, which
   * the driver sends in one round trip, instead of one round trip per JDBC savepoint call; the
   * last unit's savepoint is released by the commit. For an audit append that is three round
   * trips instead of four.
   */
  private void runPostgres(Connection c, List<Pending<?>> batch) throws SQLException {
    boolean savepoints = batch.size() > 1;
    try (Statement st = c.createStatement()) {
      st.execute(Database.lockWritersSql() + (savepoints ? "; SAVEPOINT unit_0" : ""));
      generation++;
      locked = c;
      for (int i = 0; i < batch.size(); i++) {
        Pending<?> p = batch.get(i);
        String next = i + 1 < batch.size() ? "; SAVEPOINT unit_" + (i + 1) : "";
        try {
          p.runOn(c);
          if (!next.isEmpty()) {
            st.execute("RELEASE SAVEPOINT unit_" + i + next);
          }
        } catch (SQLException | RuntimeException e) {
          if (!savepoints) {
            throw e;
          }
          st.execute("ROLLBACK TO SAVEPOINT unit_" + i + "; RELEASE SAVEPOINT unit_" + i + next);
          generation++;
          p.failed = e;
        }
      }
    }
  }

  private static void safeRollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Pending<T> {
    private final Database.Work<T> work;
    private final CountDownLatch done = new CountDownLatch(1);
    private T result;
    private Exception failed;

    Pending(Database.Work<T> work) {
      this.work = work;
    }

    void runOn(Connection c) throws SQLException {
      result = work.run(c);
    }

    void failIfOpen(Exception e) {
      if (failed == null) {
        failed = e;
      }
      done.countDown();
    }

    void release() {
      done.countDown();
    }

    T await() {
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("store.interrupted", "interrupted while waiting for a commit");
      }
      if (failed instanceof RuntimeException r) {
        throw r;
      }
      if (failed instanceof SQLException s) {
        throw StoreException.of(s);
      }
      return result;
    }
  }
}
