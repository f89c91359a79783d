package dev.imprint.server.dbcreds;

import static dev.imprint.server.dbcreds.DbEstate.API;
import static dev.imprint.server.dbcreds.DbEstate.APP;
import static dev.imprint.server.dbcreds.DbEstate.ask;
import static dev.imprint.server.dbcreds.DbEstate.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
      DbEstate.register(s);
      String svid = DbEstate.svid(s, DbEstate.workload(s, API), API);
      DbEstate.grants(s, DbEstate.API_GRANTS);
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
