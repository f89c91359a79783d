package dev.imprint.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A genuine PostgreSQL of a test's own, on a data directory and port that stay the same when it
 * is stopped (a fast shutdown: sessions are ended, as in a database restart or failover) and
 * started again, so that a server pointed at it sees an outage and a recovery.
 */
public final class RestartablePostgres implements AutoCloseable {
  private final Path data;
  private int port;
  private EmbeddedPostgres running;

  private RestartablePostgres(Path data) {
    this.data = data;
  }

  /** Starts a fresh cluster in {@code data} with a database {@code imprint}. */
  public static RestartablePostgres start(Path data) throws IOException, SQLException {
    RestartablePostgres pg = new RestartablePostgres(data);
    pg.running = builder(data).start();
    pg.port = pg.running.getPort();
    try (Connection c = pg.running.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE imprint");
    }
    return pg;
  }

  private static EmbeddedPostgres.Builder builder(Path data) {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .setRegisterShutdownHook(true);
  }

  /** The JDBC URL of database {@code imprint}, the same across restarts. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/imprint?user=postgres";
  }

  public int port() {
    return port;
  }

  /** Stops the server (fast shutdown); connections are ended and new ones refused. */
  public synchronized void stop() throws IOException {
    running.close();
    running = null;
  }

  /** Starts it again on the same data directory and port. */
  public synchronized void restart() throws IOException {
    running = builder(data).setPort(port).start();
  }

  @Override
  public synchronized void close() throws IOException {
    if (running != null) {
      running.close();
      running = null;
    }
  }
}
