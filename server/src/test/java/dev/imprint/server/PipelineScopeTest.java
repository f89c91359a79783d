package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pipeline token acts only for its identity: its images, the repositories it is linked to;
 * findings are not rewritten after the fact; and reports do not certify themselves.
 */
class PipelineScopeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "spiffe://imprint.local/payments/api";
  private static final String B = "spiffe://imprint.local/billing/api";
  private static final String SHA = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  private static final String PROVENANCE = "\"provenance\":{\"sourceRepository\":"
      + "\"github.com/acme/payments\",\"commit\":\"3f9a1c2\"}";
  private static final String EMPTY_REPORT = "{\"schemaVersion\":1,\"findings\":[]}";
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aPipelineTokenRegistersImagesOnlyForTheIdentityItIsBoundTo(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      identity(s, A, "acme/payments");
      identity(s, B, "acme/billing");
      String pipelineA = token(s, "pipeline", A);
      String unbound = token(s, "pipeline", null);

      problem(register(s, pipelineA, digest("b-1"), B, PROVENANCE), 403,
          "image.identity_forbidden", "bound to " + A, "not for " + B);
      problem(register(s, unbound, digest("b-1"), B, PROVENANCE), 403, "auth.token_unbound",
          "--identity");
      assertThat(s.send("GET", "/v1/images/" + digest("b-1"), s.adminToken(), null)
          .statusCode()).isEqualTo(404);
      assertThat(AuditActions.actions(s.server().database(), "image.")).isEmpty();

      HttpResponse<String> own = register(s, pipelineA, digest("a-1"), A, PROVENANCE);
      assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
      JsonNode supplier = JSON.readTree(own.body()).get("suppliers").get("provenance");
      assertThat(supplier.get("role").asText()).isEqualTo("pipeline");
      assertThat(supplier.get("identity").asText()).isEqualTo(A);
      assertThat(supplier.get("token").asText()).isEqualTo("token:" + pipelineA.substring(4, 20));
      assertThat(JSON.readTree(own.body()).get("suppliers").get("scanReport").isNull()).isTrue();
      // a digest the pipeline's own identity does not own stays out of reach too
      problem(register(s, pipelineA, digest("a-1"), B, PROVENANCE), 403,
          "image.identity_forbidden");
      HttpResponse<String> admin = register(s, s.adminToken(), digest("b-1"), B, PROVENANCE);
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(201);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aPipelineTokenUploadsFindingsOnlyForRepositoriesItsIdentityIsLinkedTo(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      identity(s, A, "acme/payments");
      String pipelineA = token(s, "pipeline", A);
      problem(upload(s, pipelineA, "acme/billing", EMPTY_REPORT, ""), 403,
          "finding.repository_forbidden", A, "'acme/billing'", "--repository");
      problem(upload(s, token(s, "pipeline", null), "acme/payments", EMPTY_REPORT, ""), 403,
          "auth.token_unbound");
      assertThat(s.send("GET", "/v1/findings?repository=acme/billing", s.adminToken(), null)
          .statusCode()).isEqualTo(404);
      assertThat(upload(s, pipelineA, "acme/payments", EMPTY_REPORT, "").statusCode())
          .isEqualTo(201);

      HttpResponse<String> linked = s.send("PATCH", "/v1/identities/" + IdentityService.idOf(A),
          s.adminToken(), "{\"repositories\":[\"acme/payments\",\"acme/billing\"]}");
      assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
      assertThat(JSON.readTree(linked.body()).get("repositories").toString())
          .isEqualTo("[\"acme/billing\",\"acme/payments\"]");
      assertThat(upload(s, pipelineA, "acme/billing", EMPTY_REPORT, "").statusCode())
          .isEqualTo(201);
      JsonNode created = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("identity.created")).findFirst()
          .orElseThrow();
      assertThat(created.get("details").get("repositories").toString())
          .isEqualTo("[\"acme/payments\"]");
      JsonNode updated = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("identity.updated")).findFirst()
          .orElseThrow();
      assertThat(updated.get("details").get("previousRepositories").toString())
          .isEqualTo("[\"acme/payments\"]");
      assertThat(updated.get("details").get("repositories").toString())
          .isEqualTo("[\"acme/billing\",\"acme/payments\"]");

      problem(s.send("PATCH", "/v1/identities/" + IdentityService.idOf(A), s.adminToken(),
          "{\"repositories\":[\"acme/pay ments\"]}"), 400, "identity.repository_invalid");
      problem(s.send("PATCH", "/v1/identities/" + IdentityService.idOf(A), pipelineA,
          "{\"repositories\":[\"acme/everything\"]}"), 403, "auth.role_forbidden");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aCommitsFindingsAreNeverRewrittenSaveByAnAdminWithAnAuditedReason(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      identity(s, A, "acme/payments");
      String pipeline = token(s, "pipeline", A);
      String real = fixture("imprint-high.json");
      HttpResponse<String> first = upload(s, pipeline, "acme/payments", real, "");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

      HttpResponse<String> repeat = upload(s, pipeline, "acme/payments", real, "");
      assertThat(repeat.statusCode()).as("a retried upload").isEqualTo(200);
      assertThat(JSON.readTree(repeat.body()).get("created").asBoolean()).isFalse();

      problem(upload(s, pipeline, "acme/payments", EMPTY_REPORT, ""), 409, "finding.exists",
          "acme/payments@" + SHA, "replace");
      problem(upload(s, s.adminToken(), "acme/payments", EMPTY_REPORT, ""), 409,
          "finding.exists");
      problem(upload(s, pipeline, "acme/payments", EMPTY_REPORT,
          ",\"replace\":true,\"reason\":\"rescan\""), 403, "finding.replace_forbidden");
      problem(upload(s, s.adminToken(), "acme/payments", EMPTY_REPORT, ",\"replace\":true"), 400,
          "finding.reason_missing");
      problem(upload(s, s.adminToken(), "acme/payments", EMPTY_REPORT, ",\"reason\":\"x\""), 400,
          "finding.reason_invalid");
      assertThat(stored(s).get("total").asInt()).isEqualTo(2);

      HttpResponse<String> replaced = upload(s, s.adminToken(), "acme/payments", EMPTY_REPORT,
          ",\"replace\":true,\"reason\":\"the scanner misread IMP-DOCKER-001, ticket SEC-9\"");
      assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(201);
      assertThat(JSON.readTree(replaced.body()).get("replaced").asBoolean()).isTrue();
      assertThat(stored(s).get("total").asInt()).isZero();
      List<JsonNode> uploads = AuditActions.entries(s.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("findings.uploaded")).toList();
      assertThat(uploads).hasSize(2);
      JsonNode details = uploads.get(1).get("details");
      assertThat(details.get("replaced").asBoolean()).isTrue();
      assertThat(details.get("reason").asText()).contains("SEC-9");
      assertThat(details.get("previousUploadedBy").asText())
          .isEqualTo("token:" + pipeline.substring(4, 20));
      assertThat(details.get("previousBySeverity").get("high").asInt()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anEmptyReportOrOneFromAnyoneButTheIdentitysPipelineDoesNotPassTheDefaultPolicy(
      Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      identity(s, A, "acme/payments");
      String pipeline = token(s, "pipeline", A);

      String byAdmin = digest("by-admin");
      JsonNode adminImage = JSON.readTree(register(s, s.adminToken(), byAdmin, A, PROVENANCE
          + ",\"scanReport\":" + fixture("imprint-clean.json")).body());
      assertThat(adminImage.get("policy").get("passes").asBoolean()).isFalse();
      assertThat(adminImage.get("policy").get("violations").toString())
          .contains("reports.trustedSuppliers: the scan report was supplied by token:")
          .contains("(admin); the provenance was supplied by")
          .contains("expected a pipeline token bound to " + A);
      problem(approve(s, byAdmin), 422, "image.policy_violation", "reports.trustedSuppliers");

      String empty = digest("empty");
      JsonNode emptyImage = JSON.readTree(register(s, pipeline, empty, A, PROVENANCE
          + ",\"scanReport\":" + EMPTY_REPORT).body());
      assertThat(emptyImage.get("policy").get("violations").toString())
          .contains("reports.requireAttribution: the scan report names no scanner (tool.name)")
          .contains("the scan report scanned no file (summary.filesScanned is missing)")
          .doesNotContain("trustedSuppliers");
      problem(approve(s, empty), 422, "image.policy_violation", "reports.requireAttribution");

      String otherImage = digest("vulns-of-another-image");
      JsonNode other = JSON.readTree(register(s, pipeline, otherImage, A, PROVENANCE
          + ",\"vulnerabilityReport\":" + fixture("trivy-critical.json")
              .replace("\"CRITICAL\"", "\"LOW\"")).body());
      assertThat(other.get("policy").get("violations").toString()).contains("the vulnerability"
          + " report is about sha256:" + "1".repeat(64) + ", not this image");

      String sarif = digest("sarif-other-commit");
      String sarifReport = "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":"
          + "\"Imprint\"}},\"versionControlProvenance\":[{\"repositoryUri\":"
          + "\"https://github.com/acme/payments\",\"revisionId\":\"" + "b".repeat(40) + "\"}],"
          + "\"results\":[]}]}";
      JsonNode sarifImage = JSON.readTree(register(s, pipeline, sarif, A, PROVENANCE
          + ",\"scanReport\":" + sarifReport).body());
      assertThat(sarifImage.get("policy").get("violations").toString()).contains("the scan"
          + " report is of commit " + "b".repeat(40) + ", the provenance names 3f9a1c2");

      String good = digest("good");
      String grype = fixture("grype-clean.json").replace("registry.example/payments/api:1.4.2",
          "registry.example/payments/api@" + good);
      HttpResponse<String> passing = register(s, pipeline, good, A, PROVENANCE
          + ",\"scanReport\":" + fixture("imprint-clean.json") + ",\"vulnerabilityReport\":"
          + grype);
      JsonNode goodImage = JSON.readTree(passing.body());
      assertThat(goodImage.get("policy").get("violations")).as(passing.body()).isEmpty();
      assertThat(goodImage.get("scan").get("source").get("scanner").asText())
          .isEqualTo("imprint");
      assertThat(goodImage.get("vulnerabilities").get("source").get("subjectDigests").get(0)
          .asText()).isEqualTo(good);
      assertThat(approve(s, good).statusCode()).isEqualTo(200);
      JsonNode shown = JSON.readTree(s.send("GET", "/v1/images/" + good, s.adminToken(), null)
          .body());
      for (String part : List.of("scanReport", "vulnerabilityReport", "provenance")) {
        assertThat(shown.get("suppliers").get(part).get("identity").asText()).as(part)
            .isEqualTo(A);
      }
    }
  }

  private static JsonNode stored(TestServer s) throws Exception {
    return JSON.readTree(s.send("GET", "/v1/findings?repository=acme/payments&commit=" + SHA,
        s.adminToken(), null).body());
  }

  private static void identity(TestServer s, String spiffeId, String repository) {
    HttpResponse<String> res = s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\""
        + spiffeId + "\",\"kind\":\"workload\",\"owner\":\"team\",\"repositories\":[\""
        + repository + "\"]}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
  }

  /** A new token of {@code role}, bound to {@code identity} unless null; its secret. */
  static String token(TestServer s, String role, String identity) throws Exception {
    HttpResponse<String> res = s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\""
        + role + "\"" + (identity == null ? "" : ",\"identity\":\"" + identity + "\"") + "}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    return JSON.readTree(res.body()).get("token").asText();
  }

  private static HttpResponse<String> register(TestServer s, String token, String digest,
      String identity, String extra) {
    return s.send("POST", "/v1/images", token, "{\"repository\":\"registry.example/payments/api\","
        + "\"digest\":\"" + digest + "\",\"identity\":\"" + identity + "\"," + extra + "}");
  }

  private static HttpResponse<String> approve(TestServer s, String digest) {
    return s.send("POST", "/v1/images/" + digest + "/approve", s.adminToken(),
        "{\"reason\":\"passed policy\"}");
  }

  private static HttpResponse<String> upload(TestServer s, String token, String repository,
      String report, String extra) {
    return s.send("POST", "/v1/findings", token, "{\"repository\":\"" + repository
        + "\",\"commit\":\"" + SHA + "\",\"report\":" + report + extra + "}");
  }

  private static void problem(HttpResponse<String> res, int status, String code,
      String... parts) throws Exception {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonNode p = JSON.readTree(res.body());
    assertThat(p.get("code").asText()).as(res.body()).isEqualTo(code);
    for (String part : parts) {
      assertThat(p.get("detail").asText()).contains(part);
    }
  }

  private static String fixture(String name) throws Exception {
    try (InputStream in = PipelineScopeTest.class.getResourceAsStream("/reports/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String digest(String name) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(name.getBytes(StandardCharsets.UTF_8)));
  }
}
