package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.csr;
import static dev.imprint.server.svid.Workloads.ecKey;
import static dev.imprint.server.svid.Workloads.ok;
import static dev.imprint.server.svid.Workloads.problem;
import static dev.imprint.server.svid.Workloads.quote;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/agent/svid}: a node agent's delegated issuance, bounded by its own state, a
 * grant, and the workload image's state.
 */
class NodeAgentApiTest {
  static final String NODE = "spiffe://imprint.local/node/agent-1";
  static final String OTHER = "spiffe://imprint.local/billing/batch";
  static final String GRANTS = "{\"files\":[{\"name\":\"agents.yaml\",\"content\":"
      + quote("""
          apiVersion: imprint.dev/v1
          kind: Grants
          grants:
            - id: agents-serve-payments
              subject: spiffe://imprint.local/node/*
              resource: svid:imprint.local/payments/*
              actions: [issue]
          """) + "}]}";
  @TempDir Path dir;

  static HttpResponse<String> ask(TestServer s, String session, String body) {
    return s.send("POST", "/v1/agent/svid", session, body);
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anAgentObtainsOnlyGrantedIdentitiesOfApprovedImagesWhileItIsItselfLive(
      Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String api = Workloads.estate(s);
      Workloads.identity(s, NODE, "workload");
      String node = Workloads.digest("imprint-agent-1");
      Workloads.approvedImage(s, Workloads.pipeline(s, NODE), node, NODE);
      Workloads.identity(s, OTHER, "workload");
      String other = Workloads.digest("billing-batch");
      Workloads.approvedImage(s, Workloads.pipeline(s, OTHER), other, OTHER);
      String session = ok(Workloads.attest(s, Workloads.joinToken(s, s.adminToken(), node, NODE),
          "imprint-agent", null), 200).at("/session/token").asText();
      String forApi = "{\"image\":\"" + api + "\",\"audience\":\"https://db.example\","
          + "\"caller\":{\"pid\":\"4242\",\"uid\":\"1000\"}}";

      problem(ask(s, null, forApi), 401, "svid.session_invalid");
      problem(ask(s, "not-a-session", forApi), 401, "svid.session_invalid");
      problem(ask(s, session, forApi), 403, "agent.not_authorized");

      ok(s.send("PUT", "/v1/grants", s.adminToken(), GRANTS), 200);
      JsonNode jwt = ok(ask(s, session, forApi), 200);
      assertThat(jwt.get("spiffe_id").asText()).isEqualTo(API);
      assertThat(jwt.get("agent").asText()).isEqualTo(NODE);
      assertThat(jwt.at("/jwt_svid/token").asText()).startsWith("eyJ");
      JsonNode x509 = ok(ask(s, session, "{\"image\":\"" + api + "\",\"identity\":\"" + API
          + "\",\"csr\":" + quote(csr(ecKey(), "")) + ",\"x509_ttl\":\"5m\"}"), 200);
      assertThat(x509.at("/x509_svid/certificates").asText()).contains("BEGIN CERTIFICATE");

      problem(ask(s, session, "{\"image\":\"" + other + "\",\"audience\":\"a\"}"), 403,
          "agent.not_authorized");
      problem(ask(s, session, "{\"image\":\"" + api + "\",\"identity\":\"" + OTHER
          + "\",\"audience\":\"a\"}"), 409, "svid.identity_mismatch");
      problem(ask(s, session, "{\"image\":\"" + Workloads.digest("unknown")
          + "\",\"audience\":\"a\"}"), 409, "svid.image_unknown");
      problem(ask(s, session, "{\"image\":\"latest\",\"audience\":\"a\"}"), 400,
          "agent.request_invalid");
      problem(ask(s, session, "{\"image\":\"" + api + "\",\"audience\":\"a\",\"caller\":"
          + "{\"pid\":\"1 2\"}}"), 400, "agent.request_invalid");
      problem(ask(s, session, "{\"image\":\"" + api + "\"}"), 400, "svid.nothing_requested");

      s.server().svids().flushIssuanceLog();
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e ->
          e.get("action").asText().equals("svid.issued")
              && e.at("/details/method").asText().equals("node_agent")).isNotEmpty()
          .allSatisfy(e -> assertThat(e.get("subject").asText()).isEqualTo(API));

      ok(s.send("POST", "/v1/images/" + api + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      problem(ask(s, session, forApi), 409, "svid.image_not_approved");
      ok(s.send("POST", "/v1/images/" + node + "/retire", s.adminToken(),
          "{\"reason\":\"agent rebuilt\"}"), 200);
      problem(ask(s, session, forApi), 403, "agent.node_inactive");
    }
  }
}
