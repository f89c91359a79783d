package dev.imprint.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Workload and pipeline tokens bound to an identity, over real HTTP on both stores. */
class TokenBindingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "spiffe://imprint.local/payments/api";
  private static final String CI = "spiffe://imprint.local/ci/payments";
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aBoundTokenShowsItsIdentityAndStopsWhileItIsDisabledAndForGoodWhenOffboarded(
      Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      identity(s, API, "workload");
      identity(s, CI, "pipeline");
      String apiId = IdentityService.idOf(API);

      HttpResponse<String> res = createToken(s, "workload", API);
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
      JsonNode workload = JSON.readTree(res.body());
      assertThat(workload.get("identity").asText()).isEqualTo(API);
      assertThat(workload.get("identityId").asText()).isEqualTo(apiId);
      assertThat(workload.get("lastUsedAt").isNull()).isTrue();
      assertProblem(createToken(s, "workload", CI), 400, "token.identity_kind_mismatch",
          "kind pipeline");
      res = createToken(s, "workload", apiId);
      assertThat(res.statusCode()).as("bound by short id: " + res.body()).isEqualTo(201);
      JsonNode pipeline = JSON.readTree(res.body());
      String unbound = JSON.readTree(createToken(s, "pipeline", null).body()).get("token")
          .asText();
      String otherIdentity = JSON.readTree(createToken(s, "pipeline", CI).body()).get("token")
          .asText();

      JsonNode shown = JSON.readTree(s.send("GET", "/v1/tokens/" + workload.get("id").asText(),
          admin, null).body());
      assertThat(shown.get("identity").asText()).isEqualTo(API);
      assertThat(s.send("GET", "/v1/tokens", admin, null).body()).contains(API).contains(CI);
      JsonNode created = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("subject").asText().equals("token:" + workload.get("id").asText()))
          .findFirst().orElseThrow();
      assertThat(created.get("details").get("identity").asText()).isEqualTo(API);
      assertThat(created.get("details").get("role").asText()).isEqualTo("workload");

      // a workload token may call nothing here: 403 proves it authenticated, 401 that it did not
      String w = workload.get("token").asText();
      String p = pipeline.get("token").asText();
      assertThat(status(s, w)).isEqualTo(403);
      assertThat(status(s, p)).isEqualTo(403);

      move(s, apiId, "disable");
      assertThat(status(s, w)).isEqualTo(401);
      assertThat(status(s, p)).isEqualTo(401);
      assertThat(status(s, unbound)).isEqualTo(200);
      assertThat(status(s, otherIdentity)).isEqualTo(200);
      assertProblem(createToken(s, "workload", API), 409, "token.identity_inactive");
      assertThat(JSON.readTree(s.send("GET", "/v1/tokens/" + pipeline.get("id").asText(), admin,
          null).body()).get("revokedAt").isNull()).as("disabling revokes nothing").isTrue();

      move(s, apiId, "enable");
      assertThat(status(s, w)).isEqualTo(403);
      assertThat(status(s, p)).isEqualTo(403);

      move(s, apiId, "offboard");
      assertThat(status(s, w)).isEqualTo(401);
      assertThat(status(s, p)).isEqualTo(401);
      assertThat(status(s, otherIdentity)).isEqualTo(200);
      for (JsonNode t : List.of(workload, pipeline)) {
        JsonNode after = JSON.readTree(s.send("GET", "/v1/tokens/" + t.get("id").asText(), admin,
            null).body());
        assertThat(after.get("revokedAt").isNull()).as(after.toString()).isFalse();
      }
      List<JsonNode> revoked = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("token.revoked")).toList();
      assertThat(revoked).hasSize(2);
      assertThat(revoked).allSatisfy(e -> {
        assertThat(e.get("details").get("identity").asText()).isEqualTo(API);
        assertThat(e.get("details").get("reason").asText()).isEqualTo("test offboard");
      });
      assertProblem(createToken(s, "workload", API), 409, "token.identity_inactive",
          "offboarded");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void adminAndAuditorTokensCannotBeBoundAndAnUnknownIdentityIsRefused(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      identity(s, API, "workload");
      assertProblem(createToken(s, "admin", API), 400, "token.identity_not_allowed", "admin");
      assertProblem(createToken(s, "auditor", API), 400, "token.identity_not_allowed");
      assertProblem(createToken(s, "workload", "spiffe://imprint.local/nobody"), 400,
          "token.identity_unknown", "spiffe://imprint.local/nobody");
      assertProblem(createToken(s, "workload", "ffffffffffffffff"), 400,
          "token.identity_unknown");
      assertProblem(createToken(s, "workload", "payments/api"), 400, "token.identity_unknown");
      assertProblem(s.send("GET", "/v1/tokens/ffffffffffffffff", s.adminToken(), null), 404,
          "token.not_found");
      assertThat(AuditActions.actions(s.server().database(), "token."))
          .as("refusals create nothing").containsExactly("token.created");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void lastUseAndLastSightingAreWrittenAtShutdownAndShownAfterARestart(Stores.Kind kind)
      throws Exception {
    ServerConfig config = TestServer.config(dir, Stores.jdbcUrl(kind));
    String admin;
    String usedId;
    String idleId;
    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (TestServer s = TestServer.start(config)) {
      admin = s.adminToken();
      identity(s, API, "pipeline");
      identity(s, CI, "pipeline");
      JsonNode used = JSON.readTree(createToken(s, "pipeline", API).body());
      usedId = used.get("id").asText();
      idleId = JSON.readTree(createToken(s, "pipeline", CI).body()).get("id").asText();
      assertThat(status(s, used.get("token").asText())).isEqualTo(200);
    }
    try (TestServer s = TestServer.start(config)) {
      JsonNode listed = JSON.readTree(s.send("GET", "/v1/tokens", admin, null).body());
      JsonNode used = find(listed, usedId);
      assertThat(Instant.parse(used.get("lastUsedAt").asText())).isAfterOrEqualTo(before);
      assertThat(find(listed, idleId).get("lastUsedAt").isNull()).isTrue();
      JsonNode api = JSON.readTree(s.send("GET", "/v1/identities/" + IdentityService.idOf(API),
          admin, null).body());
      assertThat(api.get("lastSeenAt").asText()).isEqualTo(used.get("lastUsedAt").asText());
      JsonNode ci = JSON.readTree(s.send("GET", "/v1/identities/" + IdentityService.idOf(CI),
          admin, null).body());
      assertThat(ci.get("lastSeenAt").isNull()).as("its token was never used").isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aUseNotYetWrittenIsShownAtOnceByTheServerThatSawIt(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      identity(s, API, "pipeline");
      identity(s, CI, "pipeline");
      JsonNode used = JSON.readTree(createToken(s, "pipeline", API).body());
      String usedId = used.get("id").asText();
      String idleId = JSON.readTree(createToken(s, "pipeline", CI).body()).get("id").asText();
      assertThat(status(s, used.get("token").asText())).isEqualTo(200);

      // the periodic write is 30 s away: the store still has nothing
      Long stored = s.server().database().read(c -> {
        try (var ps = c.prepareStatement("SELECT last_used_at FROM api_tokens WHERE id = ?")) {
          ps.setString(1, usedId);
          try (var rs = ps.executeQuery()) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
          }
        }
      });
      assertThat(stored).isNull();

      JsonNode listed = JSON.readTree(s.send("GET", "/v1/tokens", admin, null).body());
      String lastUsed = find(listed, usedId).get("lastUsedAt").asText();
      assertThat(find(listed, idleId).get("lastUsedAt").isNull()).isTrue();
      assertThat(JSON.readTree(s.send("GET", "/v1/tokens/" + usedId, admin, null).body())
          .get("lastUsedAt").asText()).isEqualTo(lastUsed);
      JsonNode api = JSON.readTree(s.send("GET", "/v1/identities/" + IdentityService.idOf(API),
          admin, null).body());
      assertThat(api.get("lastSeenAt").asText()).isEqualTo(lastUsed);
      JsonNode all = JSON.readTree(s.send("GET", "/v1/identities", admin, null).body());
      for (JsonNode i : all.get("items")) {
        assertThat(i.get("lastSeenAt").isNull()).as(i.get("spiffeId").asText())
            .isEqualTo(i.get("spiffeId").asText().equals(CI));
      }
    }
  }

  private static JsonNode find(JsonNode list, String id) {
    for (JsonNode t : list.get("items")) {
      if (t.get("id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no token " + id + " in " + list);
  }

  private static void identity(TestServer s, String spiffeId, String kind) {
    HttpResponse<String> res = s.send("POST", "/v1/identities", s.adminToken(),
        "{\"spiffeId\":\"" + spiffeId + "\",\"kind\":\"" + kind + "\",\"owner\":\"team\"}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
  }

  private static HttpResponse<String> createToken(TestServer s, String role, String identity) {
    return s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"" + role + "\""
        + (identity == null ? "" : ",\"identity\":\"" + identity + "\"") + "}");
  }

  private static void move(TestServer s, String id, String what) {
    HttpResponse<String> res = s.send("POST", "/v1/identities/" + id + "/" + what,
        s.adminToken(), "{\"reason\":\"test " + what + "\"}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
  }

  /** The status of a read that pipelines may make. */
  private static int status(TestServer s, String token) {
    return s.send("GET", "/v1/identities", token, null).statusCode();
  }

  private static void assertProblem(HttpResponse<String> res, int status, String code,
      String... parts) throws Exception {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonNode p = JSON.readTree(res.body());
    assertThat(p.get("code").asText()).isEqualTo(code);
    for (String part : parts) {
      assertThat(p.get("detail").asText()).contains(part);
    }
  }
}
