package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.attest;
import static dev.imprint.server.svid.Workloads.joinToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.testing.Together;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent redemptions of one join token succeed exactly once, also across two servers. */
class JoinTokenRaceTest {
  @TempDir Path dir;

  @Test
  void racingRedemptionsOnOneServerSucceedExactlyOnce() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String digest = Workloads.estate(s);
      for (int round = 0; round < 4; round++) {
        String jt = joinToken(s, s.adminToken(), digest, API);
        List<HttpResponse<String>> answers = Together.run(8, i -> attest(s, jt, "a", null));
        assertExactlyOne(answers);
      }
      assertThat(count(s, "attestation.accepted")).isEqualTo(4);
      assertThat(count(s, "attestation.refused")).isEqualTo(4 * 7);
    }
  }

  @Test
  void racingRedemptionsThroughTwoServersOnOnePostgresqlSucceedExactlyOnce() throws Exception {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = dir.resolve("kek");
    byte[] k = new byte[32];
    new java.security.SecureRandom().nextBytes(k);
    // owner-only, as the server requires of a key-encryption key file
    Files.createFile(kek, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(kek, Base64.getEncoder().encodeToString(k));
    try (TestServer a = start(url, dir.resolve("a"), kek);
        TestServer b = start(url, dir.resolve("b"), kek)) {
      String digest = Workloads.estate(a);
      List<TestServer> servers = List.of(a, b);
      for (int round = 0; round < 6; round++) {
        String jt = joinToken(a, a.adminToken(), digest, API);
        List<HttpResponse<String>> answers = Together.run(8, i -> attest(servers.get(i % 2), jt,
            "a", null));
        assertExactlyOne(answers);
      }
      assertThat(count(a, "attestation.accepted")).isEqualTo(6);
      assertThat(count(a, "attestation.refused")).isEqualTo(6 * 7);
      // the JWT-SVID one server issued validates on the other: one key set
      String jt = joinToken(a, a.adminToken(), digest, API);
      String jwt = Workloads.ok(attest(a, jt, "aud", null), 200).at("/jwt_svid/token").asText();
      String admin = a.adminToken();
      assertThat(validate(b, admin, jwt).get("valid").asBoolean()).isTrue();
      // a retirement through one server is refused by the other's validation at once
      Workloads.ok(a.send("POST", "/v1/images/" + digest + "/retire", a.adminToken(),
          "{\"reason\":\"CVE\"}"), 200);
      assertThat(eventually(() -> validate(b, admin, jwt).get("reason").asText()))
          .isEqualTo("svid.revoked_image_retired");
    }
  }

  /**
   * Polls until {@code read} gives something: the other replica hears of the change by a
   * notification. The bound is generous (a loaded CI machine), not a timing assertion: 2 s
   * was too short there, and a notification that never comes still fails.
   */
  static String eventually(java.util.function.Supplier<String> read) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String last = read.get();
    while ("null".equals(last) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = read.get();
    }
    return last;
  }

  static com.fasterxml.jackson.databind.JsonNode validate(TestServer s, String token,
      String jwt) {
    return Workloads.ok(s.send("POST", "/v1/svid/validate", token, "{\"token\":\"" + jwt
        + "\",\"audience\":\"aud\"}"), 200);
  }

  static TestServer start(String url, Path data, Path kek) {
    return TestServer.start(TestServer.config(data, url).withKekFile(kek)
        .withCheckpointInterval(java.time.Duration.ZERO));
  }

  static void assertExactlyOne(List<HttpResponse<String>> answers) {
    assertThat(answers).as("%s", answers.stream().map(HttpResponse::body).toList())
        .extracting(HttpResponse::statusCode)
        .containsExactlyInAnyOrder(200, 409, 409, 409, 409, 409, 409, 409);
    for (HttpResponse<String> r : answers) {
      if (r.statusCode() == 409) {
        assertThat(Workloads.json(r).get("code").asText()).isEqualTo("join_token.used");
      }
    }
  }

  static long count(TestServer s, String action) {
    return AuditActions.entries(s.server().database()).stream()
        .filter(e -> e.get("action").asText().equals(action)).count();
  }
}
