package dev.imprint.server.dbcreds;

import static dev.imprint.server.dbcreds.DbEstate.API;
import static dev.imprint.server.dbcreds.DbEstate.APP;
import static dev.imprint.server.dbcreds.DbEstate.ask;
import static dev.imprint.server.dbcreds.DbEstate.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Replicas;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orphan roles: roles of Imprint's naming scheme on a registered server that no lease names
 * (a crash, a store restored from an older backup) are dropped by the reaper once expired, and
 * audited; roles outside the scheme, roles still valid and leased roles are left alone.
 */
class DbOrphanRolesTest {
  @TempDir Path dir;

  @BeforeAll
  static void target() {
    TargetPostgres.get();
  }

  @Test
  void theReaperDropsExpiredOrphanRolesOfImprintsSchemeOnlyAndAuditsEach() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String svid = DbEstate.apiWorkload(s);
      JsonNode login = ok(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"10m\"}"), 201);
      String leased = login.get("username").asText();
      // made as Imprint makes them, by the admin role, but with no lease row
      asAdmin("CREATE ROLE imprint_l_orphan0expired LOGIN PASSWORD 'orphan-pw-1'"
              + " VALID UNTIL '2001-01-01 00:00:00+00'",
          "GRANT CONNECT ON DATABASE shop TO imprint_l_orphan0expired",
          "GRANT USAGE ON SCHEMA app TO imprint_l_orphan0expired",
          "GRANT SELECT ON ALL TABLES IN SCHEMA app TO imprint_l_orphan0expired",
          "CREATE ROLE imprint_l_orphan1valid LOGIN PASSWORD 'orphan-pw-2'"
              + " VALID UNTIL '2999-01-01 00:00:00+00'",
          "CREATE ROLE imprintl_lookalike LOGIN VALID UNTIL '2001-01-01 00:00:00+00'",
          "CREATE ROLE app_reader_expired LOGIN VALID UNTIL '2001-01-01 00:00:00+00'");
      try {
        // the scheduled sweep may have taken it first: either way it is dropped once
        assertThat(s.server().dbLeases().reapOrphans()).isLessThanOrEqualTo(1);

        List<String> roles = TargetPostgres.imprintRoles();
        assertThat(roles).doesNotContain("imprint_l_orphan0expired")
            .contains("imprint_l_orphan1valid", leased);
        assertThat(roleExists("imprintl_lookalike")).isTrue();
        assertThat(roleExists("app_reader_expired")).isTrue();
        assertThat(AuditActions.actions(s.server().database(), "db.orphan"))
            .containsExactly("db.orphan.dropped");
        assertThat(AuditActions.entries(s.server().database()).toString())
            .contains("imprint_l_orphan0expired").doesNotContain("orphan-pw-1");
        assertThat(s.server().dbLeases().reapOrphans()).as("a second sweep finds none")
            .isZero();
      } finally {
        for (String role : List.of("imprint_l_orphan0expired", "imprint_l_orphan1valid",
            "imprintl_lookalike", "app_reader_expired")) {
          if (roleExists(role)) {
            TargetPostgres.superuser("shop", "DROP OWNED BY " + role, "DROP ROLE " + role);
          }
        }
      }
    }
  }

  /**
   * Two replicas on one store that both listed the same expired orphan: the one whose DROP
   * found the role drops and audits it, the other finds it gone and audits nothing; then both
   * sweep several orphans at once and each is audited once.
   */
  @Test
  void twoReplicasDroppingTheSameOrphanAuditItOnce() throws Exception {
    List<String> roles = new ArrayList<>();
    try (Replicas pair = Replicas.start(dir)) {
      TestServer a = pair.a();
      TestServer b = pair.b();
      DbEstate.register(a);
      DbServer server = a.server().dbServers().find(DbEstate.SERVER).orElseThrow();
      for (int i = 0; i < 5; i++) {
        String role = "imprint_l_twice" + i;
        roles.add(role);
        asAdmin("CREATE ROLE " + role + " LOGIN VALID UNTIL '2001-01-01 00:00:00+00'",
            "GRANT CONNECT ON DATABASE shop TO " + role);
      }
      try (Connection ca = a.server().dbServers().connect(server, server.database());
          Connection cb = b.server().dbServers().connect(server, server.database())) {
        List<String> seenByA = a.server().dbLeases().orphans(server, ca);
        List<String> seenByB = b.server().dbLeases().orphans(server, cb);
        // the scheduled sweeps may have taken some already; both listings are taken first
        String role = roles.get(0);
        if (seenByA.contains(role) && seenByB.contains(role)) {
          a.server().dbLeases().dropOrphan(server, ca, role);
          assertThat(b.server().dbLeases().dropOrphan(server, cb, role))
              .as("the replica that lost the race did not drop it").isFalse();
        }
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> sweeps = new ArrayList<>();
      for (TestServer s : List.of(a, b, a, b)) {
        Thread t = new Thread(() -> {
          try {
            go.await();
            s.server().dbLeases().reapOrphans();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.start();
        sweeps.add(t);
      }
      go.countDown();
      for (Thread t : sweeps) {
        t.join(60_000);
      }
      for (String role : roles) {
        assertThat(roleExists(role)).as(role).isFalse();
      }
      Map<String, Long> audited = AuditActions.entries(a.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("db.orphan.dropped"))
          .map(e -> e.get("subject").asText())
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(audited).containsOnlyKeys(roles);
      assertThat(audited.values()).allMatch(n -> n == 1L);
    } finally {
      for (String role : roles) {
        if (roleExists(role)) {
          TargetPostgres.superuser("shop", "DROP OWNED BY " + role, "DROP ROLE " + role);
        }
      }
    }
  }

  private static void asAdmin(String... sql) throws SQLException {
    try (Connection c = TargetPostgres.login(TargetPostgres.ADMIN, TargetPostgres.ADMIN_PASSWORD);
        Statement st = c.createStatement()) {
      for (String q : sql) {
        st.execute(q);
      }
    }
  }

  private static boolean roleExists(String name) throws SQLException {
    try (Connection c = TargetPostgres.get().getDatabase("postgres", "postgres").getConnection();
        Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + name + "'")) {
      return rs.next();
    }
  }
}
