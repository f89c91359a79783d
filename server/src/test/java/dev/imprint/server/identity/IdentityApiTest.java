package dev.imprint.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.testing.Together;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IdentityApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static JsonNode json(HttpResponse<String> res) throws Exception {
    return JSON.readTree(res.body());
  }

  static HttpResponse<String> create(TestServer s, String spiffeId, String kind, String owner,
      String env, String labels) {
    return s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\"" + spiffeId
        + "\",\"kind\":\"" + kind + "\",\"owner\":\"" + owner + "\",\"environment\":\"" + env
        + "\"" + (labels == null ? "" : ",\"labels\":" + labels) + "}");
  }

  static void assertProblem(HttpResponse<String> res, int status, String code, String... parts)
      throws Exception {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonNode p = json(res);
    assertThat(p.get("code").asText()).as(res.body()).isEqualTo(code);
    for (String part : parts) {
      assertThat(p.get("detail").asText()).contains(part);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void createdIdentityIsReadableByShortIdAndADuplicateIsAConflict(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      HttpResponse<String> res = create(s, "spiffe://imprint.local/payments/api", "workload",
          "team-payments", "prod", "{\"tier\":\"1\",\"app.kubernetes.io/name\":\"api\"}");
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
      JsonNode created = json(res);
      String id = created.get("id").asText();
      assertThat(id).isEqualTo(IdentityService.idOf("spiffe://imprint.local/payments/api"))
          .matches("[0-9a-f]{16}");
      assertThat(res.headers().firstValue("Location")).hasValue("/v1/identities/" + id);
      assertThat(created.get("status").asText()).isEqualTo("active");
      assertThat(created.get("lastSeenAt").isNull()).isTrue();

      JsonNode shown = json(s.send("GET", "/v1/identities/" + id, s.adminToken(), null));
      assertThat(shown.get("spiffeId").asText()).isEqualTo("spiffe://imprint.local/payments/api");
      assertThat(shown.get("kind").asText()).isEqualTo("workload");
      assertThat(shown.get("environment").asText()).isEqualTo("prod");
      assertThat(shown.get("labels").get("app.kubernetes.io/name").asText()).isEqualTo("api");

      assertProblem(create(s, "spiffe://imprint.local/payments/api", "bot", "x", "dev", null),
          409, "identity.exists", "spiffe://imprint.local/payments/api", id);
      assertProblem(s.send("GET", "/v1/identities/ffffffffffffffff", s.adminToken(), null), 404,
          "identity.not_found");
      assertThat(AuditActions.actions(s.server().database(), "identity."))
          .containsExactly("identity.created");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void creationsOfOneSpiffeIdThatRaceCreateOneAndAnswerTheRestAsARepeatWould(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String sid = "spiffe://imprint.local/payments/raced";
      List<HttpResponse<String>> answers = Together.run(8, i -> create(s, sid, "workload",
          "team-" + i, "prod", null));
      assertThat(answers).extracting(HttpResponse::statusCode)
          .containsExactlyInAnyOrder(201, 409, 409, 409, 409, 409, 409, 409);
      for (HttpResponse<String> r : answers) {
        if (r.statusCode() == 409) {
          assertProblem(r, 409, "identity.exists", sid, IdentityService.idOf(sid));
        }
      }
      assertThat(AuditActions.actions(s.server().database(), "identity."))
          .containsExactly("identity.created");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void invalidInputGetsAProblemNamingWhatWasExpected(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      assertProblem(create(s, "spiffe://other.example/payments/api", "workload", "o", "p", null),
          400, "identity.trust_domain_mismatch", "'imprint.local'", "'other.example'");
      assertProblem(create(s, "spiffe://imprint.local/a//b", "workload", "o", "p", null), 400,
          "identity.spiffe_id_invalid", "empty segment");
      assertProblem(create(s, "spiffe://imprint.local:443/a", "workload", "o", "p", null), 400,
          "identity.spiffe_id_invalid", "no port");
      assertProblem(create(s, "spiffe://imprint.local/a/..", "workload", "o", "p", null), 400,
          "identity.spiffe_id_invalid", "'..'");
      assertProblem(create(s, "spiffe://imprint.local/a?q", "workload", "o", "p", null), 400,
          "identity.spiffe_id_invalid", "no query");
      assertProblem(create(s, "spiffe://imprint.local/a", "robot", "o", "p", null), 400,
          "identity.kind_invalid", "workload, pipeline, bot, integration", "'robot'");
      assertProblem(create(s, "spiffe://imprint.local/a", "bot", "", "p", null), 400,
          "identity.owner_missing");
      assertProblem(create(s, "spiffe://imprint.local/a", "bot", "o", "p", "{\"bad key\":\"x\"}"),
          400, "identity.label_invalid", "'bad key'");
      assertProblem(s.send("POST", "/v1/identities", s.adminToken(),
          "{\"spiffeId\":\"spiffe://imprint.local/a\",\"kind\":\"bot\",\"owner\":\"o\","
              + "\"team\":\"x\"}"), 400, "request.unknown_field", "'team'");
      StringBuilder many = new StringBuilder("{");
      for (int i = 0; i < 33; i++) {
        many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
      }
      assertProblem(create(s, "spiffe://imprint.local/a", "bot", "o", "p", many + "}"), 400,
          "identity.labels_too_many", "at most 32", "got 33");
      assertProblem(s.send("GET", "/v1/identities?limit=201", s.adminToken(), null), 400,
          "request.limit_invalid", "got 201");
      assertProblem(s.send("GET", "/v1/identities?cursor=%21%21", s.adminToken(), null), 400,
          "request.cursor_invalid");
      assertThat(AuditActions.actions(s.server().database(), "identity.")).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void listFiltersByKindOwnerEnvironmentStatusAndLabels(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      create(s, "spiffe://imprint.local/payments/api", "workload", "team-payments", "prod",
          "{\"tier\":\"1\"}");
      create(s, "spiffe://imprint.local/payments/worker", "workload", "team-payments", "dev",
          "{\"tier\":\"2\"}");
      create(s, "spiffe://imprint.local/ci/deployer", "pipeline", "team-platform", "prod", null);
      create(s, "spiffe://imprint.local/chat/bot", "bot", "team-platform", "prod",
          "{\"tier\":\"1\",\"pager\":\"yes\"}");
      String worker = IdentityService.idOf("spiffe://imprint.local/payments/worker");
      s.send("POST", "/v1/identities/" + worker + "/disable", s.adminToken(), null);

      assertThat(names(s, "kind=workload")).containsExactly("spiffe://imprint.local/payments/api",
          "spiffe://imprint.local/payments/worker");
      assertThat(names(s, "owner=team-platform")).containsExactlyInAnyOrder(
          "spiffe://imprint.local/ci/deployer", "spiffe://imprint.local/chat/bot");
      assertThat(names(s, "env=prod&kind=workload"))
          .containsExactly("spiffe://imprint.local/payments/api");
      assertThat(names(s, "status=disabled"))
          .containsExactly("spiffe://imprint.local/payments/worker");
      assertThat(names(s, "label=tier%3D1")).containsExactlyInAnyOrder(
          "spiffe://imprint.local/payments/api", "spiffe://imprint.local/chat/bot");
      assertThat(names(s, "label=tier%3D1&label=pager"))
          .containsExactly("spiffe://imprint.local/chat/bot");
      assertThat(names(s, "owner=nobody")).isEmpty();
      assertProblem(s.send("GET", "/v1/identities?status=gone", s.adminToken(), null), 400,
          "identity.status_invalid");
    }
  }

  private static List<String> names(TestServer s, String query) throws Exception {
    HttpResponse<String> res = s.send("GET", "/v1/identities?" + query, s.adminToken(), null);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    json(res).get("items").forEach(i -> out.add(i.get("spiffeId").asText()));
    return out;
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void paginationVisitsEveryIdentityOnceEvenWhileOthersAreAdded(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      Set<String> before = new HashSet<>();
      for (int i = 0; i < 23; i++) {
        String id = String.format(java.util.Locale.ROOT, "spiffe://imprint.local/svc/s%02d", i * 2);
        assertThat(create(s, id, "workload", "o", "prod", null).statusCode()).isEqualTo(201);
        before.add(id);
      }
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        String q = "/v1/identities?limit=5" + (cursor == null ? ""
            : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        JsonNode page = json(s.send("GET", q, s.adminToken(), null));
        assertThat(page.get("items").size()).isLessThanOrEqualTo(5);
        page.get("items").forEach(i -> seen.add(i.get("spiffeId").asText()));
        // insert between pages, before and after the cursor position
        String extra = String.format(java.util.Locale.ROOT, "spiffe://imprint.local/svc/s%02d",
            pages * 8 + 1);
        create(s, extra, "workload", "o", "prod", null);
        cursor = page.get("next").isNull() ? null : page.get("next").asText();
        pages++;
      } while (cursor != null && pages < 50);
      assertThat(seen).doesNotHaveDuplicates().containsAll(before);
      assertThat(pages).isGreaterThanOrEqualTo(5);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void updatesAndStatusMovesAreAuditedAndOffboardingIsFinal(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      String id = json(create(s, "spiffe://imprint.local/payments/api", "workload",
          "team-payments", "prod", "{\"tier\":\"1\"}")).get("id").asText();
      String base = "/v1/identities/" + id;
      HttpResponse<String> patched = s.send("PATCH", base, admin,
          "{\"owner\":\"team-billing\",\"labels\":{\"tier\":\"2\"}}");
      assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
      assertThat(json(patched).get("owner").asText()).isEqualTo("team-billing");
      assertThat(json(patched).get("environment").asText()).isEqualTo("prod");
      assertThat(json(patched).get("labels").get("tier").asText()).isEqualTo("2");
      assertThat(names(s, "label=tier%3D1")).isEmpty();
      assertProblem(s.send("PATCH", base, admin, "{\"kind\":\"bot\"}"), 400,
          "request.unknown_field", "'kind'");

      assertProblem(s.send("POST", base + "/enable", admin, null), 409,
          "identity.illegal_transition", "is active", "cannot become active");
      assertThat(s.send("POST", base + "/disable", admin, "{\"reason\":\"pause\"}").statusCode())
          .isEqualTo(200);
      assertThat(s.send("POST", base + "/enable", admin, null).statusCode()).isEqualTo(200);
      JsonNode off = json(s.send("POST", base + "/offboard", admin,
          "{\"reason\":\"service decommissioned\"}"));
      assertThat(off.get("status").asText()).isEqualTo("offboarded");
      assertProblem(s.send("POST", base + "/enable", admin, null), 409,
          "identity.illegal_transition", "is offboarded", "offboarding is final");
      assertProblem(s.send("POST", base + "/offboard", admin, null), 409,
          "identity.illegal_transition");
      assertProblem(s.send("PATCH", base, admin, "{\"owner\":\"x\"}"), 409,
          "identity.offboarded");

      List<JsonNode> entries = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().startsWith("identity.")).toList();
      assertThat(entries).extracting(e -> e.get("action").asText()).containsExactly(
          "identity.created", "identity.updated", "identity.disabled", "identity.enabled",
          "identity.offboarded");
      JsonNode updated = entries.get(1);
      assertThat(updated.get("subject").asText()).isEqualTo("spiffe://imprint.local/payments/api");
      assertThat(updated.get("details").get("previousOwner").asText()).isEqualTo("team-payments");
      JsonNode offboarded = entries.get(4);
      assertThat(offboarded.get("details").get("reason").asText())
          .isEqualTo("service decommissioned");
      assertThat(offboarded.get("details").get("previousStatus").asText()).isEqualTo("active");
      assertThat(offboarded.get("actor").asText()).startsWith("token:");
    }
  }
}
