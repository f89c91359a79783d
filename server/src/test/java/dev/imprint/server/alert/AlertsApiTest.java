package dev.imprint.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alerts through a real server on each store: real attestations of a retired image, real
 * refused join tokens and real denied decisions raise alerts that the API lists, pages,
 * acknowledges and resolves, each step audited and counted in {@code /metrics}.
 */
class AlertsApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TD = "spiffe://imprint.local/";
  static final String PROVENANCE = "\"provenance\":{\"sourceRepository\":\"github.com/acme/pay\","
      + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}";

  @TempDir
  Path dir;

  static List<Stores.Kind> kinds() {
    return Stores.kinds().toList();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void retiredImageStillAttestingThenAlertedListedAcknowledgedAndResolved(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String api = TD + "payments/api";
      String digest = workload(s, api);
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        tokens.add(joinToken(s, digest, api));
      }
      ok(s.send("POST", "/v1/images/" + digest + "/retire", s.adminToken(),
          "{\"reason\":\"replaced by 1.1\"}"), 200);
      for (String t : tokens) {
        assertThat(attest(s, t).statusCode()).isEqualTo(409);
      }

      // the server's own evaluator reads the log every 2 s and may have raised either alert
      // already: assert what is stored once the log is read to its end, not who stored it
      s.server().alerts().evaluateNow();
      assertThat(rules(s.server().alerts())).containsExactlyInAnyOrder(
          Rules.RETIRED_STILL_ATTESTING, Rules.JOIN_TOKEN_REFUSALS);
      assertThat(s.server().alerts().evaluateNow()).isZero(); // stored once

      String auditor = ok(s.send("POST", "/v1/tokens", s.adminToken(),
          "{\"role\":\"auditor\"}"), 201).get("token").asText();
      JsonNode list = ok(s.send("GET", "/v1/alerts", auditor, null), 200);
      assertThat(list.get("items")).extracting(a -> a.get("rule").asText())
          .containsExactlyInAnyOrder(Rules.RETIRED_STILL_ATTESTING, Rules.JOIN_TOKEN_REFUSALS);
      JsonNode retired = find(list, Rules.RETIRED_STILL_ATTESTING);
      assertThat(retired.get("severity").asText()).isEqualTo("high");
      assertThat(retired.get("state").asText()).isEqualTo("open");
      assertThat(retired.get("subject").asText()).isEqualTo(api);
      assertThat(retired.at("/evidence/image").asText()).isEqualTo(digest);
      assertThat(retired.at("/evidence/imageStatus").asText()).isEqualTo("retired");
      assertThat(retired.at("/evidence/reason").asText()).isEqualTo("attest.image_not_approved");
      assertThat(retired.get("link").asText()).isEqualTo("/v1/images/" + digest);
      assertThat(ok(s.send("GET", retired.get("link").asText(), auditor, null), 200)
          .get("status").asText()).isEqualTo("retired");
      JsonNode refusals = find(list, Rules.JOIN_TOKEN_REFUSALS);
      assertThat(refusals.at("/evidence/refusals").asLong()).isEqualTo(5);
      for (String t : tokens) {
        assertThat(list.toString()).doesNotContain(t); // join-token secrets never appear
      }

      JsonNode page1 = ok(s.send("GET", "/v1/alerts?limit=1", auditor, null), 200);
      assertThat(page1.get("items")).hasSize(1);
      JsonNode page2 = ok(s.send("GET", "/v1/alerts?limit=1&cursor="
          + page1.get("next").asText(), auditor, null), 200);
      assertThat(page2.get("items")).hasSize(1);
      assertThat(page2.get("next").isNull()).isTrue();
      assertThat(page2.at("/items/0/id")).isNotEqualTo(page1.at("/items/0/id"));
      problem(s.send("GET", "/v1/alerts?state=closed", auditor, null), 400,
          "alert.state_invalid");
      problem(s.send("GET", "/v1/alerts?cursor=bm9wZQ", auditor, null), 400,
          "request.cursor_invalid");
      problem(s.send("GET", "/v1/alerts?limit=0", auditor, null), 400, "request.limit_invalid");

      String id = retired.get("id").asText();
      assertThat(s.send("POST", "/v1/alerts/" + id + "/acknowledge", auditor, null).statusCode())
          .isEqualTo(403);
      JsonNode acked = ok(s.send("POST", "/v1/alerts/" + id + "/acknowledge", s.adminToken(),
          "{\"note\":\"looking at the deploy\"}"), 200);
      assertThat(acked.get("state").asText()).isEqualTo("acknowledged");
      problem(s.send("POST", "/v1/alerts/" + id + "/acknowledge", s.adminToken(), null), 409,
          "alert.already_acknowledged");
      JsonNode resolved = ok(s.send("POST", "/v1/alerts/" + id + "/resolve", s.adminToken(),
          "{\"note\":\"old pods drained\"}"), 200);
      assertThat(resolved.get("state").asText()).isEqualTo("resolved");
      assertThat(resolved.get("resolvedBy").asText()).startsWith("token:");
      problem(s.send("POST", "/v1/alerts/" + id + "/resolve", s.adminToken(), null), 409,
          "alert.already_resolved");
      problem(s.send("POST", "/v1/alerts/al-00000000000000000000/resolve", s.adminToken(),
          null), 404, "alert.not_found");
      problem(s.send("GET", "/v1/alerts/nope", auditor, null), 404, "alert.not_found");
      assertThat(ok(s.send("GET", "/v1/alerts?state=open", auditor, null), 200).get("items"))
          .extracting(a -> a.get("rule").asText()).containsExactly(Rules.JOIN_TOKEN_REFUSALS);

      String entries = s.send("GET", "/v1/audit/entries?start=0&limit=1000", auditor, null)
          .body();
      assertThat(entries).contains("alert.raised").contains("alert.acknowledged")
          .contains("alert.resolved");
      s.awaitMetrics("imprint_alerts_total{rule=\"nhi.retired_still_attesting\","
          + "severity=\"high\"} 1.0");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void deniedDecisionBurstThenProbingAlert(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String api = TD + "payments/api";
      String digest = workload(s, api);
      JsonNode attested = ok(s.send("POST", "/v1/attest/join-token", null, "{\"join_token\":\""
          + joinToken(s, digest, api) + "\",\"audience\":\"imprint:authorize\"}"), 200);
      String svid = attested.at("/jwt_svid/token").asText();
      for (int i = 0; i < 19; i++) {
        JsonNode d = ok(s.send("POST", "/v1/authorize", svid, "{\"action\":\"read\","
            + "\"resource\":\"topic:secrets/" + i + "\"}"), 200);
        assertThat(d.get("decision").asText()).isEqualTo("deny");
      }
      s.server().decisions().flush();
      s.server().alerts().evaluateNow();
      assertThat(rules(s.server().alerts())).as("19 < 20").isEmpty();
      ok(s.send("POST", "/v1/authorize", svid, "{\"action\":\"read\","
          + "\"resource\":\"topic:secrets/last\"}"), 200);
      s.server().decisions().flush();
      s.server().alerts().evaluateNow(); // or the server's evaluator did, meanwhile
      assertThat(rules(s.server().alerts())).containsExactly(Rules.DENIED_BURST);
      assertThat(s.server().alerts().evaluateNow()).isZero(); // stored once
      JsonNode a = ok(s.send("GET", "/v1/alerts", s.adminToken(), null), 200).at("/items/0");
      assertThat(a.get("rule").asText()).isEqualTo(Rules.DENIED_BURST);
      assertThat(a.get("subject").asText()).isEqualTo(api);
      assertThat(a.at("/evidence/denied").asLong()).isEqualTo(20);
      assertThat(a.at("/evidence/lastResource").asText()).isEqualTo("topic:secrets/last");
      assertThat(a.at("/evidence/lastAction").asText()).isEqualTo("read");
      assertThat(a.toString()).doesNotContain(svid);
    }
  }

  /** The rules of the alerts stored now, newest first. */
  static List<String> rules(Alerts alerts) {
    return alerts.service().list(Optional.empty(), null, AlertService.MAX_PAGE)
        .items().stream().map(Alert::rule).toList();
  }

  static JsonNode find(JsonNode list, String rule) {
    for (JsonNode a : list.get("items")) {
      if (a.get("rule").asText().equals(rule)) {
        return a;
      }
    }
    throw new AssertionError("no alert of rule " + rule + " in " + list);
  }

  static String workload(TestServer s, String spiffeId) {
    ok(s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\"" + spiffeId
        + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}"), 201);
    String pipeline = ok(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"pipeline\","
        + "\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
    String d = digest(spiffeId + "-1.0");
    HttpResponse<String> r = s.send("POST", "/v1/images", pipeline, "{\"repository\":"
        + "\"registry.example/app\",\"digest\":\"" + d + "\",\"identity\":\"" + spiffeId + "\","
        + PROVENANCE + "}");
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    ok(s.send("POST", "/v1/images/" + d + "/approve", s.adminToken(),
        "{\"reason\":\"passed policy\"}"), 200);
    return d;
  }

  static String joinToken(TestServer s, String digest, String spiffeId) {
    return ok(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
  }

  static HttpResponse<String> attest(TestServer s, String joinToken) {
    return s.send("POST", "/v1/attest/join-token", null, "{\"join_token\":\"" + joinToken
        + "\",\"audience\":\"db\"}");
  }

  static String digest(String name) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode ok(HttpResponse<String> res, int status) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    try {
      return JSON.readTree(res.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(res.body(), e);
    }
  }

  static void problem(HttpResponse<String> res, int status, String code) {
    assertThat(res.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(ok(res, status).get("code").asText()).as(res.body()).isEqualTo(code);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
