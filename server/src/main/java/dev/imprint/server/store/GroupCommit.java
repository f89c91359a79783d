package dev.imprint.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread that drains waiting units of work into a single transaction and commits
 * once: callers are answered only after the commit, and a burst of writers costs one fsync
 * instead of one each. A unit that fails is rolled back alone: on SQLite each unit runs in its
 * own savepoint; on PostgreSQL, where a savepoint costs a round trip, a batch runs without them
 * and only a batch in which a unit failed runs again with them.
 *
 * <p>Every wait is bounded. A batch takes at most {@link #MAX_BATCH} units and stops taking more
 * after {@link #MAX_BATCH_NANOS}; the rest go first into the next batch. A caller whose unit
 * has not started within the store timeout is answered {@code store.unavailable} and its unit
 * never runs. On PostgreSQL the writers' lock is taken as late as possible: by a unit that asks
 * for it, else by the work deferred to the end of the batch ({@link Database#atCommit}, the
 * audit appends), whose last statement carries the commit, so that a batch without such a unit
 * holds the lock for no round trip at all, however slow its replica's link.
 * When a commit fails on the way, the transaction's id tells, once the store answers again,
 * whether it landed; callers get their results, {@code store.unavailable}, or, when that cannot
 * be found out in time, {@code store.outcome_unknown}.
 */
public final class GroupCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /**
   * Counters since start: transactions committed, units of work committed in them, units rolled
   * back to their savepoint inside a batch that committed, batches that failed as a whole,
   * batches run again with savepoints because a unit failed in their first run without them
   * (PostgreSQL), and units waiting now.
   */
  public record Stats(long commits, long units, long rolledBack, long failedBatches, long reruns,
      int queued) {}

  /** Work deferred to the end of a writer transaction; see {@link Database#atCommit}. */
  @FunctionalInterface
  public interface Sink<T> {
    /** Writes {@code items} (in the order they were deferred) in transaction {@code tx}. */
    void flush(Connection tx, List<T> items) throws SQLException;
  }

  /** Whatever rides on the one write a request makes; see {@link Database#withRider}. */
  @FunctionalInterface
  public interface Rider {
    /** Runs in the unit's savepoint after its work returned {@code result}. */
    void ride(Connection tx, Object result) throws SQLException;
  }

  /** How a PostgreSQL writer finds out whether a commit it lost the answer to landed. */
  interface Outcomes {
    /** The outcome of transaction {@code xid} of backend {@code pid}, within the time allowed. */
    Outcome resolve(long xid, int pid);
  }

  /** What happened to a commit whose answer was lost. */
  enum Outcome { COMMITTED, ABORTED, UNKNOWN }

  static final int MAX_BATCH = 512;
  static final long MAX_BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** How often a unit that lost a deadlock (or its batch) is tried again before it fails. */
  static final int MAX_ATTEMPTS = 3;

  /**
   * Who sends the current transaction's commit: the writer ({@code c.commit()}), or on
   * PostgreSQL the last statement of the deferred work (see
   * {@link Database#lockWritersQueryAndCommit}), which may take it while the last sink runs,
   * then has sent it, then heard that it succeeded.
   */
  private enum Ending { BY_WRITER, WITH_LAST, SENT, DONE }

  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int CANCELLED = 2;

  private final DataSource pool;
  private final Dialect dialect;
  private final StoreHealth health;
  private final StoreSettings settings;
  private final Outcomes outcomes;
  private final Runnable suspect;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Deque<Pending<?>> carried = new ArrayDeque<>();
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong units = new AtomicLong();
  private final AtomicLong rolledBack = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final AtomicLong reruns = new AtomicLong();
  /** Committed transactions by the number of units they held (index 0 to MAX_BATCH). */
  private final AtomicLongArray batchSizes = new AtomicLongArray(MAX_BATCH + 1);
  private volatile boolean closed;
  /** The writer's connection while a batch runs (writer thread only). */
  private volatile Connection current;
  /** True once the current transaction holds the writers' lock (writer thread only). */
  private boolean locked;
  /**
   * The current transaction's id and backend, once noted (writer thread only; -1: not yet):
   * noted by the statement that takes the writers' lock, else just before the commit.
   */
  private long txid = -1;
  private int backendPid = -1;
  /** How the current transaction ends (writer thread only). */
  private Ending ending = Ending.BY_WRITER;
  /** The unit running now (writer thread only). */
  private Pending<?> running;
  /** A hook the tests use to hold the writer between two batches; null in production. */
  private volatile Runnable beforeBatch;

  GroupCommit(DataSource pool, Dialect dialect, StoreHealth health, StoreSettings settings,
      Outcomes outcomes, Runnable suspect) {
    this.pool = pool;
    this.suspect = suspect;
    this.dialect = dialect;
    this.health = health;
    this.settings = settings;
    this.outcomes = outcomes;
    this.thread = new Thread(this::loop, "imprint-writer-" + dialect.name().toLowerCase(
        java.util.Locale.ROOT));
    thread.setDaemon(true);
    thread.start();
  }

  <T> T submit(Database.Work<T> work, Rider rider) {
    if (closed) {
      throw new StoreException("store.closed", "the store is shutting down");
    }
    Pending<T> p = new Pending<>(work, rider);
    queue.add(p);
    return p.await(settings);
  }

  Stats stats() {
    return new Stats(commits.get(), units.get(), rolledBack.get(), failedBatches.get(),
        reruns.get(), queue.size());
  }

  /** How many units each committed transaction held, since start. */
  BatchSizes batchSizes() {
    long[] counts = new long[batchSizes.length()];
    for (int n = 0; n < counts.length; n++) {
      counts[n] = batchSizes.get(n);
    }
    return new BatchSizes(counts);
  }

  /** Tests: runs {@code hook} on the writer thread before each batch (null: none). */
  void beforeBatch(Runnable hook) {
    beforeBatch = hook;
  }

  private void loop() {
    while (!closed || !queue.isEmpty() || !carried.isEmpty()) {
      List<Pending<?>> batch = new ArrayList<>();
      if (carried.isEmpty()) {
        Pending<?> first;
        try {
          first = queue.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          continue;
        }
        if (first == null) {
          continue;
        }
        batch.add(first);
      } else {
        while (!carried.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(carried.pollFirst());
        }
      }
      queue.drainTo(batch, MAX_BATCH - batch.size());
      Runnable hook = beforeBatch;
      if (hook != null) {
        hook.run();
      }
      try {
        runBatch(batch);
      } catch (RuntimeException | Error e) {
        // a bug in this class; answer everyone rather than leave them waiting
        LOG.error("the group-commit writer failed", e);
        for (Pending<?> p : batch) {
          p.fail(new StoreException("store.error", "the writer failed: " + e));
        }
      }
    }
  }

  private void runBatch(List<Pending<?>> batch) {
    if (!health.up()) {
      for (Pending<?> p : batch) {
        p.fail(unavailable(health.failure().orElse("the store is unavailable"), null));
      }
      return;
    }
    Connection c;
    try {
      c = pool.getConnection();
    } catch (SQLException e) {
      linkFailed(e);
      LOG.warn("the group-commit writer got no connection for {} units: {}", batch.size(),
          Database.oneLine(e));
      for (Pending<?> p : batch) {
        p.fail(unavailable("no connection to the store: " + Database.oneLine(e), e));
      }
      return;
    }
    try (c) {
      run(c, batch);
    } catch (SQLException e) {
      // closing a broken connection; the batch is already answered
      LOG.debug("closing the writer's connection failed", e);
    }
  }

  /**
   * One transaction: the units, then the deferred work, then the commit. On PostgreSQL the
   * transaction's id is noted before the deferred work, whose last statement may carry the
   * commit: by the statement that took the writers' lock when a unit did (no round trip of its
   * own), else on its own. A commit that fails on the way, or whose answer is lost, is resolved
   * by that id.
   */
  private void run(Connection c, List<Pending<?>> batch) throws SQLException {
    List<Pending<?>> ran = new ArrayList<>();
    long xid = -1;
    int pid = -1;
    SQLException commitFailure = null;
    try {
      c.setAutoCommit(false);
      current = c;
      locked = false;
      txid = -1;
      ending = Ending.BY_WRITER;
      long deadline = System.nanoTime() + MAX_BATCH_NANOS;
      if (dialect == Dialect.POSTGRESQL) {
        runPostgres(c, batch, ran, deadline);
      } else {
        runSqlite(c, batch, ran, deadline);
      }
      running = null;
      if (dialect == Dialect.POSTGRESQL && txid < 0) {
        try (Statement st = c.createStatement()) {
          noteTransaction(st, "");
        }
      }
      flushDeferred(c, ran);
    } catch (SQLException | RuntimeException e) {
      if (ending == Ending.DONE) {
        // the commit landed with the last statement: what failed after it changes nothing
        LOG.error("the deferred work of a committed transaction of {} units failed after its"
            + " commit", ran.size(), e);
      } else if (ending == Ending.SENT && !(e instanceof SQLException s
          && !StoreException.isLinkFailure(s))) {
        // the COMMIT went with the last statement and the answer did not come back: it may have
        // landed. (An error PostgreSQL reported stopped the round trip at or before the COMMIT,
        // so that transaction landed nothing: the case below.)
        commitFailure = e instanceof SQLException s ? s : new SQLException(e);
      } else {
        safeRollback(c);
        finishFailed(ran, e);
        // units the failure kept from starting never ran: they go first into the next batch
        // (which answers them store.unavailable at once when the failure took the store down)
        for (Pending<?> p : batch) {
          if (p.state.get() == QUEUED && !carried.contains(p)) {
            carried.addLast(p);
          }
        }
        return;
      }
    } finally {
      xid = txid;
      pid = backendPid;
      current = null;
      locked = false;
      running = null;
      txid = -1;
      ending = Ending.BY_WRITER;
    }
    if (commitFailure == null) {
      try {
        c.commit(); // no round trip when the last statement committed: the driver knows
      } catch (SQLException e) {
        commitFailure = e;
      }
    }
    if (commitFailure != null) {
      SQLException e = commitFailure;
      Outcome o = dialect == Dialect.POSTGRESQL && xid >= 0
          ? outcomes.resolve(xid, pid) : Outcome.UNKNOWN;
      LOG.warn("a commit of {} units failed ({}); it {}", ran.size(), Database.oneLine(e),
          switch (o) {
            case COMMITTED -> "landed: its callers get their results";
            case ABORTED -> "did not land: its callers get store.unavailable";
            case UNKNOWN -> "may or may not have landed: its callers get store.outcome_unknown";
          });
      if (o != Outcome.COMMITTED) {
        linkFailed(e);
        failedBatches.incrementAndGet();
        for (Pending<?> p : ran) {
          p.fail(o == Outcome.ABORTED
              ? unavailable("the commit did not reach the store: " + Database.oneLine(e), e)
              : new StoreException("store.outcome_unknown", "the connection failed during the"
                  + " commit and the store did not say in time whether it landed", 1, e));
        }
        return;
      }
    }
    health.ok();
    commits.incrementAndGet();
    batchSizes.incrementAndGet(ran.size());
    long failedUnits = ran.stream().filter(p -> p.failed != null).count();
    units.addAndGet(ran.size() - failedUnits);
    rolledBack.addAndGet(failedUnits);
    for (Pending<?> p : ran) {
      p.finish();
    }
  }

  /**
   * The transaction failed before its commit, so nothing of it landed. Units that lost a
   * deadlock go round again (at most {@link #MAX_ATTEMPTS} times, first in the next batch);
   * the others get the failure: their own when they caused it, else what broke the batch.
   */
  private void finishFailed(List<Pending<?>> ran, Exception e) {
    failedBatches.incrementAndGet();
    if (e instanceof SQLException s) {
      linkFailed(s);
      if (!StoreException.isConflict(s)) {
        LOG.warn("a transaction of {} units failed before its commit, so none of it landed: {}"
            + " (SQLSTATE {}){}", ran.size(), Database.oneLine(s), s.getSQLState(),
            isDeadlock(s) ? "; its units run again" : "");
      }
    }
    boolean retry = e instanceof SQLException s && isDeadlock(s);
    List<Pending<?>> again = new ArrayList<>();
    for (Pending<?> p : ran) {
      if (retry && p.attempts < MAX_ATTEMPTS) {
        p.retry();
        again.add(p);
      } else if (p.failed != null && p.failed != e && !(p.failed instanceof SQLException)) {
        p.finish(); // its own refusal, rolled back with the rest
      } else {
        p.fail(e instanceof SQLException s ? StoreException.of(s) : e);
      }
    }
    for (int i = again.size() - 1; i >= 0; i--) {
      carried.addFirst(again.get(i));
    }
  }

  private static boolean isDeadlock(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return state.equals("40P01") || state.equals("40001");
  }

  private StoreException unavailable(String why, Throwable cause) {
    return new StoreException("store.unavailable", why, settings.retryAfterSeconds(), cause);
  }

  /**
   * A lost connection may be the store going down or just this connection (its session ended by
   * the server after a long pause of this process): the probe, asked at once, tells which.
   */
  private void linkFailed(SQLException e) {
    if (StoreException.isLinkFailure(e)) {
      suspect.run();
    }
  }

  /** Whether {@code tx} is this writer's connection inside a transaction that holds the lock. */
  boolean holdsWritersLock(Connection tx) {
    return tx != null && tx == current && locked;
  }

  /** Whether {@code tx} is the writer's connection inside a batch (writer thread only). */
  boolean isWriterTransaction(Connection tx) {
    return tx != null && tx == current && Thread.currentThread() == thread;
  }

  /** Records that the current writer transaction now holds the writers' lock. */
  void lockTaken(Connection tx) {
    if (isWriterTransaction(tx)) {
      locked = true;
    }
  }

  /**
   * The columns to select beside the writers' lock in {@code tx} so that the same round trip
   * notes the transaction ({@link #noteFrom}): the writer's transaction not noted yet, else none.
   */
  String noteColumns(Connection tx) {
    return isWriterTransaction(tx) && txid < 0 ? ", txid_current(), pg_backend_pid()" : "";
  }

  /** Notes the transaction from the row of a lock statement that selected {@link #noteColumns}. */
  void noteFrom(Connection tx, ResultSet row) throws SQLException {
    if (isWriterTransaction(tx) && txid < 0) {
      txid = row.getLong(2);
      backendPid = row.getInt(3);
    }
  }

  /**
   * Whether a statement in {@code tx} may carry the transaction's commit: the writer's
   * transaction on PostgreSQL, while its last sink runs and before anything has sent it.
   */
  boolean commitsWith(Connection tx) {
    return isWriterTransaction(tx) && ending == Ending.WITH_LAST;
  }

  /** Records that a statement carrying the commit of {@code tx} is about to be sent. */
  void commitSent(Connection tx) {
    if (isWriterTransaction(tx)) {
      ending = Ending.SENT;
    }
  }

  /** Records that the statement carrying the commit of {@code tx} succeeded, commit and all. */
  void committed(Connection tx) {
    if (isWriterTransaction(tx)) {
      ending = Ending.DONE;
    }
  }

  /** Whether a unit is running now (so that deferred work has a unit to belong to). */
  boolean inUnit() {
    return running != null;
  }

  /** Defers {@code item} to the end of the current unit's transaction (writer thread only). */
  <T> void defer(Sink<T> sink, T item) {
    running.deferred.computeIfAbsent(sink, k -> new ArrayList<>()).add(item);
  }

  /** SQLite runs in the process: JDBC savepoints cost no round trip. */
  private void runSqlite(Connection c, List<Pending<?>> batch, List<Pending<?>> ran,
      long deadline) throws SQLException {
    locked = true; // the IMMEDIATE transaction excludes every other writer
    boolean savepoints = batch.size() > 1;
    for (int i = 0; i < batch.size(); i++) {
      Pending<?> p = batch.get(i);
      if (i > 0 && System.nanoTime() > deadline) {
        carry(batch, i);
        return;
      }
      if (!p.start()) {
        continue;
      }
      ran.add(p);
      running = p;
      Savepoint sp = savepoints ? c.setSavepoint() : null;
      try {
        p.runOn(c);
        if (sp != null) {
          c.releaseSavepoint(sp);
        }
      } catch (SQLException | RuntimeException e) {
        p.failed = e;
        if (sp == null) {
          throw e;
        }
        c.rollback(sp);
        p.deferred.clear();
      }
    }
  }

  /**
   * PostgreSQL is a round trip away, so a batch first runs without savepoints: its units cost
   * only their own statements. Only when one of them fails is the transaction rolled back and the
   * batch run again from the start, each unit in its own savepoint
   * ({@link #runPostgresWithSavepoints}), so that the failing unit fails alone and the others
   * commit; a unit may therefore run twice, as it may after a lost deadlock. The transaction's
   * id and backend (to find out later whether a commit whose answer was lost landed) are noted
   * by the statement that takes the writers' lock, or else just before the commit
   * ({@link #run}): not in a round trip of their own at the start.
   */
  private void runPostgres(Connection c, List<Pending<?>> batch, List<Pending<?>> ran,
      long deadline) throws SQLException {
    if (batch.size() == 1) {
      runPostgresWithSavepoints(c, batch, ran, deadline);
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending<?> p = batch.get(i);
      if (i > 0 && System.nanoTime() > deadline) {
        carry(batch, i);
        return;
      }
      if (!p.start()) {
        continue;
      }
      ran.add(p);
      running = p;
      try {
        p.runOn(c);
      } catch (SQLException | RuntimeException e) {
        p.failed = e;
        if (e instanceof SQLException s && StoreException.isLinkFailure(s)) {
          throw s; // nothing to run again on
        }
        // its changes cannot be told from the others': nothing of this run may stay
        running = null;
        c.rollback();
        locked = false;
        txid = -1;
        reruns.incrementAndGet();
        for (Pending<?> r : ran) {
          r.runAgain();
        }
        ran.clear();
        runPostgresWithSavepoints(c, batch, ran, System.nanoTime() + MAX_BATCH_NANOS);
        return;
      }
    }
  }

  /**
   * Each unit in its own savepoint: the bookkeeping between two units (release one, set the
   * next) goes as one statement string, which the driver sends in one round trip, the first
   * savepoint goes with the query that notes the transaction, and the last unit's savepoint is
   * released by the commit.
   */
  private void runPostgresWithSavepoints(Connection c, List<Pending<?>> batch,
      List<Pending<?>> ran, long deadline) throws SQLException {
    boolean savepoints = batch.size() > 1;
    List<Pending<?>> retried = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      if (savepoints) {
        noteTransaction(st, "; SAVEPOINT unit_0");
      }
      for (int i = 0; i < batch.size(); i++) {
        Pending<?> p = batch.get(i);
        if (i > 0 && System.nanoTime() > deadline) {
          carry(batch, i);
          break;
        }
        String next = i + 1 < batch.size() ? "; SAVEPOINT unit_" + (i + 1) : "";
        if (!p.start()) {
          if (!next.isEmpty()) {
            st.execute("RELEASE SAVEPOINT unit_" + i + next);
          }
          continue;
        }
        ran.add(p);
        running = p;
        try {
          p.runOn(c);
          if (!next.isEmpty()) {
            st.execute("RELEASE SAVEPOINT unit_" + i + next);
          }
        } catch (SQLException | RuntimeException e) {
          p.failed = e;
          if (!savepoints) {
            throw e;
          }
          st.execute("ROLLBACK TO SAVEPOINT unit_" + i + "; RELEASE SAVEPOINT unit_" + i + next);
          p.deferred.clear();
          if (e instanceof SQLException s && isDeadlock(s) && p.attempts < MAX_ATTEMPTS) {
            // lost a deadlock with another replica: try again in the next batch
            ran.remove(ran.size() - 1);
            p.retry();
            retried.add(p);
          }
        }
      }
    } finally {
      for (int i = retried.size() - 1; i >= 0; i--) {
        carried.addFirst(retried.get(i));
      }
    }
  }

  /** Notes the transaction's id and backend, sending {@code more} in the same round trip. */
  private void noteTransaction(Statement st, String more) throws SQLException {
    st.execute("SELECT txid_current(), pg_backend_pid()" + more);
    try (ResultSet rs = st.getResultSet()) {
      rs.next();
      txid = rs.getLong(1);
      backendPid = rs.getInt(2);
    }
  }

  /** Units from {@code from} on wait for the next batch, ahead of anything queued since. */
  private void carry(List<Pending<?>> batch, int from) {
    for (int i = batch.size() - 1; i >= from; i--) {
      carried.addFirst(batch.get(i));
    }
  }

  /**
   * Runs each sink once with the items the batch's surviving units deferred to it, in unit order
   * (a sink's first item decides its place among the sinks). On PostgreSQL the last sink's last
   * statement may carry the commit ({@link Database#lockWritersQueryAndCommit}).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void flushDeferred(Connection c, List<Pending<?>> ran) throws SQLException {
    Map<Sink<?>, List<Object>> bySink = new LinkedHashMap<>();
    for (Pending<?> p : ran) {
      if (p.failed == null) {
        p.deferred.forEach((sink, items) ->
            bySink.computeIfAbsent(sink, k -> new ArrayList<>()).addAll(items));
      }
    }
    int left = bySink.size();
    for (Map.Entry<Sink<?>, List<Object>> e : bySink.entrySet()) {
      if (--left == 0 && dialect == Dialect.POSTGRESQL) {
        ending = Ending.WITH_LAST;
      }
      ((Sink) e.getKey()).flush(c, e.getValue());
    }
    if (ending == Ending.WITH_LAST) {
      ending = Ending.BY_WRITER; // the sink did not send the commit: the writer does
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
    private final Rider rider;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Map<Sink<?>, List<Object>> deferred = new LinkedHashMap<>();
    private int attempts;
    private T result;
    private Exception failed;

    Pending(Database.Work<T> work, Rider rider) {
      this.work = work;
      this.rider = rider;
    }

    /** Claims the unit for the writer; false when its caller gave up waiting for it. */
    boolean start() {
      if (state.get() == RUNNING || state.compareAndSet(QUEUED, RUNNING)) {
        attempts++;
        started.countDown();
        return true;
      }
      return false;
    }

    void runOn(Connection c) throws SQLException {
      result = work.run(c);
      if (rider != null) {
        rider.ride(c, result);
      }
    }

    /**
     * Readies a unit to run again after its batch's first run was rolled back (a unit of the batch
     * failed without savepoints), as if it had not run: the next {@link #start} is not another
     * attempt.
     */
    void runAgain() {
      retry();
      attempts--;
    }

    /** Readies the unit to run again from the start. */
    void retry() {
      failed = null;
      result = null;
      deferred.clear();
    }

    void fail(Exception e) {
      if (failed == null || failed instanceof SQLException) {
        failed = e;
      }
      done.countDown();
    }

    void finish() {
      done.countDown();
    }

    T await(StoreSettings settings) {
      try {
        if (!started.await(settings.turnTimeout().toNanos(), TimeUnit.NANOSECONDS)
            && state.compareAndSet(QUEUED, CANCELLED)) {
          throw new StoreException("store.unavailable", "the store did not take the write"
              + " within " + settings.turnTimeout().toMillis() + " ms; nothing was written",
              settings.retryAfterSeconds(), null);
        }
        if (!done.await(settings.maxWriteWait().toNanos(), TimeUnit.NANOSECONDS)) {
          throw new StoreException("store.outcome_unknown", "the write did not finish within "
              + settings.maxWriteWait().toSeconds() + " s; it may or may not land", 1, null);
        }
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
