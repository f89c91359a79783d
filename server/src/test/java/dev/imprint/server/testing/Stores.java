package dev.imprint.server.testing;

import dev.imprint.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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

  /** The shared embedded PostgreSQL, started on first use and stopped at JVM exit. */
  public static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the process is exiting
        }
      }));
    }
    return postgres;
  }
}
