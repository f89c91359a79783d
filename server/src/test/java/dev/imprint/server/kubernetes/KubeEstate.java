package dev.imprint.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Test steps for the Kubernetes capability over the real API. */
final class KubeEstate {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PROVENANCE = "{\"sourceRepository\":\"github.com/acme/pay\","
      + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}";

  private KubeEstate() {}

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
    } catch (IOException e) {
      throw new UncheckedIOException(res.body(), e);
    }
  }

  static JsonNode ok(HttpResponse<String> res, int status) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    return json(res);
  }

  static void identity(TestServer s, String spiffeId) {
    ok(s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\"" + spiffeId
        + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}"), 201);
  }

  private static final Map<TestServer, Map<String, String>> PIPELINES =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * The pipeline token bound to {@code spiffeId}, created on first use: the default image policy
   * trusts only what the identity's own pipeline supplies.
   */
  static String pipeline(TestServer s, String spiffeId) {
    return PIPELINES.computeIfAbsent(s, k -> new java.util.concurrent.ConcurrentHashMap<>())
        .computeIfAbsent(spiffeId, k -> ok(s.send("POST", "/v1/tokens", s.adminToken(),
            "{\"role\":\"pipeline\",\"identity\":\"" + spiffeId + "\"}"), 201).get("token")
            .asText());
  }

  /**
   * Registers an image by the identity's pipeline and moves it through {@code moves} (approve,
   * deploy, retire, reject) as an admin.
   */
  static void image(TestServer s, String repository, String tag, String digest, String spiffeId,
      String... moves) {
    ok(s.send("POST", "/v1/images", pipeline(s, spiffeId), "{\"repository\":\"" + repository
        + "\","
        + (tag == null ? "" : "\"tag\":\"" + tag + "\",") + "\"digest\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\",\"provenance\":" + PROVENANCE + "}"), 201);
    for (String move : moves) {
      ok(s.send("POST", "/v1/images/" + digest + "/" + move, s.adminToken(),
          "{\"reason\":\"test\"}"), 200);
    }
  }

  /** Registers cluster {@code name} with {@code issuer}'s JWKS as a document. */
  static void cluster(TestServer s, String name, TestIssuer issuer) {
    ok(s.send("POST", "/v1/clusters", s.adminToken(), "{\"name\":\"" + name
        + "\",\"issuer\":\"" + issuer.issuer + "\",\"jwks\":" + issuer.jwks() + "}"), 201);
  }

  /** An admission token bound to cluster {@code name}. */
  static String admissionToken(TestServer s, String name) {
    return ok(s.send("POST", "/v1/clusters/" + name + "/admission-tokens", s.adminToken(),
        null), 201).get("token").asText();
  }

  /** A fixture from {@code kubernetes/admission/} with its {@code @@NAME@@} placeholders set. */
  static String review(String fixture, Map<String, String> values) {
    String path = "/kubernetes/admission/" + fixture;
    try (InputStream in = KubeEstate.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : values.entrySet()) {
        text = text.replace("@@" + e.getKey() + "@@", e.getValue());
      }
      assertThat(text).as("unset placeholders in " + fixture).doesNotContain("@@");
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The audit entries with {@code action}, oldest first. */
  static List<JsonNode> audited(TestServer s, String action) {
    return AuditActions.entries(s.server().database()).stream()
        .filter(e -> e.get("action").asText().equals(action)).toList();
  }
}
