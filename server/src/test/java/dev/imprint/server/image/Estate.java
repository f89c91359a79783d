package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Test steps for images over the real API. */
final class Estate {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PROVENANCE = "\"provenance\":{\"sourceRepository\":\"github.com/acme/pay\","
      + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}";

  private Estate() {}

  /** A server on {@code kind} with the image policy file {@code policy} (null: default). */
  static TestServer start(Stores.Kind kind, Path dir, Path policy) {
    ServerConfig c = ServerConfig.defaults().withListen("127.0.0.1:0");
    c = new ServerConfig(c.host(), c.port(), dir, Stores.jdbcUrl(kind), c.trustDomain(), null,
        null, false, c.logFormat(), 256 * 1024).withImagePolicy(policy);
    return TestServer.start(c);
  }

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

  static void identity(TestServer s, String spiffeId) {
    HttpResponse<String> res = s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\""
        + spiffeId + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
  }

  /** Registers {@code digest} for {@code spiffeId}; {@code extra} is more JSON fields or "". */
  static HttpResponse<String> register(TestServer s, String digest, String spiffeId,
      String extra) {
    return s.send("POST", "/v1/images", s.adminToken(), "{\"repository\":"
        + "\"registry.example/payments/api\",\"tag\":\"1.4.2\",\"digest\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  static HttpResponse<String> move(TestServer s, String digest, String verb, String reason) {
    return s.send("POST", "/v1/images/" + digest + "/" + verb, s.adminToken(),
        reason == null ? null : "{\"reason\":\"" + reason + "\"}");
  }

  static void ok(HttpResponse<String> res) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
  }

  static void problem(HttpResponse<String> res, int status, String code, String... parts) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonNode p = json(res);
    assertThat(p.get("code").asText()).as(res.body()).isEqualTo(code);
    for (String part : parts) {
      assertThat(p.get("detail").asText()).contains(part);
    }
  }

  static String report(String fixture) throws Exception {
    try (var in = Estate.class.getResourceAsStream("/reports/" + fixture)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
