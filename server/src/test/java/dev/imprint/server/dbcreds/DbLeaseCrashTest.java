package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.ServerProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real server process while workloads ask for database logins: after a restart on
 * the same store, the reaper drops every login the first process created, those it returned and
 * those it was still creating, and no role is left on the database server.
 */
class DbLeaseCrashTest {
  private static final int CLIENTS = 4;
  private static final int ACKS_BEFORE_KILL = 12;

  @TempDir Path dir;

  @Test
  void noLeaseSurvivesAKillDashNineMidIssueAndARestart() throws Exception {
    Set<String> before = new HashSet<>(TargetPostgres.imprintRoles());
    Path data = dir.resolve("data");
    ServerProcess first = ServerProcess.start(data, null, Map.of());
    String admin = first.adminToken();
    String svid = setUp(first, admin);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < CLIENTS; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          try {
            HttpResponse<String> r = first.send("POST", "/v1/db/credentials", svid,
                "{\"resource\":\"" + DbEstate.APP + "\",\"ttl\":\"5s\"}");
            if (r.statusCode() == 201) {
              acked.add(DbEstate.JSON.readTree(r.body()).get("username").asText());
            }
          } catch (IOException | RuntimeException e) {
            return;
          }
        }
      });
      th.start();
      clients.add(th);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (acked.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    first.kill();
    stop.set(true);
    for (Thread th : clients) {
      th.join(60_000);
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    Set<String> created = new HashSet<>(TargetPostgres.imprintRoles());
    created.removeAll(before);
    assertThat(created).as("the logins the first process created are still on the server")
        .isNotEmpty();

    try (ServerProcess second = ServerProcess.start(data, null, Map.of())) {
      // a lease recorded as pending whose role the kill prevented is ended as abandoned once its
      // pending grace (20 s) has passed; the others are dropped at once
      DbCredentialsApiTest.await(Duration.ofSeconds(90), () -> {
        Set<String> left = new HashSet<>(TargetPostgres.imprintRoles());
        left.removeAll(before);
        if (!left.isEmpty()) {
          return false;
        }
        try {
          for (JsonNode l : DbEstate.JSON.readTree(second.send("GET", "/v1/db/leases", admin,
              null).body()).get("leases")) {
            if (!l.get("state").asText().equals("ended") || l.get("droppedAt").isNull()) {
              return false;
            }
          }
          return true;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      JsonNode leases = DbEstate.JSON.readTree(second.send("GET", "/v1/db/leases", admin, null)
          .body()).get("leases");
      assertThat(leases.size()).isGreaterThanOrEqualTo(acked.size());
      Set<String> recorded = new HashSet<>();
      for (JsonNode l : leases) {
        recorded.add(l.get("username").asText());
        assertThat(l.get("state").asText()).as(l.toString()).isEqualTo("ended");
        assertThat(l.get("droppedAt").isNull()).as(l.toString()).isFalse();
      }
      assertThat(recorded).as("every role created was recorded first").containsAll(created)
          .containsAll(acked);
    }
  }

  /** A workload with an approved image, its grant, the server registered; returns its SVID. */
  private static String setUp(ServerProcess p, String admin) throws IOException {
    ok(p.send("POST", "/v1/db/servers", admin, "{\"name\":\"" + DbEstate.SERVER + "\",\"url\":\""
        + TargetPostgres.url() + "\",\"adminUser\":\"" + TargetPostgres.ADMIN + "\",\"password\":\""
        + TargetPostgres.ADMIN_PASSWORD + "\"}"), 201);
    ok(p.send("POST", "/v1/identities", admin, "{\"spiffeId\":\"" + DbEstate.API
        + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}"), 201);
    String pipeline = ok(p.send("POST", "/v1/tokens", admin, "{\"role\":\"pipeline\","
        + "\"identity\":\"" + DbEstate.API + "\"}"), 201).get("token").asText();
    String d = DbEstate.digest("crash-1.0");
    HttpResponse<String> r = p.send("POST", "/v1/images", pipeline, "{\"repository\":"
        + "\"registry.example/app\",\"digest\":\"" + d + "\",\"identity\":\"" + DbEstate.API
        + "\"," + DbEstate.PROVENANCE + "}");
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    ok(p.send("POST", "/v1/images/" + d + "/approve", admin, "{\"reason\":\"ok\"}"), 200);
    ok(p.send("PUT", "/v1/grants", admin, "{\"files\":[{\"name\":\"g.yaml\",\"content\":"
        + DbEstate.quote(DbEstate.HEADER + DbEstate.API_GRANTS) + "}]}"), 200);
    String jt = ok(p.send("POST", "/v1/join-tokens", admin, "{\"image\":\"" + d
        + "\",\"identity\":\"" + DbEstate.API + "\"}"), 201).get("token").asText();
    return ok(p.send("POST", "/v1/attest/join-token", admin, "{\"join_token\":\"" + jt
        + "\",\"audience\":\"" + LeaseService.AUDIENCE + "\"}"), 200).at("/jwt_svid/token")
        .asText();
  }

  private static JsonNode ok(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return DbEstate.json(r);
  }
}
