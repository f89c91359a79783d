package dev.imprint.server.testing;

import dev.imprint.server.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL tables locked ACCESS EXCLUSIVE by a transaction of their own until closed, so that
 * any statement reading them waits: what a test uses to show that a path reads no store.
 */
public final class TableLock implements AutoCloseable {
  private final Connection lock;

  private TableLock(Connection lock) {
    this.lock = lock;
  }

  /** Locks {@code tables} (a comma-separated list) of {@code db}'s PostgreSQL store. */
  public static TableLock take(Database db, String tables) throws SQLException {
    Connection c = db.dataSource().getConnection();
    try (Statement st = c.createStatement()) {
      // the pool ends a transaction idle for long; this one must outlast the test's wait
      st.execute("SET idle_in_transaction_session_timeout = 0");
      c.setAutoCommit(false);
      st.execute("LOCK TABLE " + tables + " IN ACCESS EXCLUSIVE MODE");
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return new TableLock(c);
  }

  /** Releases the locks and gives the connection back to the pool as it was. */
  @Override
  public void close() throws SQLException {
    try {
      lock.rollback();
      lock.setAutoCommit(true);
      try (Statement st = lock.createStatement()) {
        st.execute("RESET idle_in_transaction_session_timeout");
      }
    } finally {
      lock.close();
    }
  }
}
