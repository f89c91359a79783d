package dev.imprint.server.dbcreds;

import static dev.imprint.server.dbcreds.DbEstate.API;
import static dev.imprint.server.dbcreds.DbEstate.APP;
import static dev.imprint.server.dbcreds.DbEstate.SHOP;
import static dev.imprint.server.dbcreds.DbEstate.WORKER;
import static dev.imprint.server.dbcreds.DbEstate.ask;
import static dev.imprint.server.dbcreds.DbEstate.ok;
import static dev.imprint.server.dbcreds.DbEstate.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Database logins end to end: a real server on port 0, a real HTTP client, and a genuine
 * PostgreSQL that the issued logins connect to with their passwords.
 */
class DbCredentialsApiTest {
  @TempDir Path dir;

  @BeforeAll
  static void target() {
    TargetPostgres.get();
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aReadLoginReadsWhatWasGrantedCannotWriteAndStopsWorkingWhenRevoked(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      JsonNode server = DbEstate.register(s);
      assertThat(server.toString()).doesNotContain(TargetPostgres.ADMIN_PASSWORD)
          .doesNotContain("password");
      String svid = DbEstate.svid(s, DbEstate.workload(s, API), API);
      DbEstate.grants(s, DbEstate.API_GRANTS);

      HttpResponse res = new HttpResponse(ask(s, svid, "{\"resource\":\"" + APP + "\","
          + "\"privileges\":[\"read\"],\"ttl\":\"10m\"}"));
      JsonNode login = ok(res.raw(), 201);
      assertThat(res.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
      String user = login.get("username").asText();
      String password = login.get("password").asText();
      assertThat(user).startsWith(Logins.PREFIX);
      assertThat(password).hasSizeGreaterThanOrEqualTo(40);
      assertThat(login.at("/lease/privileges")).extracting(JsonNode::asText)
          .containsExactly("read");
      assertThat(login.at("/lease/state").asText()).isEqualTo("active");
      assertThat(login.at("/lease/subject").asText()).isEqualTo(API);
      assertThat(Duration.between(Instant.now(), Instant.parse(login.get("expiresAt").asText())))
          .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(11));

      Connection session = TargetPostgres.login(user, password);
      try (Statement st = session.createStatement()) {
        assertThat(count(st, "SELECT count(*) FROM app.orders")).isEqualTo(2);
        assertThat(denied(st, "INSERT INTO app.orders (item) VALUES ('stolen')")).isTrue();
        assertThat(denied(st, "DELETE FROM app.orders")).isTrue();
        assertThat(denied(st, "SELECT * FROM hr.payroll")).isTrue();
        assertThat(denied(st, "CREATE TABLE app.mine (x int)")).isTrue();
      }

      JsonNode leases = ok(s.send("GET", "/v1/db/leases?state=active", s.adminToken(), null),
          200).get("leases");
      assertThat(leases).hasSize(1);
      String id = leases.get(0).get("id").asText();
      assertThat(leases.toString()).doesNotContain(password);

      JsonNode revoked = ok(s.send("POST", "/v1/db/leases/" + id + "/revoke", s.adminToken(),
          "{\"reason\":\"incident 42\"}"), 200);
      assertThat(revoked.get("state").asText()).isEqualTo("ended");
      assertThat(revoked.get("endReason").asText()).isEqualTo("revoked");
      assertThat(revoked.get("droppedAt").isNull()).isFalse();
      assertThatThrownBy(() -> {
        try (Statement st = session.createStatement()) {
          st.executeQuery("SELECT 1").close();
        }
      }).as("the open session was ended").isInstanceOf(SQLException.class);
      session.close();
      assertThatThrownBy(() -> TargetPostgres.login(user, password).close())
          .isInstanceOf(SQLException.class);
      assertThat(TargetPostgres.imprintRoles()).doesNotContain(user);
      problem(s.send("POST", "/v1/db/leases/" + id + "/revoke", s.adminToken(), null), 409,
          "db.lease_ended");

      List<String> actions = AuditActions.actions(s.server().database(), "db.");
      assertThat(actions).containsExactly("db.server.registered", "db.lease.issued",
          "db.lease.revoked", "db.lease.dropped");
      String everything = AuditActions.entries(s.server().database()).toString();
      assertThat(everything).doesNotContain(password).doesNotContain(
          TargetPostgres.ADMIN_PASSWORD);
      assertThat(storedText(s)).doesNotContain(password)
          .doesNotContain(TargetPostgres.ADMIN_PASSWORD);
      s.server().decisions().flush();
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e -> e.get("action")
          .asText().equals("authz.decided")
          && e.at("/details/requests").findValuesAsText("resource").contains(APP))
          .isNotEmpty();
    }
  }

  @Test
  void writeAndANamedRoleGiveExactlyThoseAndNoPrivilegesMeansAllThatAreGranted()
      throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      DbEstate.register(s);
      String svid = DbEstate.svid(s, DbEstate.workload(s, WORKER), WORKER);
      DbEstate.grants(s, DbEstate.WORKER_GRANTS);

      JsonNode w = ok(ask(s, svid, "{\"resource\":\"" + APP + "\"}"), 201);
      assertThat(w.at("/lease/privileges")).extracting(JsonNode::asText)
          .containsExactly("read", "write");
      try (Connection c = TargetPostgres.login(w.get("username").asText(),
          w.get("password").asText()); Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO app.orders (item) VALUES ('cake')");
        assertThat(count(st, "SELECT count(*) FROM app.orders WHERE item = 'cake'"))
            .isEqualTo(1);
        st.executeUpdate("DELETE FROM app.orders WHERE item = 'cake'");
        assertThat(denied(st, "SELECT * FROM hr.payroll")).isTrue();
      }

      JsonNode r = ok(ask(s, svid, "{\"resource\":\"" + SHOP + "\",\"privileges\":"
          + "[\"role:reporting\"]}"), 201);
      try (Connection c = TargetPostgres.login(r.get("username").asText(),
          r.get("password").asText()); Statement st = c.createStatement()) {
        assertThat(count(st, "SELECT count(*) FROM hr.payroll")).isEqualTo(1);
        assertThat(denied(st, "SELECT * FROM app.orders")).isTrue();
      }
      problem(ask(s, svid, "{\"resource\":\"" + SHOP + "\",\"privileges\":[\"role:admins\"]}"),
          403, "db.access_denied");
    }
  }

  @Test
  void whatIsNotGrantedOrNotWellFormedIsRefusedWithItsCode() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      DbEstate.register(s);
      String digest = DbEstate.workload(s, API);
      String svid = DbEstate.svid(s, digest, API);
      String body = "{\"resource\":\"" + APP + "\",\"privileges\":[\"read\"]}";
      problem(ask(s, svid, body), 403, "db.access_denied"); // no grants yet: deny by default
      DbEstate.grants(s, DbEstate.API_GRANTS);

      problem(ask(s, null, body), 401, "db.credential_missing");
      problem(ask(s, s.adminToken(), body), 401, "db.svid_invalid");
      String wrongAudience = DbEstate.ok(s.send("POST", "/v1/attest/join-token", null,
          "{\"join_token\":\"" + DbEstate.ok(s.send("POST", "/v1/join-tokens", s.adminToken(),
              "{\"image\":\"" + digest + "\",\"identity\":\"" + API + "\"}"), 201).get("token")
              .asText() + "\",\"audience\":\"imprint:authorize\"}"), 200).at("/jwt_svid/token")
          .asText();
      problem(ask(s, wrongAudience, body), 401, "db.svid_invalid");
      JsonNode denied = problem(ask(s, svid, "{\"resource\":\"" + APP + "\",\"privileges\":"
          + "[\"read\",\"write\"]}"), 403, "db.access_denied");
      assertThat(denied.get("detail").asText()).contains("'write'").contains("no_grant");
      problem(ask(s, svid, "{\"resource\":\"db:postgres://shop-db/shop/hr\"}"), 403,
          "db.access_denied");
      problem(ask(s, svid, "{\"resource\":\"db:postgres://shop-db/shop/*\"}"), 400,
          "db.resource_invalid");
      problem(ask(s, svid, "{\"resource\":\"db:postgres://shop-db/Shop/app\"}"), 400,
          "db.resource_invalid");
      problem(ask(s, svid, "{\"resource\":\"topic:orders\"}"), 400, "db.resource_invalid");
      problem(ask(s, svid, "{\"resource\":\"db:postgres://other-db/shop/app\"}"), 404,
          "db.server_unknown");
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"2h\"}"), 400,
          "db.ttl_invalid");
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"1s\"}"), 400,
          "db.ttl_invalid");
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\",\"privileges\":[\"READ\"]}"), 400,
          "db.privilege_invalid");
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\",\"privileges\":"
          + "[\"role:x\\\"; DROP ROLE postgres; --\"]}"), 400, "db.privilege_invalid");
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\",\"privileges\":[]}"), 400,
          "db.privilege_invalid");
      assertThat(ok(s.send("GET", "/v1/db/leases", s.adminToken(), null), 200).get("leases"))
          .as("no refusal leaves a lease").isEmpty();
    }
  }

  @Test
  void registrationChecksTheAdminRoleAndNeverShowsItsPassword() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String base = "{\"name\":\"shop-db\",\"url\":\"" + TargetPostgres.url()
          + "\",\"adminUser\":\"" + TargetPostgres.ADMIN + "\",\"password\":";
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), base + "\"wrong\"}"), 502,
          "db.admin_login_failed");
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), "{\"name\":\"Shop\",\"url\":\""
          + TargetPostgres.url() + "\",\"adminUser\":\"a\",\"password\":\"p\"}"), 400,
          "db.server_name_invalid");
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), "{\"name\":\"shop\",\"url\":"
          + "\"postgres://u:p@127.0.0.1/shop\",\"adminUser\":\"a\",\"password\":\"p\"}"), 400,
          "db.url_invalid");
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), "{\"name\":\"shop\",\"url\":"
          + "\"postgres://127.0.0.1/shop?sslmode=sometimes\",\"adminUser\":\"a\","
          + "\"password\":\"p\"}"), 400, "db.url_invalid");
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), "{\"name\":\"shop\",\"url\":\""
          + TargetPostgres.url() + "\",\"adminUser\":\"a\"}"), 400, "db.password_missing");
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), "{\"name\":\"shop\",\"url\":"
          + "\"postgres://127.0.0.1:1/shop?sslmode=disable\",\"adminUser\":\"a\","
          + "\"password\":\"p\"}"), 502, "db.server_unreachable");
      DbEstate.register(s);
      problem(s.send("POST", "/v1/db/servers", s.adminToken(), base + "\""
          + TargetPostgres.ADMIN_PASSWORD + "\"}"), 409, "db.server_exists");
      JsonNode list = ok(s.send("GET", "/v1/db/servers", s.adminToken(), null), 200);
      assertThat(list.get("servers")).hasSize(1);
      assertThat(list.toString()).doesNotContain(TargetPostgres.ADMIN_PASSWORD);
      assertThat(storedText(s)).doesNotContain(TargetPostgres.ADMIN_PASSWORD);
    }
  }

  @Test
  void anExpiredLoginCannotLogInAndTheReaperEndsItsOpenSessions() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String svid = DbEstate.apiWorkload(s);
      JsonNode login = ok(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"5s\"}"), 201);
      String user = login.get("username").asText();
      String password = login.get("password").asText();
      Connection session = TargetPostgres.login(user, password);
      Instant expires = Instant.parse(login.get("expiresAt").asText());
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis()));
      // from the expiry on (waited on, not slept past: PostgreSQL checks VALID UNTIL itself)
      await(() -> {
        try {
          TargetPostgres.login(user, password).close();
          return false;
        } catch (SQLException e) {
          return true;
        }
      });
      assertThatThrownBy(() -> TargetPostgres.login(user, password).close())
          .as("a login past VALID UNTIL is refused").isInstanceOf(SQLException.class);
      String id = login.at("/lease/id").asText();
      await(() -> {
        s.server().dbLeases().reap();
        return s.server().dbLeases().find(id).orElseThrow().droppedAt() != null;
      });
      assertThat(s.server().dbLeases().find(id).orElseThrow().endReason()).isEqualTo("expired");
      assertThatThrownBy(() -> {
        try (Statement st = session.createStatement()) {
          st.executeQuery("SELECT 1").close();
        }
      }).as("the session opened before expiry was ended").isInstanceOf(SQLException.class);
      session.close();
      assertThat(TargetPostgres.imprintRoles()).doesNotContain(user);
      problem(s.send("POST", "/v1/db/leases/" + id + "/renew", svid, null), 409,
          "db.lease_ended");
    }
  }

  @Test
  void disablingTheIdentityOrRetiringTheImageRevokesItsLeasesAtOnce() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      DbEstate.register(s);
      String apiDigest = DbEstate.workload(s, API);
      String apiSvid = DbEstate.svid(s, apiDigest, API);
      String workerDigest = DbEstate.workload(s, WORKER);
      String workerSvid = DbEstate.svid(s, workerDigest, WORKER);
      DbEstate.grants(s, DbEstate.API_GRANTS, DbEstate.WORKER_GRANTS);
      String body = "{\"resource\":\"" + APP + "\",\"privileges\":[\"read\"]}";
      JsonNode a = ok(ask(s, apiSvid, body), 201);
      JsonNode w = ok(ask(s, workerSvid, body), 201);

      ok(s.send("POST", "/v1/identities/" + IdentityService.idOf(API) + "/disable",
          s.adminToken(), "{\"reason\":\"incident\"}"), 200);
      String apiLease = a.at("/lease/id").asText();
      await(() -> s.server().dbLeases().find(apiLease).orElseThrow().droppedAt() != null);
      List<String> roles = TargetPostgres.imprintRoles();
      assertThat(roles).doesNotContain(a.get("username").asText())
          .contains(w.get("username").asText());
      problem(ask(s, apiSvid, body), 403, "db.workload_revoked");

      ok(s.send("POST", "/v1/images/" + workerDigest + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      String workerLease = w.at("/lease/id").asText();
      await(() -> s.server().dbLeases().find(workerLease).orElseThrow().droppedAt() != null);
      Lease ended = s.server().dbLeases().find(workerLease).orElseThrow();
      assertThat(ended.endReason()).isEqualTo("revoked");
      assertThatThrownBy(() -> TargetPostgres.login(w.get("username").asText(),
          w.get("password").asText()).close()).isInstanceOf(SQLException.class);
      assertThat(AuditActions.actions(s.server().database(), "db.lease.revoked")).hasSize(2);
    }
  }

  @Test
  void aWorkloadRenewsItsOwnLeaseUpToTheMaximumOnly() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      DbEstate.register(s);
      String apiSvid = DbEstate.svid(s, DbEstate.workload(s, API), API);
      String workerSvid = DbEstate.svid(s, DbEstate.workload(s, WORKER), WORKER);
      DbEstate.grants(s, DbEstate.API_GRANTS, DbEstate.WORKER_GRANTS);
      JsonNode login = ok(ask(s, apiSvid, "{\"resource\":\"" + APP + "\",\"ttl\":\"1m\"}"),
          201);
      String id = login.at("/lease/id").asText();
      problem(s.send("POST", "/v1/db/leases/" + id + "/renew", workerSvid, null), 403,
          "db.lease_forbidden");
      problem(s.send("POST", "/v1/db/leases/nope/renew", apiSvid, null), 404,
          "db.lease_not_found");
      JsonNode renewed = ok(s.send("POST", "/v1/db/leases/" + id + "/renew", apiSvid,
          "{\"ttl\":\"30m\"}"), 200);
      assertThat(renewed.get("renewals").asInt()).isEqualTo(1);
      Instant until = Instant.parse(renewed.get("expiresAt").asText());
      assertThat(Duration.between(Instant.now(), until)).isGreaterThan(Duration.ofMinutes(29));
      try (Connection c = TargetPostgres.get().getDatabase("postgres", "postgres")
          .getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
              "SELECT rolvaliduntil FROM pg_roles WHERE rolname = '"
                  + login.get("username").asText() + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1).toInstant()).isEqualTo(until);
      }
      try (Connection c = TargetPostgres.login(login.get("username").asText(),
          login.get("password").asText())) {
        assertThat(c.isValid(2)).isTrue();
      }
      assertThat(AuditActions.actions(s.server().database(), "db.lease.renewed")).hasSize(1);
    }
  }

  private static String storedText(TestServer s) {
    return s.server().database().read(c -> {
      StringBuilder b = new StringBuilder();
      for (String t : List.of("db_servers", "db_leases")) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT * FROM " + t)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              b.append(rs.getString(i)).append('|');
            }
          }
        }
      }
      return b.toString();
    });
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Whether PostgreSQL refuses {@code sql} for lack of privilege (SQLSTATE 42501). */
  private static boolean denied(Statement st, String sql) {
    try {
      st.execute(sql);
      return false;
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw new AssertionError("expected permission denied for " + sql + ", got "
            + e.getSQLState() + " " + e.getMessage(), e);
      }
      return true;
    }
  }

  static void await(BooleanSupplier done) throws InterruptedException {
    await(Duration.ofSeconds(20), done);
  }

  static void await(Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not done within " + limit);
      }
      Thread.sleep(100);
    }
  }

  /** A response, kept whole so a test can read its headers too. */
  private record HttpResponse(java.net.http.HttpResponse<String> raw) {}
}
