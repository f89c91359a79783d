package dev.imprint.server.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Test steps for authorization over the real API: identities, approved images, JWT-SVIDs. */
final class Grants {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TD = "spiffe://imprint.local/";
  static final String API = TD + "payments/api";
  static final String WORKER = TD + "payments/worker";
  static final String GATEWAY = TD + "edge/gateway";
  static final String PROVENANCE = "\"provenance\":{\"sourceRepository\":\"github.com/acme/pay\","
      + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}";

  private Grants() {}

  static String digest(String name) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> res) {
    try {
      return JSON.readTree(res.body());
    } catch (Exception e) {
      throw new IllegalStateException(res.body(), e);
    }
  }

  static JsonNode ok(HttpResponse<String> res, int status) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    return json(res);
  }

  static JsonNode problem(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonNode p = json(res);
    assertThat(p.get("code").asText()).as(res.body()).isEqualTo(code);
    return p;
  }

  static void identity(TestServer s, String spiffeId, String environment) {
    ok(s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\"" + spiffeId
        + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"" + environment
        + "\"}"), 201);
  }

  /**
   * Creates {@code spiffeId} (environment prod) with one approved image registered by a pipeline
   * token bound to it; returns the image digest.
   */
  static String workload(TestServer s, String spiffeId) {
    identity(s, spiffeId, "prod");
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

  /** A JWT-SVID for the workload of image {@code digest}, for {@code audience}. */
  static String jwtSvid(TestServer s, String digest, String spiffeId, String audience) {
    String jt = ok(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
    return ok(s.send("POST", "/v1/attest/join-token", null, "{\"join_token\":\"" + jt
        + "\",\"audience\":\"" + audience + "\"}"), 200).at("/jwt_svid/token").asText();
  }

  /** A plan or apply body of one grant file holding {@code yaml}. */
  static String files(String yaml, Long expectedVersion) {
    return "{\"files\":[{\"name\":\"grants/main.yaml\",\"content\":" + quote(yaml) + "}]"
        + (expectedVersion == null ? "" : ",\"expectedVersion\":" + expectedVersion) + "}";
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
