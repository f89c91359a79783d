package dev.imprint.server.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Who waits for a store read: threads parked on another thread's read (a future of a cache's
 * shared read) or on the connection pool, and statements waiting for a PostgreSQL table lock.
 * What a test counts to know that every reader has arrived before it lets the read go on.
 */
public final class ReadWaiters {
  private ReadWaiters() {}

  /** How many of {@code threads} are parked on a shared read's future or on the pool. */
  public static long parked(List<Thread> threads) {
    return threads.stream().filter(t -> t.getState() != Thread.State.RUNNABLE
        && Arrays.stream(t.getStackTrace()).map(StackTraceElement::getClassName)
            .anyMatch(c -> c.equals(CompletableFuture.class.getName())
                || c.startsWith("com.zaxxer.hikari."))).count();
  }

  /** How many statements wait for a lock on PostgreSQL table {@code table}, asked on {@code c}. */
  public static long lockWaiters(Connection c, String table) {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*)"
        + " FROM pg_locks WHERE NOT granted AND relation = '" + table + "'::regclass")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
