package dev.imprint.server.dbcreds;

import static dev.imprint.server.dbcreds.DbEstate.API;
import static dev.imprint.server.dbcreds.DbEstate.APP;
import static dev.imprint.server.dbcreds.DbEstate.WORKER;
import static dev.imprint.server.dbcreds.DbEstate.ok;
import static dev.imprint.server.dbcreds.DbEstate.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/db/credentials} honours an {@code Idempotency-Key} bound to the workload's
 * SPIFFE ID: a retry after a lost answer gets the original login (password included) and no
 * second role is created on the target PostgreSQL.
 */
class DbCredentialsIdempotencyTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String READ = "{\"resource\":\"" + APP + "\",\"privileges\":[\"read\"],"
      + "\"ttl\":\"10m\"}";

  @TempDir Path dir;

  @BeforeAll
  static void target() {
    TargetPostgres.get();
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetryGetsTheOriginalLoginAndCreatesNoSecondRole(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      DbEstate.register(s);
      String digest = DbEstate.workload(s, API);
      String svid = DbEstate.svid(s, digest, API);
      DbEstate.grants(s, DbEstate.API_GRANTS);
      Set<String> before = new HashSet<>(TargetPostgres.imprintRoles());
      String key = UUID.randomUUID().toString();

      HttpResponse<String> first = ask(s, svid, READ, key);
      JsonNode login = ok(first, 201);
      assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
      // the retry comes with a fresh JWT-SVID of the same workload: the key is the workload's
      String renewed = DbEstate.svid(s, digest, API);
      assertThat(renewed).isNotEqualTo(svid);
      HttpResponse<String> again = ask(s, renewed, READ, "\"" + key + "\"");
      JsonNode replayed = ok(again, 201);

      assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
      assertThat(again.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(replayed).isEqualTo(login);
      String user = login.get("username").asText();
      String password = login.get("password").asText();
      assertThat(newRoles(before)).as("one role on the target").containsExactly(user);
      try (Connection c = TargetPostgres.login(user, password)) {
        assertThat(c.isValid(2)).isTrue();
      }
      assertThat(ok(s.send("GET", "/v1/db/leases", s.adminToken(), null), 200).get("leases"))
          .hasSize(1);
      assertThat(AuditActions.actions(s.server().database(), "db.lease.issued")).hasSize(1);
      String stored = storedAnswers(s);
      assertThat(stored).as("an answer was stored").isNotEmpty();
      assertThat(stored).as("sealed").doesNotContain(password).doesNotContain(user);
    }
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefusedAndCreatesNothing() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.POSTGRESQL, dir)) {
      String svid = DbEstate.apiWorkload(s);
      Set<String> before = new HashSet<>(TargetPostgres.imprintRoles());
      String key = UUID.randomUUID().toString();
      String user = ok(ask(s, svid, READ, key), 201).get("username").asText();

      JsonNode p = problem(ask(s, svid, READ.replace("10m", "5m"), key), 422,
          "idempotency.key_reused");
      assertThat(p.toString()).doesNotContain(key);
      problem(ask(s, svid, READ, "too-short"), 400, "idempotency.key_invalid");
      assertThat(newRoles(before)).containsExactly(user);
      assertThat(AuditActions.actions(s.server().database(), "db.lease.issued")).hasSize(1);
    }
  }

  @Test
  void anotherWorkloadWithTheSameKeyGetsItsOwnLogin() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.POSTGRESQL, dir)) {
      DbEstate.register(s);
      String api = DbEstate.svid(s, DbEstate.workload(s, API), API);
      String worker = DbEstate.svid(s, DbEstate.workload(s, WORKER), WORKER);
      DbEstate.grants(s, DbEstate.API_GRANTS, DbEstate.WORKER_GRANTS);
      Set<String> before = new HashSet<>(TargetPostgres.imprintRoles());
      String key = UUID.randomUUID().toString();

      JsonNode apiLogin = ok(ask(s, api, READ, key), 201);
      HttpResponse<String> workerFirst = ask(s, worker, READ, key);
      JsonNode workerLogin = ok(workerFirst, 201);
      assertThat(workerFirst.headers().firstValue("Idempotency-Replayed")).isEmpty();
      assertThat(workerLogin.at("/lease/subject").asText()).isEqualTo(WORKER);
      assertThat(workerLogin.get("username")).isNotEqualTo(apiLogin.get("username"));

      // each workload's retry gets its own answer back
      HttpResponse<String> apiAgain = ask(s, api, READ, key);
      HttpResponse<String> workerAgain = ask(s, worker, READ, key);
      assertThat(apiAgain.headers().firstValue("Idempotency-Replayed")).hasValue("true");
      assertThat(workerAgain.headers().firstValue("Idempotency-Replayed")).hasValue("true");
      assertThat(ok(apiAgain, 201)).isEqualTo(apiLogin);
      assertThat(ok(workerAgain, 201)).isEqualTo(workerLogin);
      assertThat(newRoles(before)).containsExactlyInAnyOrder(
          apiLogin.get("username").asText(), workerLogin.get("username").asText());
    }
  }

  @Test
  void concurrentRequestsWithOneKeyLeaveOneLiveRole() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.POSTGRESQL, dir)) {
      String svid = DbEstate.apiWorkload(s);
      Set<String> before = new HashSet<>(TargetPostgres.imprintRoles());
      String key = UUID.randomUUID().toString();
      int n = 4;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      List<Future<HttpResponse<String>>> sent = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          sent.add(pool.submit(() -> {
            go.await();
            return ask(s, svid, READ, key);
          }));
        }
        go.countDown();
        List<JsonNode> answers = new ArrayList<>();
        for (Future<HttpResponse<String>> f : sent) {
          answers.add(ok(f.get(), 201));
        }
        assertThat(answers).hasSize(n);
        assertThat(new HashSet<>(answers)).as("all got one answer").hasSize(1);
        String user = answers.get(0).get("username").asText();
        // a request that lost the race ended its own lease and dropped its role before answering
        assertThat(newRoles(before)).containsExactly(user);
        assertThat(AuditActions.actions(s.server().database(), "db.lease.issued")).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aLoginWhoseLeaseCannotBeActivatedLeavesNoRoleAndARetryRunsAgain() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String svid = DbEstate.apiWorkload(s);
      Set<String> before = new HashSet<>(TargetPostgres.imprintRoles());
      // the store refuses the activation, after the role was created on the target
      storeDdl(s, "CREATE TRIGGER no_activation BEFORE UPDATE OF state ON db_leases WHEN"
          + " NEW.state = 'active' BEGIN SELECT RAISE(ABORT, 'injected'); END");
      String key = UUID.randomUUID().toString();

      HttpResponse<String> failed = ask(s, svid, READ, key);
      assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(400);
      assertThat(DbEstate.json(failed).get("code").asText()).startsWith("store.");
      assertThat(newRoles(before)).as("the role nobody received was dropped before the answer")
          .isEmpty();
      JsonNode leases = ok(s.send("GET", "/v1/db/leases", s.adminToken(), null), 200)
          .get("leases");
      assertThat(leases).hasSize(1);
      assertThat(leases.get(0).get("state").asText()).isEqualTo("ended");
      assertThat(leases.get(0).get("endReason").asText()).isEqualTo("abandoned");
      assertThat(leases.get(0).get("droppedAt").isNull()).isFalse();
      assertThat(storedAnswers(s)).as("nothing stored for the key").isEmpty();

      storeDdl(s, "DROP TRIGGER no_activation");
      HttpResponse<String> retry = ask(s, svid, READ, key);
      JsonNode login = ok(retry, 201);
      assertThat(retry.headers().firstValue("Idempotency-Replayed")).isEmpty();
      assertThat(newRoles(before)).containsExactly(login.get("username").asText());
    }
  }

  private static void storeDdl(TestServer s, String sql) {
    s.server().database().write(c -> {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
      return null;
    });
  }

  private static HttpResponse<String> ask(TestServer s, String svid, String body, String key)
      throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/db/credentials"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + svid)
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> newRoles(Set<String> before) {
    List<String> now = new ArrayList<>(TargetPostgres.imprintRoles());
    now.removeAll(before);
    return now;
  }

  private static String storedAnswers(TestServer s) {
    return s.server().database().read(c -> {
      StringBuilder b = new StringBuilder();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT request_hash, answer FROM idempotency_keys")) {
        while (rs.next()) {
          b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('\n');
        }
      }
      return b.toString();
    });
  }
}
