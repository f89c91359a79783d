package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A login holds its privileges through group roles, so creating one changes no ACL: its cost
 * does not grow with the number of live logins and concurrent creations need no lock. Against
 * the genuine PostgreSQL target, as its non-superuser admin role.
 */
class LoginGroupsTest {
  private static final List<String> READ_WRITE = List.of("read", "write");

  @Test
  void aLoginChangesNoAclOnceItsGroupsExistAndStillHoldsExactlyItsPrivileges()
      throws Exception {
    List<String> roles = List.of(Logins.PREFIX + "groups0a", Logins.PREFIX + "groups0b");
    try (Connection c = admin()) {
      Logins.create(c, roles.get(0), "pw-a".toCharArray(), Instant.now().plusSeconds(600),
          "shop", "app", READ_WRITE);
      String acls = acls();
      assertThat(acls).as("no ACL names the login").doesNotContain(roles.get(0));
      Logins.create(c, roles.get(1), "pw-b".toCharArray(), Instant.now().plusSeconds(600),
          "shop", "app", List.of("read"));
      assertThat(acls()).as("a second login changed no ACL").isEqualTo(acls);

      try (Connection b = TargetPostgres.login(roles.get(1), "pw-b");
          Statement s = b.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM app.orders")) {
          assertThat(rs.next()).isTrue();
        }
        assertThat(refused(s, "INSERT INTO app.orders (item) VALUES ('x')")).isTrue();
        assertThat(refused(s, "SELECT * FROM hr.payroll")).isTrue();
      }
      for (String r : roles) {
        assertThat(Logins.drop(c, r, "shop", "app", READ_WRITE).dropped()).isTrue();
      }
    } finally {
      cleanUp(roles);
    }
  }

  @Test
  void aTableCreatedSinceIsReachedByTheNextLogin() throws Exception {
    String role = Logins.PREFIX + "groups1";
    try (Connection c = admin()) {
      Logins.create(c, Logins.PREFIX + "groups1warm", "pw".toCharArray(),
          Instant.now().plusSeconds(600), "shop", "app", List.of("read"));
      TargetPostgres.superuser("shop", "CREATE TABLE app.late (x int)",
          "ALTER TABLE app.late OWNER TO " + TargetPostgres.ADMIN);
      Logins.create(c, role, "pw-late".toCharArray(), Instant.now().plusSeconds(600), "shop",
          "app", List.of("read"));
      try (Connection l = TargetPostgres.login(role, "pw-late");
          Statement s = l.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM app.late")) {
        assertThat(rs.next()).isTrue();
      }
    } finally {
      cleanUp(List.of(role, Logins.PREFIX + "groups1warm"));
      TargetPostgres.superuser("shop", "DROP TABLE IF EXISTS app.late");
    }
  }

  @Test
  void loginsAreCreatedConcurrentlyWithoutErrors() throws Exception {
    List<String> roles = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit((Callable<Void>) () -> {
          try (Connection c = admin()) {
            for (int i = 0; i < 10; i++) {
              String role = Logins.PREFIX + "groups2t" + thread + "n" + i;
              synchronized (roles) {
                roles.add(role);
              }
              Logins.create(c, role, ("pw" + i).toCharArray(), Instant.now().plusSeconds(600),
                  "shop", "app", READ_WRITE);
            }
          }
          return null;
        }));
      }
      for (Future<Void> f : done) {
        f.get();
      }
      assertThat(TargetPostgres.imprintRoles()).containsAll(roles).hasSizeGreaterThan(39);
    } finally {
      pool.shutdownNow();
      cleanUp(roles);
    }
  }

  /** The ACLs of the database {@code shop}, the schema {@code app} and its objects. */
  private static String acls() throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(coalesce(acl, ''), '|' ORDER BY n)"
            + " FROM (SELECT 'db' n, datacl::text acl FROM pg_database WHERE datname = 'shop'"
            + " UNION ALL SELECT 'ns', nspacl::text FROM pg_namespace WHERE nspname = 'app'"
            + " UNION ALL SELECT relname, relacl::text FROM pg_class WHERE relnamespace ="
            + " 'app'::regnamespace) x")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static boolean refused(Statement s, String sql) {
    try {
      s.execute(sql);
      return false;
    } catch (SQLException e) {
      return "42501".equals(e.getSQLState());
    }
  }

  private static Connection admin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", TargetPostgres.ADMIN);
    p.setProperty("password", TargetPostgres.ADMIN_PASSWORD);
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
        + TargetPostgres.get().getPort() + "/shop", p);
  }

  private static void cleanUp(List<String> roles) throws SQLException {
    try (Connection c = admin()) {
      for (String r : roles) {
        Logins.drop(c, r, "shop", "app", READ_WRITE);
      }
    }
  }
}
