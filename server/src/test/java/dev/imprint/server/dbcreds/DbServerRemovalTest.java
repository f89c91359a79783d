package dev.imprint.server.dbcreds;

import static dev.imprint.server.dbcreds.DbEstate.API;
import static dev.imprint.server.dbcreds.DbEstate.APP;
import static dev.imprint.server.dbcreds.DbEstate.SERVER;
import static dev.imprint.server.dbcreds.DbEstate.ask;
import static dev.imprint.server.dbcreds.DbEstate.ok;
import static dev.imprint.server.dbcreds.DbEstate.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code DELETE /v1/db/servers/{name}}: refused while a lease has a role on the server, with
 * {@code revoke=true} ending and dropping every lease first, refused with nothing deleted when a
 * role cannot be dropped; the admin pools of a removed server are closed and the removal is
 * audited. Against a genuine PostgreSQL target.
 */
class DbServerRemovalTest {
  @TempDir Path dir;

  @BeforeAll
  static void target() {
    TargetPostgres.get();
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aServerWithLiveLeasesIsRemovedOnlyWithRevokeWhichDropsTheirRolesFirst(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String svid = DbEstate.apiWorkload(s);
      List<JsonNode> logins = List.of(
          ok(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"10m\"}"), 201),
          ok(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"10m\"}"), 201));
      String user = logins.get(0).get("username").asText();
      String password = logins.get(0).get("password").asText();
      assertThat(s.server().dbServers().openPools()).contains(SERVER + "/shop");

      JsonNode inUse = problem(s.send("DELETE", "/v1/db/servers/" + SERVER, s.adminToken(),
          null), 409, "db.server_in_use");
      assertThat(inUse.get("detail").asText()).startsWith("2 lease(s)");
      problem(s.send("DELETE", "/v1/db/servers/" + SERVER + "?revoke=yes", s.adminToken(),
          null), 400, "db.revoke_invalid");
      problem(s.send("DELETE", "/v1/db/servers/no-such-db", s.adminToken(), null), 404,
          "db.server_unknown");
      assertThat(s.send("DELETE", "/v1/db/servers/" + SERVER, null, null).statusCode())
          .isEqualTo(401);
      assertThat(ok(s.send("GET", "/v1/db/servers", s.adminToken(), null), 200)
          .get("servers")).hasSize(1);
      try (Connection c = TargetPostgres.login(user, password)) {
        assertThat(c.isValid(2)).as("refusing removed nothing").isTrue();
      }

