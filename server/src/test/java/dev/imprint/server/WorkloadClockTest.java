package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workload identity over time, with the server's clock moved by the test: a join token expires,
 * a renewal replaces the session once past half its life, and an expired session is refused.
 */
class WorkloadClockTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String API = "spiffe://imprint.local/payments/api";
  static final String DIGEST = "sha256:" + "cd".repeat(32);
  @TempDir Path dir;

  @Test
  void aJoinTokenExpiresAndASessionIsReplacedPastHalfItsLifeAndRefusedOnceExpired()
      throws Exception {
    MovableClock clock = new MovableClock();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ImprintServer s = ImprintServer.start(TestServer.config(dir, null)
        .withCheckpointInterval(Duration.ZERO), new PrintStream(console, true,
            StandardCharsets.UTF_8), clock)) {
      String admin = console.toString(StandardCharsets.UTF_8)
          .replaceAll("(?s).*admin token: (\\S+).*", "$1");
      call(s, "/v1/identities", admin, "{\"spiffeId\":\"" + API + "\",\"kind\":\"workload\","
          + "\"owner\":\"team\",\"environment\":\"prod\"}", 201);
      String pipeline = call(s, "/v1/tokens", admin, "{\"role\":\"pipeline\",\"identity\":\""
          + API + "\"}", 201).get("token").asText();
      call(s, "/v1/images", pipeline, "{\"repository\":\"registry.example/pay\",\"digest\":\""
          + DIGEST + "\",\"identity\":\"" + API + "\",\"provenance\":{\"sourceRepository\":"
          + "\"github.com/acme/pay\",\"commit\":\"3f9a1c2\"}}", 201);
      call(s, "/v1/images/" + DIGEST + "/approve", admin, "{\"reason\":\"ok\"}", 200);

      String late = joinToken(s, admin);
      clock.advance(Duration.ofMinutes(11));
      assertThat(call(s, "/v1/attest/join-token", null, "{\"join_token\":\"" + late
          + "\",\"audience\":\"a\"}", 409).get("code").asText()).isEqualTo("join_token.expired");

      JsonNode first = call(s, "/v1/attest/join-token", null, "{\"join_token\":\""
          + joinToken(s, admin) + "\",\"audience\":\"a\"}", 200);
      String session = first.at("/session/token").asText();
      clock.advance(Duration.ofMinutes(29));
      assertThat(call(s, "/v1/svid/renew", session, "{\"audience\":\"a\"}", 200)
          .at("/session/token").asText()).as("kept before half its life").isEqualTo(session);
      clock.advance(Duration.ofMinutes(2));
      JsonNode renewed = call(s, "/v1/svid/renew", session, "{\"audience\":\"a\"}", 200);
      String next = renewed.at("/session/token").asText();
      assertThat(next).as("replaced past half its life").isNotEqualTo(session);
      assertThat(Instant.parse(renewed.at("/session/expires_at").asText()))
          .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
      Instant jwtExpiry = Instant.parse(renewed.at("/jwt_svid/expires_at").asText());
      assertThat(Instant.parse(renewed.at("/renew_after").asText()))
          .as("half-way to the earliest expiry, to the nanosecond").isEqualTo(clock.instant()
              .plus(Duration.between(clock.instant(), jwtExpiry).dividedBy(2)));
      clock.advance(Duration.ofMinutes(31));
      assertThat(call(s, "/v1/svid/renew", session, "{\"audience\":\"a\"}", 401)
          .get("code").asText()).as("the old session expired").isEqualTo("svid.session_invalid");
      call(s, "/v1/svid/renew", next, "{\"audience\":\"a\"}", 200);
    }
  }

  /**
   * The decision point remembers a JWT-SVID it validated, but only until the token expires (plus
   * the 30 s of skew every verifier allows): a remembered token is refused once expired.
   */
  @Test
  void aRememberedSvidIsDecidedUntilItExpiresAndRefusedAfter() throws Exception {
    MovableClock clock = new MovableClock();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ImprintServer s = ImprintServer.start(TestServer.config(dir, null)
        .withCheckpointInterval(Duration.ZERO), new PrintStream(console, true,
            StandardCharsets.UTF_8), clock)) {
      String admin = console.toString(StandardCharsets.UTF_8)
          .replaceAll("(?s).*admin token: (\\S+).*", "$1");
      call(s, "/v1/identities", admin, "{\"spiffeId\":\"" + API + "\",\"kind\":\"workload\","
          + "\"owner\":\"team\",\"environment\":\"prod\"}", 201);
      String pipeline = call(s, "/v1/tokens", admin, "{\"role\":\"pipeline\",\"identity\":\""
          + API + "\"}", 201).get("token").asText();
      call(s, "/v1/images", pipeline, "{\"repository\":\"registry.example/pay\",\"digest\":\""
          + DIGEST + "\",\"identity\":\"" + API + "\",\"provenance\":{\"sourceRepository\":"
          + "\"github.com/acme/pay\",\"commit\":\"3f9a1c2\"}}", 201);
      call(s, "/v1/images/" + DIGEST + "/approve", admin, "{\"reason\":\"ok\"}", 200);
      call(s, "PUT", "/v1/grants", admin, "{\"files\":[{\"name\":\"g.yaml\",\"content\":"
          + JSON.writeValueAsString("apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n"
          + "  - id: api-reads\n    subject: " + API + "\n    resource: topic:orders/*\n"
          + "    actions: [read]\n") + "}]}", 200);
      String svid = call(s, "/v1/attest/join-token", null, "{\"join_token\":\""
          + joinToken(s, admin) + "\",\"audience\":\"imprint:authorize\"}", 200)
          .at("/jwt_svid/token").asText();
      String ask = "{\"action\":\"read\",\"resource\":\"topic:orders/a\"}";
      assertThat(call(s, "/v1/authorize", svid, ask, 200).get("decision").asText())
          .isEqualTo("allow");
      clock.advance(Duration.ofMinutes(5).plusSeconds(25));
      assertThat(call(s, "/v1/authorize", svid, ask, 200).get("decision").asText())
          .as("expired, but within the skew").isEqualTo("allow");
      clock.advance(Duration.ofSeconds(10));
      JsonNode refused = call(s, "/v1/authorize", svid, ask, 401);
      assertThat(refused.get("code").asText()).isEqualTo("authz.svid_invalid");
      assertThat(refused.get("detail").asText()).endsWith("svid.expired");
    }
  }

  static String joinToken(ImprintServer s, String admin) throws Exception {
    return call(s, "/v1/join-tokens", admin, "{\"image\":\"" + DIGEST + "\",\"identity\":\""
        + API + "\"}", 201).get("token").asText();
  }

  static JsonNode call(ImprintServer s, String path, String token, String body, int status)
      throws Exception {
    return call(s, "POST", path, token, body, status);
  }

  static JsonNode call(ImprintServer s, String method, String path, String token, String body,
      int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }
}
