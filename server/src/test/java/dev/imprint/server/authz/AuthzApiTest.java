package dev.imprint.server.authz;

import static dev.imprint.server.authz.Grants.API;
import static dev.imprint.server.authz.Grants.GATEWAY;
import static dev.imprint.server.authz.Grants.WORKER;
import static dev.imprint.server.authz.Grants.files;
import static dev.imprint.server.authz.Grants.json;
import static dev.imprint.server.authz.Grants.ok;
import static dev.imprint.server.authz.Grants.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.authz.Decider;
import dev.imprint.authz.Policy;
import dev.imprint.authz.PolicySync;
import dev.imprint.authz.Request;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Grants plan/apply, the decision point, its records, unused and replay over real HTTP. */
class AuthzApiTest {
  static final String HEADER = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n";
  static final String POLICY = HEADER
      + "  - id: api-reads-orders\n"
      + "    subject: " + API + "\n"
      + "    resource: topic:orders/*\n"
      + "    actions: [read]\n"
      + "    conditions: {imageApproved: true, environment: [prod]}\n"
      + "  - id: no-secrets\n"
      + "    subject: spiffe://imprint.local/payments/*\n"
      + "    effect: deny\n"
      + "    resource: topic:orders/secret\n"
      + "    actions: [\"*\"]\n"
      + "  - id: payments-call-ledger\n"
      + "    subject: spiffe://imprint.local/payments/*\n"
      + "    resource: http:spiffe://imprint.local/ledger/api\n"
      + "    methods: [GET, POST]\n"
      + "    paths: [/entries/*]\n";

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aWorkloadAsksWithItsSvidAndGetsTheDecisionTheGrantsAndThePolicyVersion(
      Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Grants.workload(s, API);
      String svid = Grants.jwtSvid(s, digest, API, DecisionService.AUDIENCE);
      JsonNode plan = ok(s.send("POST", "/v1/grants/plan", s.adminToken(), files(POLICY, null)),
          200);
      assertThat(plan.get("currentVersion").asLong()).isZero();
      assertThat(plan.get("added")).extracting(g -> g.get("id").asText())
          .containsExactly("api-reads-orders", "no-secrets", "payments-call-ledger");
      assertThat(plan.get("errors")).isEmpty();
      assertThat(plan.get("warnings")).extracting(w -> w.get("code").asText() + " "
          + w.get("grant").asText()).contains("grant.wildcard no-secrets",
              "grant.no_expiry payments-call-ledger");
      JsonNode applied = ok(s.send("PUT", "/v1/grants", s.adminToken(), files(POLICY, 0L)), 200);
      assertThat(applied.get("version").asLong()).isEqualTo(1);
      assertThat(applied.get("applied").asBoolean()).isTrue();

      HttpResponse<String> answered = send(s, svid,
          "{\"action\":\"read\",\"resource\":\"topic:orders/daily\"}");
      assertThat(answered.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
          assertThat(t).startsWith("application/json"));
      assertThat(answered.headers().firstValueAsLong("Content-Length")).as("written whole")
          .hasValue(answered.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
      assertThat(answered.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonNode allow = ok(answered, 200);
      assertThat(allow.get("decision").asText()).isEqualTo("allow");
      assertThat(allow.get("reason").asText()).isEqualTo("allowed");
      assertThat(allow.get("grants")).extracting(JsonNode::asText)
          .containsExactly("api-reads-orders");
      assertThat(allow.get("policyVersion").asLong()).isEqualTo(1);
      assertThat(allow.get("subject").asText()).isEqualTo(API);

      JsonNode deny = authorize(s, svid, "read", "topic:orders/secret", null);
      assertThat(deny.get("decision").asText()).isEqualTo("deny");
      assertThat(deny.get("reason").asText()).isEqualTo("denied");
      assertThat(deny.get("grants")).extracting(JsonNode::asText).containsExactly("no-secrets");
      assertThat(authorize(s, svid, "write", "topic:orders/daily", null).get("reason").asText())
          .isEqualTo("no_grant");
      assertThat(authorize(s, svid, "GET", "http:spiffe://imprint.local/ledger/api",
          "{\"path\":\"/entries/7\"}").get("decision").asText()).isEqualTo("allow");
      assertThat(authorize(s, svid, "GET", "http:spiffe://imprint.local/ledger/api",
          "{\"path\":\"/entriesx\"}").get("decision").asText()).isEqualTo("deny");
      problem(send(s, svid, "{\"action\":\"GET\",\"resource\":"
          + "\"http:spiffe://imprint.local/ledger/api\",\"context\":{\"path\":\"/a%2fb\"}}"),
          400, "authz.request_invalid");
      problem(send(s, svid, "{\"action\":\"read\",\"resource\":\"topic:orders/daily\","
          + "\"context\":{\"imageApproved\":\"true\"}}"), 400, "authz.context_reserved");

      s.server().decisions().flush();
      List<JsonNode> decided = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("authz.decided")).toList();
      // one entry per subject, effect and reason and flush (a slow machine may flush twice)
      assertThat(decided.stream().collect(Collectors.groupingBy(e -> e.at("/details/effect")
          .asText() + " " + e.at("/details/reason").asText(), Collectors.summingLong(e ->
              e.at("/details/decisions").asLong())))).containsExactlyInAnyOrderEntriesOf(Map.of(
                  "allow allowed", 2L, "deny denied", 1L, "deny no_grant", 2L,
                  "deny invalid_request", 1L));
      assertThat(decided).allSatisfy(e -> assertThat(e.get("subject").asText()).isEqualTo(API));
      assertThat(decided).flatExtracting(e -> e.at("/details/requests").findValuesAsText(
          "resource")).hasSize(6);
      assertThat(decided).flatExtracting(e -> List.copyOf(e.at("/details/requests")
          .findParents("resource"))).filteredOn(r -> r.get("resource").asText()
              .equals("topic:orders/daily") && r.get("grants").size() == 1)
          .singleElement().satisfies(daily -> {
            assertThat(daily.get("resource").asText()).isEqualTo("topic:orders/daily");
            assertThat(daily.at("/grants/0").asText()).isEqualTo("api-reads-orders");
            assertThat(daily.get("policyVersion").asLong()).isEqualTo(1);
            assertThat(daily.get("via").asText()).isEqualTo("svid");
            assertThat(daily.at("/context/imageApproved").asText()).isEqualTo("true");
          });
      assertThat(AuditActions.actions(s.server().database(), "grants."))
          .containsExactly("grants.applied");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetiredImageOrADisabledIdentityIsDeniedWhateverTheGrants(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Grants.workload(s, API);
      String svid = Grants.jwtSvid(s, digest, API, DecisionService.AUDIENCE);
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(POLICY, null)), 200);
      assertThat(authorize(s, svid, "read", "topic:orders/a", null).get("decision").asText())
          .isEqualTo("allow");

      ok(s.send("POST", "/v1/identities/" + IdentityService.idOf(API) + "/disable",
          s.adminToken(), "{\"reason\":\"incident\"}"), 200);
      JsonNode inactive = authorize(s, svid, "read", "topic:orders/a", null);
      assertThat(inactive.get("decision").asText()).isEqualTo("deny");
      assertThat(inactive.get("reason").asText()).isEqualTo("identity_inactive");
      ok(s.send("POST", "/v1/identities/" + IdentityService.idOf(API) + "/enable",
          s.adminToken(), "{\"reason\":\"resolved\"}"), 200);
      assertThat(authorize(s, svid, "read", "topic:orders/a", null).get("decision").asText())
          .isEqualTo("allow");

      ok(s.send("POST", "/v1/images/" + digest + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      JsonNode retired = authorize(s, svid, "read", "topic:orders/a", null);
      assertThat(retired.get("decision").asText()).isEqualTo("deny");
      assertThat(retired.get("reason").asText()).as("imageApproved no longer holds")
          .isEqualTo("no_grant");
    }
  }

  @Test
  void validationRefusesUnknownIdentitiesAndWarnsOnInactiveAndUnmatchedOnes() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      Grants.identity(s, WORKER, "prod");
      ok(s.send("POST", "/v1/identities/" + IdentityService.idOf(WORKER) + "/disable",
          s.adminToken(), "{\"reason\":\"paused\"}"), 200);
      String yaml = HEADER
          + "  - {id: ghost, subject: " + API + ", resource: \"topic:x\", actions: [read]}\n"
          + "  - {id: paused, subject: " + WORKER + ", resource: \"topic:x\", actions: [read]}\n"
          + "  - {id: nobody, subject: \"spiffe://imprint.local/nobody/*\", resource: \"topic:x\","
          + " actions: [read]}\n"
          + "  - {id: foreign, subject: spiffe://other.td/a, resource: \"topic:x\","
          + " actions: [read]}\n";
      JsonNode refused = problem(s.send("PUT", "/v1/grants", s.adminToken(), files(yaml, null)),
          422, "grants.invalid");
      assertThat(refused.get("errors")).extracting(e -> e.get("code").asText() + " "
          + e.get("grant").asText()).containsExactlyInAnyOrder("grant.identity_unknown ghost",
              "grant.trust_domain foreign");
      assertThat(refused.get("errors").get(0).get("file").asText())
          .isEqualTo("grants/main.yaml");
      assertThat(refused.get("errors").get(0).get("line").asInt()).isPositive();
      assertThat(refused.get("warnings")).extracting(e -> e.get("code").asText() + " "
          + e.get("grant").asText()).contains("grant.identity_inactive paused",
              "grant.identity_unmatched nobody");
      problem(s.send("PUT", "/v1/grants", s.adminToken(), files(HEADER
          + "  - {id: bad, subject: \"spiffe://imprint.local/pay*\", resource: \"topic:x\","
          + " actions: [read]}\n", null)), 422, "grants.invalid");
      assertThat(AuditActions.actions(s.server().database(), "grants.")).isEmpty();

      Grants.identity(s, API, "prod");
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(HEADER + "  - {id: ok, subject: "
          + API + ", resource: \"topic:x\", actions: [read]}\n", 0L)), 200);
      JsonNode same = ok(s.send("PUT", "/v1/grants", s.adminToken(), files(HEADER
          + "  - {id: ok, subject: " + API + ", resource: \"topic:x\", actions: [read]}\n", 1L)),
          200);
      assertThat(same.get("applied").asBoolean()).as("nothing changed, no new version").isFalse();
      assertThat(same.get("version").asLong()).isEqualTo(1);
      problem(s.send("PUT", "/v1/grants", s.adminToken(), files(HEADER, 0L)), 409,
          "grants.version_conflict");
      problem(s.send("PUT", "/v1/grants", Grants.ok(s.send("POST", "/v1/tokens", s.adminToken(),
          "{\"role\":\"auditor\"}"), 201).get("token").asText(), files(HEADER, null)), 403,
          "auth.role_forbidden");
    }
  }

  @Test
  void theEmbeddedDeciderFollowsTheServersPolicyThroughEtags() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      Grants.identity(s, API, "prod");
      Decider decider = new Decider(Policy.empty());
      Request ask = Request.of(API, "read", "topic:x", Instant.now());
      try (PolicySync sync = PolicySync.create(URI.create(s.url()), s::adminToken, decider,
          HttpClient.newHttpClient())) {
        assertThat(sync.refresh()).as("version 0 is a policy too").isTrue();
        assertThat(decider.decide(ask).allowed()).isFalse();
        assertThat(sync.refresh()).as("304: unchanged").isFalse();
        ok(s.send("PUT", "/v1/grants", s.adminToken(), files(HEADER + "  - {id: x, subject: "
            + API + ", resource: \"topic:x\", actions: [read]}\n", null)), 200);
        assertThat(sync.refresh()).isTrue();
        assertThat(decider.policy().version()).isEqualTo(1);
        assertThat(decider.decide(ask).grants()).containsExactly("x");
      }
      HttpResponse<String> first = s.send("GET", "/v1/grants", s.adminToken(), null);
      String etag = first.headers().firstValue("ETag").orElseThrow();
      assertThat(json(first).get("policyVersion").asLong()).isEqualTo(1);
      HttpResponse<String> again = s.send("GET", "/v1/grants", s.adminToken(), null);
      assertThat(again.headers().firstValue("ETag")).contains(etag);
      try (PolicySync bad = PolicySync.create(URI.create(s.url()), () -> "imp_nope", decider,
          HttpClient.newHttpClient())) {
        org.assertj.core.api.Assertions.assertThatThrownBy(bad::refresh)
            .hasMessageContaining("401");
        assertThat(bad.lastError()).isPresent();
        assertThat(decider.policy().version()).as("the last good policy stays").isEqualTo(1);
      }
    }
  }

  @Test
  void aGatewayAsksAboutItsCallerWithItsOwnBoundTokenAndTheCallersSvid() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String digest = Grants.workload(s, API);
      Grants.identity(s, GATEWAY, "prod");
      String callerSvid = Grants.jwtSvid(s, digest, API, "spiffe://imprint.local/edge/gateway");
      String gatewayToken = ok(s.send("POST", "/v1/tokens", s.adminToken(),
          "{\"role\":\"workload\",\"identity\":\"" + GATEWAY + "\"}"), 201).get("token").asText();
      String unbound = ok(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"workload\"}"),
          201).get("token").asText();
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(POLICY, null)), 200);
      String body = "{\"action\":\"read\",\"resource\":\"topic:orders/a\",\"svid\":\""
          + callerSvid + "\",\"audience\":\"spiffe://imprint.local/edge/gateway\"}";
      JsonNode d = ok(send(s, gatewayToken, body), 200);
      assertThat(d.get("decision").asText()).isEqualTo("allow");
      assertThat(d.get("subject").asText()).isEqualTo(API);
      problem(send(s, unbound, body), 403, "authz.gateway_forbidden");
      problem(send(s, gatewayToken, "{\"action\":\"read\",\"resource\":\"topic:orders/a\"}"),
          400, "authz.svid_missing");
      problem(send(s, gatewayToken, body.replace("edge/gateway\"}", "edge/other\"}")), 401,
          "authz.svid_invalid");
      problem(send(s, callerSvid, "{\"action\":\"read\",\"resource\":\"topic:orders/a\"}"), 401,
          "authz.svid_invalid");
      problem(send(s, null, "{\"action\":\"read\",\"resource\":\"topic:orders/a\"}"), 401,
          "authz.credential_missing");
      s.server().decisions().flush();
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e ->
          e.get("action").asText().equals("authz.decided")).singleElement().satisfies(e ->
              assertThat(e.at("/details/requests/0/via").asText()).startsWith("token:"));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void recordedDecisionsTellUnusedGrantsDormantIdentitiesNarrowerGrantsAndReplayFlips(
      Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Grants.workload(s, API);
      Grants.identity(s, WORKER, "prod");
      String svid = Grants.jwtSvid(s, digest, API, DecisionService.AUDIENCE);
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(POLICY + "  - {id: worker-reads,"
          + " subject: " + WORKER + ", resource: \"topic:jobs\", actions: [read]}\n", null)), 200);
      for (int i = 0; i < 3; i++) {
        authorize(s, svid, "read", "topic:orders/daily", null);
      }
      authorize(s, svid, "read", "topic:orders/weekly", null);
      authorize(s, svid, "GET", "http:spiffe://imprint.local/ledger/api",
          "{\"path\":\"/entries/7\"}");

      JsonNode unused = ok(s.send("GET", "/v1/authz/unused?since=30d", s.adminToken(), null),
          200);
      assertThat(unused.get("grants")).extracting(g -> g.get("id").asText())
          .containsExactly("worker-reads");
      assertThat(unused.get("identities")).extracting(i -> i.get("spiffeId").asText())
          .containsExactly(WORKER);
      JsonNode narrow = unused.get("narrowings");
      assertThat(narrow).extracting(n -> n.get("id").asText())
          .contains("api-reads-orders", "payments-call-ledger");
      assertThat(narrow).filteredOn(n -> n.get("id").asText().equals("api-reads-orders"))
          .singleElement().satisfies(n -> {
            assertThat(n.get("decisions").asLong()).isEqualTo(4);
            assertThat(n.get("resources")).extracting(JsonNode::asText)
                .containsExactly("topic:orders/daily", "topic:orders/weekly");
          });
      assertThat(narrow).filteredOn(n -> n.get("id").asText().equals("payments-call-ledger"))
          .singleElement().satisfies(n -> assertThat(n.get("suggestion").asText())
              .contains("\"subject\":\"" + API + "\"").contains("/entries/7"));
      problem(s.send("GET", "/v1/authz/unused?since=yesterday", s.adminToken(), null), 400,
          "authz.since_invalid");

      String narrower = HEADER
          + "  - {id: api-reads-daily, subject: " + API + ", resource: \"topic:orders/daily\","
          + " actions: [read]}\n";
      JsonNode replay = ok(s.send("POST", "/v1/grants/replay", s.adminToken(),
          "{\"since\":\"7d\",\"files\":[{\"name\":\"c.yaml\",\"content\":" + Grants.quote(narrower)
              + "}]}"), 200);
      assertThat(replay.get("decisions").asLong()).isEqualTo(5);
      assertThat(replay.get("flips")).extracting(f -> f.get("resource").asText() + " "
          + f.get("recordedEffect").asText() + "->" + f.get("candidateEffect").asText())
          .containsExactlyInAnyOrder("topic:orders/weekly allow->deny",
              "http:spiffe://imprint.local/ledger/api allow->deny");
      problem(s.send("POST", "/v1/grants/replay", s.adminToken(), "{\"files\":[{\"name\":"
          + "\"c.yaml\",\"content\":\"grants: 7\"}]}"), 422, "grants.invalid");

      JsonNode why = ok(s.send("POST", "/v1/authz/explain", s.adminToken(), "{\"subject\":\""
          + API + "\",\"action\":\"read\",\"resource\":\"topic:orders/secret\",\"context\":"
          + "{\"imageApproved\":\"true\"}}"), 200);
      assertThat(why.get("decision").asText()).isEqualTo("deny");
      assertThat(why.get("verdicts")).extracting(v -> v.get("grant").asText() + " "
          + v.get("applies").asBoolean()).contains("no-secrets true", "api-reads-orders true");
    }
  }

  private static HttpResponse<String> send(TestServer s, String bearer, String body) {
    return s.send("POST", "/v1/authorize", bearer, body);
  }

  private static JsonNode authorize(TestServer s, String svid, String action, String resource,
      String context) {
    return ok(send(s, svid, "{\"action\":\"" + action + "\",\"resource\":\"" + resource + "\""
        + (context == null ? "" : ",\"context\":" + context) + "}"), 200);
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