      JsonNode removed = ok(s.send("DELETE", "/v1/db/servers/" + SERVER + "?revoke=true",
          s.adminToken(), null), 200);
      assertThat(removed.get("removed").asBoolean()).isTrue();
      assertThat(removed.get("leasesRevoked").asInt()).isEqualTo(2);
      assertThat(removed.get("leaseRecordsDeleted").asInt()).isEqualTo(2);
      for (JsonNode l : logins) {
        assertThat(TargetPostgres.imprintRoles()).doesNotContain(l.get("username").asText());
      }
      assertThatThrownBy(() -> TargetPostgres.login(user, password).close())
          .isInstanceOf(SQLException.class);
      assertThat(s.server().dbServers().openPools()).as("its pools are closed").isEmpty();
      assertThat(ok(s.send("GET", "/v1/db/servers", s.adminToken(), null), 200)
          .get("servers")).isEmpty();
      assertThat(ok(s.send("GET", "/v1/db/leases", s.adminToken(), null), 200).get("leases"))
          .isEmpty();
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\"}"), 404, "db.server_unknown");
      assertThat(AuditActions.actions(s.server().database(), "db.")).containsExactly(
          "db.server.registered", "db.lease.issued", "db.lease.issued", "db.lease.revoked",
          "db.lease.revoked", "db.lease.dropped", "db.lease.dropped", "db.server.removed");

      // registered again under the same name, with nothing live it is removed without revoke
      DbEstate.register(s);
      JsonNode plain = ok(s.send("DELETE", "/v1/db/servers/" + SERVER, s.adminToken(), null),
          200);
      assertThat(plain.get("leasesRevoked").asInt()).isZero();
    }
  }

  @Test
  void whenARoleCannotBeDroppedTheRemovalFailsAndNothingIsDeleted() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String svid = DbEstate.apiWorkload(s);
      String user = ok(ask(s, svid, "{\"resource\":\"" + APP + "\",\"ttl\":\"10m\"}"), 201)
          .get("username").asText();
      // an object the login owns: DROP ROLE refuses, and the admin role (not a superuser, and
      // without the login's privileges) may not DROP OWNED BY it either
      TargetPostgres.superuser("shop", "CREATE TABLE app.left_behind (x int)",
          "ALTER TABLE app.left_behind OWNER TO " + user);
      try {
        JsonNode failed = problem(s.send("DELETE", "/v1/db/servers/" + SERVER
            + "?revoke=true", s.adminToken(), null), 502, "db.revoke_failed");
        assertThat(failed.get("detail").asText()).startsWith("1 lease(s)")
            .contains("SQLSTATE");
        assertThat(TargetPostgres.imprintRoles()).contains(user);
        assertThat(ok(s.send("GET", "/v1/db/servers", s.adminToken(), null), 200)
            .get("servers")).hasSize(1);
        JsonNode leases = ok(s.send("GET", "/v1/db/leases", s.adminToken(), null), 200)
            .get("leases");
        assertThat(leases).hasSize(1);
        assertThat(leases.get(0).get("state").asText()).isEqualTo("ended");
        assertThat(leases.get(0).get("droppedAt").isNull()).isTrue();
        assertThat(AuditActions.actions(s.server().database(), "db.server"))
            .containsExactly("db.server.registered");
      } finally {
        TargetPostgres.superuser("shop", "DROP TABLE app.left_behind");
      }
      // once the role can go, the reaper drops it and the server can be removed
      s.server().dbLeases().reap();
      DbCredentialsApiTest.await(() -> !TargetPostgres.imprintRoles().contains(user));
      ok(s.send("DELETE", "/v1/db/servers/" + SERVER, s.adminToken(), null), 200);
    }
  }

  @Test
  void aServerRemovedBeforeTheLeaseIsRecordedAnswersServerRemoved() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String svid = DbEstate.apiWorkload(s);
      List<String> before = TargetPostgres.imprintRoles();
      s.server().dbLeases().steps(step -> {
        if (step.equals("decided")) {
          s.server().dbLeases().removeServer(SERVER, false, "test");
        }
      });
      problem(ask(s, svid, "{\"resource\":\"" + APP + "\"}"), 409, "db.server_removed");
      assertThat(ok(s.send("GET", "/v1/db/leases", s.adminToken(), null), 200).get("leases"))
          .isEmpty();
      assertThat(TargetPostgres.imprintRoles()).isEqualTo(before);
    }
  }

  @Test
  void aServerRemovedWhileItsLoginIsCreatedAnswersServerRemovedAndLeavesNoRole()
      throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String svid = DbEstate.apiWorkload(s);
      java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> removal =
          new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.atomic.AtomicReference<String> created =
          new java.util.concurrent.atomic.AtomicReference<>();
      s.server().dbLeases().steps(step -> {
        if (!step.equals("created")) {
          return;
        }
        created.set(s.server().dbLeases().list("pending", null, null).get(0).username());
        // the removal revokes the pending lease, deletes it with the server, then waits for
        // this admin connection before closing the pool
        Thread t = new Thread(() -> removal.complete(s.send("DELETE", "/v1/db/servers/"
            + SERVER + "?revoke=true", s.adminToken(), null)));
        t.start();
        try {
          DbCredentialsApiTest.await(() -> s.server().dbServers().find(SERVER).isEmpty());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      JsonNode p = problem(ask(s, svid, "{\"resource\":\"" + APP + "\"}"), 409,
          "db.server_removed");
      assertThat(p.get("detail").asText()).contains(SERVER);
      assertThat(created.get()).as("the role was created before the removal").isNotNull();
      JsonNode removed = ok(removal.get(60, java.util.concurrent.TimeUnit.SECONDS), 200);
      assertThat(removed.get("leasesRevoked").asInt()).isEqualTo(1);
      assertThat(TargetPostgres.imprintRoles()).as("no role left on the target")
          .doesNotContain(created.get());
      assertThat(s.server().dbServers().openPools()).isEmpty();
    }
  }
}
