package dev.imprint.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The server's store: an embedded SQLite file (WAL mode) or PostgreSQL, migrated by Flyway
 * from one set of scripts. Reads run on pooled connections; writes are group-committed by a
 * single writer per process ({@link #write}), so a change is durable before its caller is
 * answered and concurrent writers share one commit.
 */
public final class Database implements AutoCloseable {
  /** A unit of work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final GroupCommit writer;

  private Database(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.writer = new GroupCommit(pool, dialect);
  }

  /**
   * Opens and migrates the store: PostgreSQL when {@code jdbcUrl} is given, else the SQLite
   * file {@code imprint.db} under {@code dataDir} (created with owner-only permissions).
   *
   * @throws StoreException when the store cannot be opened or migrated
   */
  public static Database open(String jdbcUrl, Path dataDir) {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      return sqlite(dataDir);
    }
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new StoreException("store.unsupported_url",
          "expected a jdbc:postgresql:// URL, got '" + redactUrl(jdbcUrl) + "'");
    }
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    c.setMaximumPoolSize(8);
    c.setPoolName("imprint-pg");
    return migrated(c, Dialect.POSTGRESQL);
  }

  private static Database sqlite(Path dataDir) {
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
    c.addDataSourceProperty("journal_mode", "WAL");
    c.addDataSourceProperty("synchronous", "FULL");
    c.addDataSourceProperty("busy_timeout", "10000");
    c.addDataSourceProperty("foreign_keys", "true");
    c.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    return migrated(c, Dialect.SQLITE);
  }

  private static Database migrated(HikariConfig config, Dialect dialect) {
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("store.unavailable", "cannot open the "
          + dialect.name().toLowerCase(Locale.ROOT) + " store: " + rootMessage(e));
    }
    try {
      if (!upToDate(ds)) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration")
            .loggers("slf4j").load().migrate();
      }
    } catch (RuntimeException e) {
      ds.close();
      throw new StoreException("store.migration_failed",
          "cannot migrate the store: " + rootMessage(e));
    }
    return new Database(ds, dialect);
  }

  /**
   * The highest migration in {@code db/migration}; a test keeps it equal to the scripts. A store
   * already at this version skips Flyway (its class-path scan costs about half a second of
   * start-up); any other state, including a failed migration, goes through Flyway.
   */
  static final int SCHEMA_VERSION = 8;

  private static boolean upToDate(DataSource ds) {
    try (Connection c = ds.getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT version, success FROM"
            + " flyway_schema_history WHERE version IS NOT NULL")) {
      // exactly V1..V{SCHEMA_VERSION}, each applied successfully: a gap, a failure or a newer
      // release's migration is Flyway's to judge (and to refuse with its own message)
      java.util.BitSet applied = new java.util.BitSet();
      while (rs.next()) {
        int v = Integer.parseInt(rs.getString(1));
        if (!rs.getBoolean(2) || v < 1 || v > SCHEMA_VERSION || applied.get(v)) {
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

  /**
   * Serialises transaction {@code tx} (from {@link #write}) with every other writer of the
   * store, in every process, until it commits: a transaction-scoped advisory lock on
   * PostgreSQL; on SQLite the IMMEDIATE write transaction already excludes other writers. For
   * check-then-insert work such as the next audit sequence number or the first admin token.
   * The group-commit writer already holds it from the start of each transaction on PostgreSQL,
   * so for its transactions this costs nothing (no second round trip per audit append); work
   * still says so where its correctness depends on it, and any other connection takes it.
   */
  public void lockWriters(Connection tx) throws SQLException {
    if (!writer.holdsWritersLock(tx)) {
      lockWriters(tx, dialect);
    }
  }

  /**
   * What work remembered under {@code key} earlier in the group-commit writer's transaction
   * {@code tx}, while no unit of it was rolled back since; empty otherwise and for any other
   * connection. Lets work keep what it read (the next audit sequence number) instead of reading
   * it again, and know when that is no longer safe.
   */
  public java.util.OptionalLong recall(Connection tx, String key) {
    return writer.recall(tx, key);
  }

  /** Remembers {@code value} for {@link #recall} (ignored outside the writer's transaction). */
  public void remember(Connection tx, String key, long value) {
    writer.remember(tx, key, value);
  }

  static void lockWriters(Connection tx, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement lock = tx.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, WRITERS_LOCK_KEY);
        lock.execute();
      }
    }
  }

  /** The statement that takes the writers' lock on PostgreSQL (a constant key, no input). */
  static String lockWritersSql() {
    return "SELECT pg_advisory_xact_lock(" + WRITERS_LOCK_KEY + ")";
  }

  private static final long WRITERS_LOCK_KEY = 0x696d7072696e74L; // "imprint"

  /** The pool, for components that need plain JDBC (read-only use preferred). */
  public DataSource dataSource() {
    return pool;
  }

  /** Runs read-only work on a pooled connection in auto-commit mode. */
  public <T> T read(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw StoreException.of(e);
    }
  }

  /**
   * Runs {@code work} inside the next group commit and returns once that commit is durable.
   * Work must not commit or roll back itself; an exception it throws rolls back only its own
   * changes and is rethrown here.
   */
  public <T> T write(Work<T> work) {
    return writer.submit(Objects.requireNonNull(work));
  }

  /** Transactions committed and units of work written so far (for metrics). */
  public GroupCommit.Stats writeStats() {
    return writer.stats();
  }

  @Override
  public void close() {
    writer.close();
    pool.close();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private static String redactUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1[redacted]")
        .replaceAll("//([^/@:]+):[^/@]*@", "//$1:[redacted]@");
  }
}
