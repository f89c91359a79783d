package dev.imprint.server.image;

import static dev.imprint.server.image.Estate.PROVENANCE;
import static dev.imprint.server.image.Estate.digest;
import static dev.imprint.server.image.Estate.json;
import static dev.imprint.server.image.Estate.ok;
import static dev.imprint.server.image.Estate.problem;
import static dev.imprint.server.image.Estate.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.testing.Together;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two server instances on one PostgreSQL: nothing that must agree lives in one process. */
class SharedPostgresTest {
  @TempDir Path dir;

  @Test
  void anImageRetiredThroughOneServerIsRetiredWhenReadThroughTheOtherAtOnce() {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek();
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      assertThat(a.adminToken()).isNotNull();
      assertThat(b.adminToken()).as("one admin token for the shared store").isNull();
      String admin = a.adminToken();
      Estate.identity(a, ImageApiTest.API);
      String d = digest("shared");
      assertThat(register(a, d, ImageApiTest.API, PROVENANCE).statusCode()).isEqualTo(201);
      HttpResponse<String> again = b.send("POST", "/v1/images", admin, "{\"repository\":"
          + "\"registry.example/payments/api\",\"digest\":\"" + d + "\",\"identity\":\""
          + ImageApiTest.API + "\"}");
      assertThat(again.statusCode()).as("idempotent across servers").isEqualTo(200);
      ok(b.send("POST", "/v1/images/" + d + "/approve", admin, "{\"reason\":\"ok\"}"));
      ok(a.send("POST", "/v1/images/" + d + "/deploy", admin, null));
      ok(a.send("POST", "/v1/images/" + d + "/retire", admin, "{\"reason\":\"CVE-2026-1234\"}"));
      assertThat(json(b.send("GET", "/v1/images/" + d, admin, null)).get("status").asText())
          .isEqualTo("retired");
      problem(b.send("POST", "/v1/images/" + d + "/deploy", admin, null), 409,
          "image.illegal_transition", "is retired");
      assertThat(json(b.send("GET", "/v1/images/" + d, admin, null)).get("history"))
          .hasSize(4);
      assertThat(b.send("POST", "/v1/images/" + d + "/retire", admin, "{\"reason\":\"x\"}")
          .statusCode()).isEqualTo(409);
    }
  }

  @Test
  void registrationsOfOneDigestRacingThroughTwoServersGetOneImageAndOneAuditEntry() {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek();
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      String admin = a.adminToken();
      Estate.identity(a, ImageApiTest.API);
      Estate.identity(a, ImageApiTest.WORKER);
      List<TestServer> servers = List.of(a, b);
      IntFunction<String> asked = i -> (i / 2) % 2 == 0 ? ImageApiTest.API : ImageApiTest.WORKER;
      // Several rounds: each gives the two servers' transactions a chance to interleave.
      for (int round = 0; round < 6; round++) {
        String d = digest("shared-race-" + round);
        List<HttpResponse<String>> answers = Together.run(8, i -> servers.get(i % 2).send(
            "POST", "/v1/images", admin, "{\"repository\":\"registry.example/payments/api\","
                + "\"digest\":\"" + d + "\",\"identity\":\"" + asked.apply(i) + "\"}"));
        Estate.oneWinner(d, answers, asked);
        assertThat(Estate.audited(a, "image.registered", d)).as(d).isEqualTo(1);
        assertThat(json(b.send("GET", "/v1/images/" + d, admin, null)).get("history"))
            .hasSize(1);
      }
    }
  }

  @Test
  void creationsOfOneSpiffeIdRacingThroughTwoServersCreateOneAndRefuseTheRest() {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek();
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      String admin = a.adminToken();
      List<TestServer> servers = List.of(a, b);
      for (int round = 0; round < 6; round++) {
        String sid = "spiffe://imprint.local/payments/raced-" + round;
        List<HttpResponse<String>> answers = Together.run(8, i -> servers.get(i % 2).send("POST",
            "/v1/identities", admin, "{\"spiffeId\":\"" + sid + "\",\"kind\":\"workload\","
                + "\"owner\":\"team\",\"environment\":\"prod\"}"));
        assertThat(answers).as("%s", answers.stream().map(HttpResponse::body).toList())
            .extracting(HttpResponse::statusCode)
            .containsExactlyInAnyOrder(201, 409, 409, 409, 409, 409, 409, 409);
        for (HttpResponse<String> r : answers) {
          if (r.statusCode() == 409) {
            problem(r, 409, "identity.exists", sid);
          }
        }
        assertThat(Estate.audited(a, "identity.created", sid)).as(sid).isEqualTo(1);
      }
    }
  }

  @Test
  void uploadsForOneCommitRacingThroughTwoServersStoreOneAndRefuseOrRepeatTheRest() {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek();
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      String admin = a.adminToken();
      List<TestServer> servers = List.of(a, b);
      for (int round = 0; round < 6; round++) {
        String commit = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c" + round;
        // even calls send one report, odd calls each a report of their own
        List<HttpResponse<String>> answers = Together.run(8, i -> servers.get(i % 2).send("POST",
            "/v1/findings", admin, "{\"repository\":\"acme/payments\",\"commit\":\""
                + commit + "\",\"report\":{\"schemaVersion\":1,\"tool\":{\"version\":\""
                + (i % 2 == 0 ? "same" : "v" + i) + "\"},\"findings\":[]}}"));
        assertThat(answers).as("%s", answers.stream().map(HttpResponse::body).toList())
            .extracting(HttpResponse::statusCode).containsOnlyOnce(201);
        int winner = answers.stream().map(HttpResponse::statusCode).toList().indexOf(201);
        for (int i = 0; i < answers.size(); i++) {
          boolean sameAsWinner = i == winner || i % 2 == 0 && winner % 2 == 0;
          if (i != winner) {
            assertThat(answers.get(i).statusCode()).as(answers.get(i).body())
                .isEqualTo(sameAsWinner ? 200 : 409);
          }
        }
        List<Boolean> replaced = AuditActions.entries(a.server().database()).stream()
            .filter(e -> e.get("action").asText().equals("findings.uploaded"))
            .filter(e -> e.get("subject").asText().equals("acme/payments@" + commit))
            .map(e -> e.get("details").get("replaced").asBoolean()).toList();
        assertThat(replaced).as("one upload is stored; the rest change nothing")
            .containsExactly(false);
      }
    }
  }

  @Test
  void changesToTwoIdentitiesInterleavedThroughTwoServersAllSucceedWithoutADeadlock() {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = sharedKek();
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      String admin = a.adminToken();
      Estate.identity(a, ImageApiTest.API);
      Estate.identity(a, ImageApiTest.WORKER);
      List<String> ids = List.of(IdentityService.idOf(ImageApiTest.API),
          IdentityService.idOf(ImageApiTest.WORKER));
      List<TestServer> servers = List.of(a, b);
      // Each server's group commit batches changes to both identities (row locks) while the
      // other does the same in another order: before the writers' lock was taken first, some
      // of these failed with 503 store.error (deadlock detected).
      for (int round = 0; round < 10; round++) {
        int r = round;
        List<HttpResponse<String>> answers = Together.run(16, i -> servers.get(i % 2).send(
            "PATCH", "/v1/identities/" + ids.get((i / 2) % 2), admin,
            "{\"owner\":\"team-" + r + "-" + i + "\"}"));
        assertThat(answers).as("%s", answers.stream().map(HttpResponse::body).toList())
            .extracting(HttpResponse::statusCode).containsOnly(200);
      }
      assertThat(AuditActions.actions(a.server().database(), "identity.updated")).hasSize(160);
    }
  }

  /** Replicas on one store share the key-encryption key that wraps the audit signing key. */
  private Path sharedKek() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Path file = dir.resolve("kek");
    try {
      java.nio.file.Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
      java.nio.file.Files.setPosixFilePermissions(file,
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }

  private static TestServer start(String url, Path dir, Path kek) {
    return TestServer.start(TestServer.config(dir, url).withKekFile(kek));
  }
}
