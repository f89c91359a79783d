package dev.imprint.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The server's store: an embedded SQLite file (WAL mode) or PostgreSQL, migrated by Flyway
 * from one set of scripts. Reads run on pooled connections; writes are group-committed by a
 * single writer per process ({@link #write}), so a change is durable before its caller is
 * answered and concurrent writers share one commit.
 *
 * <p>No request waits for the store without a bound (see {@link StoreSettings}): while the
 * store does not answer, reads and writes fail at once with {@code store.unavailable}, and
 * beyond {@link StoreSettings#maxWaiters()} requests waiting for it the next fails at once with
 * {@code store.busy}. A background probe keeps {@link #health()} and the values of
 * {@link #sampled} gauges in memory, so readiness, health and metrics never touch the store.
 */
public final class Database implements AutoCloseable {
  /** A unit of work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Sets the parameters of a prepared statement. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Reads the one row a query returns. */
  @FunctionalInterface
  public interface RowReader<T> {
    T read(ResultSet row) throws SQLException;
  }

  /** Whether the store answers, and why not: what {@code /readyz} reports. */
  public record Health(boolean up, String detail) {}

  /** The highest migration in {@code db/migration}; a test keeps it equal to the scripts. */
  static final int SCHEMA_VERSION = 14;

  private static final ThreadLocal<GroupCommit.Rider> RIDER = new ThreadLocal<>();
  /** Set on the threads that serve HTTP requests: only they take a waiter's place. */
  private static final ThreadLocal<Boolean> SERVING = new ThreadLocal<>();
  /** Set on a request thread once a write of the current request has committed. */
  private static final ThreadLocal<Boolean> COMMITTED = new ThreadLocal<>();
  private static final long WRITERS_LOCK_KEY = 0x696d7072696e74L; // "imprint"

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final StoreSettings settings;
  private final StoreHealth health = new StoreHealth();
  private final Semaphore waiters;
  private final GroupCommit writer;
  /** Set once the writer runs (which may report a lost connection before that). */
  private volatile StoreProbe probe;
  private final List<Sampled> samples = new CopyOnWriteArrayList<>();
  /** Set first by {@link #close}: a request then hears that, not what closing did to the probe. */
  private volatile boolean closed;

  private Database(HikariDataSource pool, Dialect dialect, StoreSettings settings,
      PostgresLink link) {
    this.pool = pool;
    this.dialect = dialect;
    this.settings = settings;
    this.waiters = new Semaphore(settings.maxWaiters());
    this.writer = new GroupCommit(pool, dialect, health, settings,
        link == null ? (xid, pid) -> GroupCommit.Outcome.UNKNOWN : link::resolve,
        this::suspectStore);
    this.probe = StoreProbe.start(link == null ? this::probeSqlite : link, health,
        settings, pool, samples);
  }

  /** Opens {@link #open(String, Path, StoreSettings)} with the default settings. */
  public static Database open(String jdbcUrl, Path dataDir) {
    return open(jdbcUrl, dataDir, StoreSettings.DEFAULTS);
  }

  /**
   * Opens and migrates the store: PostgreSQL when {@code jdbcUrl} is given, else the SQLite
   * file {@code imprint.db} under {@code dataDir} (created with owner-only permissions).
   *
   * @throws StoreException when the store cannot be opened or migrated, with one line that names
   *     the store and the cause and never the password
   */
  public static Database open(String jdbcUrl, Path dataDir, StoreSettings settings) {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      return sqlite(dataDir, settings);
    }
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new StoreException("store.unsupported_url",
          "expected a jdbc:postgresql:// URL, got '" + PostgresLink.redactUrl(jdbcUrl) + "'");
    }
    PostgresLink link = PostgresLink.of(jdbcUrl, settings);
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    c.setMaximumPoolSize(8);
    c.setConnectionTimeout(settings.timeout().toMillis());
    c.setValidationTimeout(Math.max(250, settings.timeout().toMillis() / 2));
    c.setPoolName("imprint-pg");
    link.configure(c);
    return migrated(c, Dialect.POSTGRESQL, settings, link);
  }

  private static Database sqlite(Path dataDir, StoreSettings settings) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new StoreException("store.data_dir",
          "cannot create the data directory " + dataDir + ": " + e.getMessage());
    }
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("imprint.db").toAbsolutePath());
    c.setPoolName("imprint-sqlite");
    c.setMaximumPoolSize(4);
    c.setConnectionTimeout(settings.timeout().toMillis());
    c.addDataSourceProperty("journal_mode", "WAL");
    c.addDataSourceProperty("synchronous", "FULL");
    c.addDataSourceProperty("busy_timeout", Long.toString(settings.timeout().toMillis() * 2));
    c.addDataSourceProperty("foreign_keys", "true");
    c.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    return migrated(c, Dialect.SQLITE, settings, null);
  }

  private static Database migrated(HikariConfig config, Dialect dialect, StoreSettings settings,
      PostgresLink link) {
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("store.unavailable", link != null ? link.cannotConnect(e)
          : "cannot open the SQLite store " + config.getJdbcUrl().substring(12) + ": "
              + oneLine(e));
    }
    try {
      if (!upToDate(ds)) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration")
            .loggers("slf4j").load().migrate();
      }
    } catch (RuntimeException e) {
      ds.close();
      throw new StoreException("store.migration_failed", "cannot migrate the store: "
          + (link == null ? oneLine(e) : link.redact(oneLine(e))));
    }
    return new Database(ds, dialect, settings, link);
  }

  /**
   * Whether the store is exactly at V1..V{@link #SCHEMA_VERSION}, each applied successfully from
   * the script this build carries (the checksum Flyway recorded is the one Flyway computes for
   * that script now). A store at this version skips Flyway's set-up and migrate (its plugin
   * loading and class-path scan cost about half a second of start-up) without skipping its
   * validation; any other state, including a failed migration or an edited script, goes
   * through Flyway, which judges it.
   */
  static boolean upToDate(DataSource ds) {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, success, checksum, script FROM"
            + " flyway_schema_history WHERE version IS NOT NULL")) {
      // a gap, a failure or a newer release's migration is Flyway's to judge
      java.util.BitSet applied = new java.util.BitSet();
      while (rs.next()) {
        int v = Integer.parseInt(rs.getString(1));
        if (!rs.getBoolean(2) || v < 1 || v > SCHEMA_VERSION || applied.get(v)) {
          return false;
        }
        int checksum = rs.getInt(3);
        if (rs.wasNull() || !MigrationScript.checksumMatches(rs.getString(4), checksum)) {
          return false;
        }
        applied.set(v);
      }
      return applied.cardinality() == SCHEMA_VERSION;
    } catch (SQLException | NumberFormatException e) {
      return false; // no history table yet, or one Flyway must judge
    }
  }

  /** Which database this is, for the few statements that differ. */
  public Dialect dialect() {
    return dialect;
  }

  /** The settings this store was opened with. */
  public StoreSettings settings() {
    return settings;
  }

  /**
   * Whether the store answers, from memory (the probe checks about once a second, every
   * quarter of a second while it is down, and at once when a request lost its connection).
   */
  public Health health() {
    Optional<String> failure = health.failure();
    if (failure.isPresent()) {
      return new Health(false, failure.get());
    }
    long silentNanos = System.nanoTime() - health.lastOk();
    if (silentNanos > settings.timeout().plusSeconds(3).toNanos()) {
      return new Health(false, "the store has not answered for " + silentNanos / 1_000_000_000
          + " s");
    }
    return new Health(true, "");
  }

  /**
   * A gauge value that reads the store: {@code reader} runs in the background every couple of
   * seconds while the store answers, and the returned supplier serves the last value (NaN until
   * the first read), so a metrics scrape never waits for the store.
   */
  public DoubleSupplier sampled(DoubleSupplier reader) {
    Sampled s = new Sampled(Objects.requireNonNull(reader));
    samples.add(s);
    probe.sampleSoon();
    return s::value;
  }

  /**
   * Serialises transaction {@code tx} (from {@link #write}) with every other writer of the
   * store, in every process, until it commits: a transaction-scoped advisory lock on
   * PostgreSQL; on SQLite the IMMEDIATE write transaction already excludes other writers. For
   * check-then-insert work such as the first admin token or an identity's SPIFFE ID. The
   * group-commit writer takes it only when a unit asks for it or for its deferred work
   * ({@link #atCommit}), so a replica holds it for as short a time as it can; work that depends
   * on it for its correctness must say so by calling this.
   */
  public void lockWriters(Connection tx) throws SQLException {
    if (!writer.holdsWritersLock(tx)) {
      if (dialect == Dialect.POSTGRESQL) {
        try (Statement st = tx.createStatement();
            ResultSet rs = st.executeQuery(lockWritersSql() + writer.noteColumns(tx))) {
          rs.next();
          writer.noteFrom(tx, rs);
        }
      }
      writer.lockTaken(tx);
    }
  }

  /**
   * Takes the writers' lock (when {@code tx} does not hold it yet) and runs {@code query}, with
   * the parameters {@code binder} sets, in one round trip, returning what {@code reader} reads
   * from its one row: for work that must read or write after the lock, such as numbering the
   * audit entries. On PostgreSQL the lock goes as a statement of its own ahead of
   * {@code query}, which therefore sees every commit made before the lock was granted (read
   * committed takes a snapshot per statement); in the writer's transaction it also notes the
   * transaction's id, which the commit needs, so that costs no round trip either.
   */
  public <T> T lockWritersAndQuery(Connection tx, String query, Binder binder,
      RowReader<T> reader) throws SQLException {
    return lockAndQuery(tx, query, binder, reader, false);
  }

  /**
   * {@link #lockWritersAndQuery} for the last statement of the work deferred to the end of a
   * group-commit transaction ({@link #atCommit}) on PostgreSQL: the transaction's {@code COMMIT}
   * goes in the same round trip, so PostgreSQL releases the writers' lock as soon as it has run
   * {@code query} and committed, without waiting for the answer to reach this process and a
   * {@code COMMIT} to come back: a full round trip of this replica's link during which every
   * other replica's writes would wait. Nothing may run in {@code tx} after it. Anywhere else
   * (SQLite, outside the writer, a sink that is not the batch's last) it is
   * {@link #lockWritersAndQuery} and the writer commits as usual.
   */
  public <T> T lockWritersQueryAndCommit(Connection tx, String query, Binder binder,
      RowReader<T> reader) throws SQLException {
    return lockAndQuery(tx, query, binder, reader,
        dialect == Dialect.POSTGRESQL && writer.commitsWith(tx));
  }

  private <T> T lockAndQuery(Connection tx, String query, Binder binder, RowReader<T> reader,
      boolean commit) throws SQLException {
    boolean take = dialect == Dialect.POSTGRESQL && !writer.holdsWritersLock(tx);
    String sql = (take ? lockWritersSql() + writer.noteColumns(tx) + "; " + query : query)
        + (commit ? "; COMMIT" : "");
    try (PreparedStatement ps = tx.prepareStatement(sql)) {
      binder.bind(ps);
      if (commit) {
        writer.commitSent(tx);
      }
      ps.execute();
      if (commit) {
        // the driver read every answer, the COMMIT's included, and none was an error
        writer.committed(tx);
      }
      if (take) {
        try (ResultSet lock = ps.getResultSet()) {
          lock.next();
          writer.noteFrom(tx, lock);
        }
        ps.getMoreResults();
      }
      try (ResultSet rs = ps.getResultSet()) {
        if (!rs.next()) {
          throw new SQLException("expected one row from: " + query);
        }
        return reader.read(rs);
      }
    } finally {
      writer.lockTaken(tx);
    }
  }

  /**
   * Defers {@code item} to the end of the group-commit transaction {@code tx}: after every unit
   * of the batch has run, {@code sink} gets the items of the units that were not rolled back, in
   * order, once per batch. A unit rolled back takes its items with it. Outside the writer's
   * transaction the sink runs at once. {@code sink} must be one object for all callers (a
   * constant) so that the batch's items go to it together.
   */
  public <T> void atCommit(Connection tx, GroupCommit.Sink<T> sink, T item) throws SQLException {
    if (writer.isWriterTransaction(tx) && writer.inUnit()) {
      writer.defer(sink, item);
    } else {
      sink.flush(tx, List.of(item));
    }
  }

  /**
   * Runs {@code body} with {@code rider} on every write it makes from this thread: the rider runs
   * in each write's own savepoint after its work, so what it writes commits with the work or not
   * at all (the idempotency record of a request).
   */
  public static <T> T withRider(GroupCommit.Rider rider, Supplier<T> body) {
    GroupCommit.Rider outer = RIDER.get();
    RIDER.set(rider);
    try {
      return body.get();
    } finally {
      if (outer == null) {
        RIDER.remove();
      } else {
        RIDER.set(outer);
      }
    }
  }

  /** The statement that takes the writers' lock on PostgreSQL (a constant key, no input). */
  static String lockWritersSql() {
    return "SELECT pg_advisory_xact_lock(" + WRITERS_LOCK_KEY + ")";
  }

  /** The pool, for components that need plain JDBC (read-only use preferred). */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * Runs read-only work on a pooled connection in auto-commit mode.
   *
   * @throws StoreException as {@link #write} does, {@code store.outcome_unknown} included
   */
  public <T> T read(Work<T> work) {
    try {
      boolean placed = enter();
      try (Connection c = pool.getConnection()) {
        return work.run(c);
      } catch (SQLException e) {
        if (StoreException.isLinkFailure(e)) {
          suspectStore();
        }
        StoreException se = StoreException.of(e);
        throw se.code().equals("store.unavailable") ? unavailable(se.getMessage(), e) : se;
      } finally {
        leave(placed);
      }
    } catch (StoreException e) {
      throw afterCommit(e);
    }
  }

  /**
   * Runs {@code work} inside the next group commit and returns once that commit is durable.
   * Work must not commit or roll back itself; an exception it throws rolls back only its own
   * changes and is rethrown here. Work may run more than once before its commit (after a lost
   * deadlock, or on PostgreSQL when another unit of its batch failed and the batch runs again):
   * what it does outside the transaction must be safe to repeat, and the last run's result is
   * the one returned.
   *
   * @throws StoreException {@code store.unavailable} when the store does not answer or did not
   *     take the write in time (nothing was written), {@code store.busy} when too many requests
   *     wait for the store, {@code store.outcome_unknown} when the commit's connection failed and
   *     whether it landed could not be found out in time, or when an earlier write of the same
   *     request committed (so "nothing was written" would be untrue for the request)
   */
  public <T> T write(Work<T> work) {
    Objects.requireNonNull(work);
    T result;
    try {
      boolean placed = enter();
      try {
        result = writer.submit(work, RIDER.get());
      } finally {
        leave(placed);
      }
    } catch (StoreException e) {
      throw afterCommit(e);
    }
    if (SERVING.get() != null) {
      COMMITTED.set(Boolean.TRUE);
    }
    return result;
  }

  /**
   * What a request hears of a store failure: {@code e}, unless it says that nothing was written
   * while a write of the same request has already committed (the request made its change and
   * then failed to read back or write the rest, as when the store goes down between the two);
   * the request's outcome is then {@code store.outcome_unknown}, so that a client retries it
   * with its Idempotency-Key (and gets the original answer) or checks before retrying.
   */
  private StoreException afterCommit(StoreException e) {
    if (COMMITTED.get() == null || !(e.code().equals("store.unavailable")
        || e.code().equals("store.busy") || e.code().equals("store.closed"))) {
      return e;
    }
    return new StoreException("store.outcome_unknown", "a change of this request was committed,"
        + " then the store failed before the request was done: " + e.getMessage(),
        Math.max(1, e.retryAfterSeconds()), e);
  }

  /** A connection failed: the probe finds out now whether the store is down. */
  private void suspectStore() {
    StoreProbe p = probe;
    if (p != null) {
      p.wake();
    }
  }

  /**
   * Marks the calling thread as one that serves HTTP requests (the server's request threads do
   * this before each request): its reads and writes then take one of the
   * {@link StoreSettings#maxWaiters} places. The server's own work (start-up, key rotation, usage
   * flushes, sampled gauges) takes none, so requests cannot crowd it out, nor it them.
   */
  public static void servingRequests() {
    SERVING.set(Boolean.TRUE);
    COMMITTED.remove(); // a new request: none of its writes has committed yet
  }

  /**
   * Fails at once when the store is down; on a request thread, takes a waiter's place or fails
   * at once when they are all taken. Returns whether it took one.
   */
  private boolean enter() {
    if (closed) {
      throw new StoreException("store.closed", "the store is shutting down");
    }
    if (!health.up()) {
      throw unavailable("the store is unavailable: " + health.failure().orElse("not answering"),
          null);
    }
    if (SERVING.get() == null) {
      return false;
    }
    if (!waiters.tryAcquire()) {
      throw new StoreException("store.busy", settings.maxWaiters() + " requests are already"
          + " waiting for the store", 1, null);
    }
    return true;
  }

  private void leave(boolean placed) {
    if (placed) {
      waiters.release();
    }
  }

  private StoreException unavailable(String why, Throwable cause) {
    return new StoreException("store.unavailable", why, settings.retryAfterSeconds(), cause);
  }

  /** Transactions committed and units of work written so far (for metrics and tests). */
  public GroupCommit.Stats writeStats() {
    return writer.stats();
  }

  /** How many units each group-commit transaction held, since the store was opened. */
  public BatchSizes writeBatchSizes() {
    return writer.batchSizes();
  }

  /** How many requests wait for the store now (of at most {@link StoreSettings#maxWaiters}). */
  public int waiting() {
    return settings.maxWaiters() - waiters.availablePermits();
  }

  /** Tests: runs {@code hook} on the writer thread before each batch (null: none). */
  void beforeBatch(Runnable hook) {
    writer.beforeBatch(hook);
  }

  @Override
  public void close() {
    closed = true;
    writer.close();
    probe.close();
    pool.close();
  }

  private void probeSqlite() throws SQLException {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    }
  }

  /** The first line of the innermost message of {@code e}: no driver detail lines, no values. */
  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** A value read by {@link #sampled}. */
  static final class Sampled {
    private final DoubleSupplier reader;
    private volatile double value = Double.NaN;

    Sampled(DoubleSupplier reader) {
      this.reader = reader;
    }

    void refresh() {
      try {
        value = reader.getAsDouble();
      } catch (RuntimeException e) {
        // keep the last value; the store's health says why
      }
    }

    double value() {
      return value;
    }
  }

  /** The PostgreSQL properties the probe and outcome checks also need. */
  static Properties copy(Properties p) {
    Properties out = new Properties();
    out.putAll(p);
    return out;
  }

  /** Whole seconds, at least one (the driver's timeouts are in seconds). */
  static String seconds(Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }
}
