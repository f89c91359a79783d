package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Collections;
import java.util.List;
import java.util.WeakHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

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

  /**
   * Registers {@code digest} for {@code spiffeId} as its pipeline would: with a pipeline token
   * bound to that identity (created on first use); {@code extra} is more JSON fields or "".
   */
  static HttpResponse<String> register(TestServer s, String digest, String spiffeId,
      String extra) {
    return registerAs(s, pipeline(s, spiffeId), digest, spiffeId, extra);
  }

  /** Registers {@code digest} for {@code spiffeId} with {@code token}. */
  static HttpResponse<String> registerAs(TestServer s, String token, String digest,
      String spiffeId, String extra) {
    return s.send("POST", "/v1/images", token, "{\"repository\":"
        + "\"registry.example/payments/api\",\"tag\":\"1.4.2\",\"digest\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  private static final Map<TestServer, Map<String, String>> PIPELINES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** The pipeline token bound to {@code spiffeId} on server {@code s}, created on first use. */
  static String pipeline(TestServer s, String spiffeId) {
    Map<String, String> tokens = PIPELINES.computeIfAbsent(s, k -> new ConcurrentHashMap<>());
    return tokens.computeIfAbsent(spiffeId, k -> {
      HttpResponse<String> res = s.send("POST", "/v1/tokens", s.adminToken(),
          "{\"role\":\"pipeline\",\"identity\":\"" + spiffeId + "\"}");
      assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
      return json(res).get("token").asText();
    });
  }

  /**
   * Checks the answers to registrations of {@code digest} that raced, call {@code i} asking for
   * identity {@code asked.apply(i)}: exactly one 201; for the winner's identity 200 with the
   * same image, for another 409 {@code image.owner_conflict}. Returns the winner's identity.
   */
  static String oneWinner(String digest, List<HttpResponse<String>> answers,
      IntFunction<String> asked) {
    List<JsonNode> created = answers.stream().filter(r -> r.statusCode() == 201)
        .map(Estate::json).toList();
    assertThat(created).as("%s", answers.stream().map(HttpResponse::body).toList()).hasSize(1);
    JsonNode image = created.get(0);
    assertThat(image.get("digest").asText()).isEqualTo(digest);
    assertThat(image.get("created").asBoolean()).isTrue();
    String owner = image.get("identity").asText();
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<String> r = answers.get(i);
      if (r.statusCode() == 201) {
        continue;
      }
      if (asked.apply(i).equals(owner)) {
        ok(r);
        assertThat(json(r).get("created").asBoolean()).isFalse();
        assertThat(json(r).get("registeredAt")).isEqualTo(image.get("registeredAt"));
        assertThat(json(r).get("identity").asText()).isEqualTo(owner);
      } else {
        problem(r, 409, "image.owner_conflict", owner, asked.apply(i));
      }
    }
    return owner;
  }

  /** The audit entries with {@code action} about {@code subject}. */
  static long audited(TestServer s, String action, String subject) {
    return AuditActions.entries(s.server().database()).stream()
        .filter(e -> e.get("action").asText().equals(action))
        .filter(e -> e.get("subject").asText().equals(subject)).count();
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
