package dev.imprint.server.image;

import static dev.imprint.server.image.Estate.PROVENANCE;
import static dev.imprint.server.image.Estate.digest;
import static dev.imprint.server.image.Estate.json;
import static dev.imprint.server.image.Estate.move;
import static dev.imprint.server.image.Estate.ok;
import static dev.imprint.server.image.Estate.problem;
import static dev.imprint.server.image.Estate.register;
import static dev.imprint.server.image.Estate.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.testing.Together;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageApiTest {
  static final String API = "spiffe://imprint.local/payments/api";
  static final String WORKER = "spiffe://imprint.local/payments/worker";
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void registeringADigestTwiceIsIdempotentAndADigestNeverChangesOwner(Stores.Kind kind) {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      Estate.identity(s, WORKER);
      String d = digest("api-1");
      HttpResponse<String> first = register(s, d, API, PROVENANCE);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      JsonNode img = json(first);
      assertThat(img.get("created").asBoolean()).isTrue();
      assertThat(img.get("status").asText()).isEqualTo("registered");
      assertThat(img.get("identity").asText()).isEqualTo(API);
      assertThat(img.get("provenance").get("commit").asText()).isEqualTo("3f9a1c2");
      assertThat(img.get("policy").get("passes").asBoolean()).isTrue();

      HttpResponse<String> again = register(s, d, API, PROVENANCE);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(json(again).get("created").asBoolean()).isFalse();
      assertThat(json(again).get("registeredAt")).isEqualTo(img.get("registeredAt"));

      problem(register(s, d, WORKER, ""), 409, "image.owner_conflict", API, WORKER);
      assertThat(json(s.send("GET", "/v1/images/" + d, s.adminToken(), null)).get("identity")
          .asText()).isEqualTo(API);
      assertThat(AuditActions.actions(s.server().database(), "image."))
          .containsExactly("image.registered");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void registrationsOfOneDigestThatRaceGetOneImageOneAuditEntryAndOneEvent(Stores.Kind kind) {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      Estate.identity(s, WORKER);
      String same = digest("raced-same-identity");
      List<HttpResponse<String>> answers = Together.run(8, i -> register(s, same, API,
          PROVENANCE));
      assertThat(answers).extracting(HttpResponse::statusCode)
          .containsExactlyInAnyOrder(201, 200, 200, 200, 200, 200, 200, 200);
      assertThat(Estate.oneWinner(same, answers, i -> API)).isEqualTo(API);

      String mixed = digest("raced-two-identities");
      Estate.oneWinner(mixed, Together.run(8, i -> register(s, mixed, i % 2 == 0 ? API : WORKER,
          PROVENANCE)), i -> i % 2 == 0 ? API : WORKER);
      for (String d : List.of(same, mixed)) {
        assertThat(Estate.audited(s, "image.registered", d)).isEqualTo(1);
        assertThat(json(s.send("GET", "/v1/images/" + d, s.adminToken(), null)).get("history"))
            .hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void badRegistrationsAreRefusedWithPreciseProblemsAndWriteNothing(Stores.Kind kind) {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      String admin = s.adminToken();
      problem(s.send("POST", "/v1/images", admin, "{\"repository\":\"registry.example/payments/"
          + "api\",\"tag\":\"1.4.2\",\"identity\":\"" + API + "\"}"), 400, "image.digest_missing",
          "only the tag '1.4.2'", "registered by digest");
      problem(register(s, "sha256:" + "A".repeat(64), API, ""), 400, "image.digest_invalid",
          "64 lower-case hex");
      problem(register(s, "sha256:abc", API, ""), 400, "image.digest_invalid");
      problem(s.send("POST", "/v1/images", admin, "{\"repository\":\"registry.example/pay:1.4\","
          + "\"digest\":\"" + digest("x") + "\",\"identity\":\"" + API + "\"}"), 400,
          "image.repository_invalid", "give the tag in 'tag'");
      problem(Estate.registerAs(s, admin, digest("x"), "spiffe://imprint.local/nobody", ""), 400,
          "image.identity_unknown", "spiffe://imprint.local/nobody");
      problem(register(s, digest("x"), API, "\"signature\":\"abc\""), 400,
          "request.unknown_field", "'signature'");
      problem(register(s, digest("x"), API, "\"provenance\":{\"branch\":\"main\"}"), 400,
          "request.unknown_field", "'branch'");
      problem(register(s, digest("x"), API, "\"scanReport\":" + "{\"runs\":3}"), 400,
          "image.scan_report_invalid");
      problem(register(s, digest("x"), API, "\"vulnerabilityReport\":" + "{\"a\":1}"), 400,
          "image.vulnerability_report_invalid", "Trivy", "Grype");
      s.send("POST", "/v1/identities/" + dev.imprint.server.identity.IdentityService.idOf(API)
          + "/disable", admin, null);
      problem(Estate.registerAs(s, admin, digest("x"), API, ""), 409, "image.identity_inactive",
          "disabled");
      assertThat(json(s.send("GET", "/v1/images", admin, null)).get("items")).isEmpty();
      assertThat(AuditActions.actions(s.server().database(), "image.")).isEmpty();
    }
  }

  /** Each state, each move: legal moves give 200, the rest 409 naming both states. */
  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void theLifecycleAllowsExactlyTheDocumentedMoves(Stores.Kind kind) {
    Map<String, List<String>> paths = Map.of(
        "registered", List.of(),
        "approved", List.of("approve"),
        "rejected", List.of("reject"),
        "deployed", List.of("approve", "deploy"),
        "retired", List.of("approve", "deploy", "retire"));
    Map<String, List<String>> legal = Map.of(
        "registered", List.of("approve", "reject"),
        "approved", List.of("deploy", "retire"),
        "rejected", List.of(),
        "deployed", List.of("retire"),
        "retired", List.of());
    Map<String, String> target = Map.of("approve", "approved", "reject", "rejected",
        "deploy", "deployed", "retire", "retired");
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      int n = 0;
      List<String> checked = new ArrayList<>();
      for (String state : paths.keySet()) {
        for (String verb : List.of("approve", "reject", "deploy", "retire")) {
          String d = digest(state + verb + n++);
          assertThat(register(s, d, API, PROVENANCE).statusCode()).isEqualTo(201);
          for (String step : paths.get(state)) {
            ok(move(s, d, step, "setup"));
          }
          HttpResponse<String> res = move(s, d, verb, "because");
          if (legal.get(state).contains(verb)) {
            ok(res);
            assertThat(json(res).get("status").asText()).isEqualTo(target.get(verb));
          } else {
            problem(res, 409, "image.illegal_transition", "is " + state,
                "requested state " + target.get(verb));
          }
          checked.add(state + ":" + verb);
        }
      }
      assertThat(checked).hasSize(20);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void approvalIsRefusedWithEveryViolatedClauseAndForcingIsOffByDefault(Stores.Kind kind)
      throws Exception {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      String bad = digest("bad");
      JsonNode reg = json(register(s, bad, API, "\"scanReport\":" + report("imprint-high.json")
          + ",\"vulnerabilityReport\":" + report("trivy-critical.json")));
      assertThat(reg.get("scan").get("counts").get("high").asInt()).isEqualTo(1);
      assertThat(reg.get("vulnerabilities").get("format").asText()).isEqualTo("trivy");
      assertThat(reg.get("policy").get("passes").asBoolean()).isFalse();
      assertThat(reg.get("policy").get("violations")).hasSize(4);

      problem(move(s, bad, "approve", "looks fine"), 422, "image.policy_violation",
          "findings.denyAtOrAbove: 1 Imprint finding at or above high",
          "vulnerabilities.denyAtOrAbove: 1 vulnerability at or above critical",
          "provenance.require: missing sourceRepository, commit",
          "reports.requireAttribution: the vulnerability report is about sha256:1111");
      problem(s.send("POST", "/v1/images/" + bad + "/approve", s.adminToken(),
          "{\"reason\":\"hotfix\",\"force\":true}"), 409, "image.force_not_allowed",
          "allowForce: false");
      String sarif = digest("sarif");
      register(s, sarif, API, PROVENANCE + ",\"scanReport\":" + report("imprint-critical.sarif"));
      problem(move(s, sarif, "approve", null), 422, "image.policy_violation",
          "2 Imprint findings at or above high (1 critical, 1 high in the sarif report)");
      String good = digest("good");
      register(s, good, API, PROVENANCE + ",\"scanReport\":" + report("imprint-clean.json")
          + ",\"vulnerabilityReport\":" + report("grype-clean.json"));
      ok(move(s, good, "approve", "passed policy"));
      assertThat(json(s.send("GET", "/v1/images/" + bad, s.adminToken(), null)).get("status")
          .asText()).isEqualTo("registered");
      assertThat(AuditActions.actions(s.server().database(), "image.")).containsExactly(
          "image.registered", "image.registered", "image.registered", "image.approved");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anAdminMayForceWithAReasonWhenThePolicyAllowsIt(Stores.Kind kind) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "allowForce: true\nprovenance:\n  require: [builder]\n");
    try (TestServer s = Estate.start(kind, dir, policy)) {
      Estate.identity(s, API);
      String d = digest("forced");
      register(s, d, API, "\"vulnerabilityReport\":" + report("trivy-critical.json"));
      assertThat(json(s.send("GET", "/v1/image-policy", s.adminToken(), null))
          .get("provenance").get("require").toString()).isEqualTo("[\"builder\"]");
      problem(s.send("POST", "/v1/images/" + d + "/approve", s.adminToken(),
          "{\"force\":true}"), 400, "image.reason_missing");
      HttpResponse<String> forced = s.send("POST", "/v1/images/" + d + "/approve",
          s.adminToken(), "{\"force\":true,\"reason\":\"CVE not reachable, ticket SEC-12\"}");
      ok(forced);
      JsonNode entry = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("image.approved")).findFirst()
          .orElseThrow();
      assertThat(entry.get("details").get("forced").asBoolean()).isTrue();
      assertThat(entry.get("details").get("violations").toString())
          .contains("vulnerabilities.denyAtOrAbove").contains("provenance.require: missing"
              + " builder");
      JsonNode history = json(s.send("GET", "/v1/images/" + d, s.adminToken(), null))
          .get("history");
      assertThat(history.get(1).get("action").asText()).isEqualTo("force-approve");
      assertThat(history.get(1).get("reason").asText()).isEqualTo("CVE not reachable, ticket"
          + " SEC-12");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void rollbackRedeploysThePredecessorAndRetiresTheCurrentImage(Stores.Kind kind) {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      String v1 = digest("v1");
      String v2 = digest("v2");
      String v3 = digest("v3");
      for (String d : List.of(v1, v2)) {
        register(s, d, API, PROVENANCE);
        ok(move(s, d, "approve", "ok"));
        ok(move(s, d, "deploy", null));
      }
      problem(move(s, v1, "rollback", "first"), 409, "image.no_predecessor", v1);
      ok(move(s, v1, "retire", "v2 rolled out"));
      problem(move(s, v2, "rollback", null), 400, "image.reason_missing");
      HttpResponse<String> rb = move(s, v2, "rollback", "v2 crashes at start");
      ok(rb);
      assertThat(json(rb).get("retired").get("digest").asText()).isEqualTo(v2);
      assertThat(json(rb).get("retired").get("status").asText()).isEqualTo("retired");
      assertThat(json(rb).get("deployed").get("digest").asText()).isEqualTo(v1);
      assertThat(json(rb).get("deployed").get("status").asText()).isEqualTo("deployed");
      problem(move(s, v2, "rollback", "again"), 409, "image.illegal_transition", "is retired");

      JsonNode h1 = json(s.send("GET", "/v1/images/" + v1, s.adminToken(), null)).get("history");
      assertThat(h1).extracting(e -> e.get("from").asText() + ">" + e.get("to").asText() + ":"
          + e.get("action").asText()).containsExactly("null>registered:register",
              "registered>approved:approve", "approved>deployed:deploy",
              "deployed>retired:retire", "retired>deployed:rollback");
      assertThat(h1.get(4).get("reason").asText()).isEqualTo("v2 crashes at start");
      assertThat(h1.get(4).get("actor").asText()).startsWith("token:");

      register(s, v3, API, PROVENANCE);
      assertThat(AuditActions.actions(s.server().database(), "image.")).containsExactly(
          "image.registered", "image.approved", "image.deployed",
          "image.registered", "image.approved", "image.deployed",
          "image.retired", "image.redeployed", "image.rolled_back", "image.registered");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void offboardingAnIdentityRetiresItsLiveImagesAndRejectsPendingOnes(Stores.Kind kind) {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      String pending = digest("pending");
      String live = digest("live");
      register(s, pending, API, PROVENANCE);
      register(s, live, API, PROVENANCE);
      ok(move(s, live, "approve", "ok"));
      ok(move(s, live, "deploy", null));
      String id = dev.imprint.server.identity.IdentityService.idOf(API);
      ok(s.send("POST", "/v1/identities/" + id + "/offboard", s.adminToken(),
          "{\"reason\":\"decommissioned\"}"));
      assertThat(status(s, pending)).isEqualTo("rejected");
      assertThat(status(s, live)).isEqualTo("retired");
      problem(Estate.registerAs(s, s.adminToken(), digest("new"), API, PROVENANCE), 409,
          "image.identity_inactive", "offboarded");
      List<String> listed = new ArrayList<>();
      json(s.send("GET", "/v1/images?status=retired&identity=" + id, s.adminToken(), null))
          .get("items").forEach(i -> listed.add(i.get("digest").asText()));
      assertThat(listed).containsExactly(live);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void imagesArePagedByDigestAndFilteredByIdentityRepositoryAndStatus(Stores.Kind kind) {
    try (TestServer s = Estate.start(kind, dir, null)) {
      Estate.identity(s, API);
      Estate.identity(s, WORKER);
      List<String> all = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String d = digest("page" + i);
        register(s, d, i % 2 == 0 ? API : WORKER, PROVENANCE);
        all.add(d);
      }
      ok(move(s, all.get(0), "reject", "no"));
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonNode page = json(s.send("GET", "/v1/images?limit=3" + (cursor == null ? ""
            : "&cursor=" + cursor), s.adminToken(), null));
        page.get("items").forEach(i -> seen.add(i.get("digest").asText()));
        cursor = page.get("next").isNull() ? null : page.get("next").asText();
        pages++;
      } while (cursor != null);
      assertThat(pages).isEqualTo(3);
      assertThat(seen).isSorted().containsExactlyInAnyOrderElementsOf(all);
      assertThat(json(s.send("GET", "/v1/images?identity=" + WORKER, s.adminToken(), null))
          .get("items")).hasSize(3);
      assertThat(json(s.send("GET", "/v1/images?status=rejected&repository="
          + "registry.example/payments/api", s.adminToken(), null)).get("items")).hasSize(1);
      problem(s.send("GET", "/v1/images?status=live", s.adminToken(), null), 400,
          "image.status_invalid");
    }
  }

  @org.junit.jupiter.api.Test
  void aServerWithAnInvalidPolicyFileRefusesToStartNamingTheFileAndLine() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "findings:\n  denyAtOrAbove: hihg\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Estate.start(Stores.Kind.SQLITE, dir, policy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy.yaml:2:").hasMessageContaining("got 'hihg'");
  }

  private static String status(TestServer s, String digest) {
    return json(s.send("GET", "/v1/images/" + digest, s.adminToken(), null)).get("status")
        .asText();
  }
}
