package dev.imprint.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Imprint server on port 0 with a node agent identity and a workload identity, each with
 * an approved image, and the admin's HTTP calls the tests need.
 */
final class ImprintFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String NODE = "spiffe://imprint.local/node/agent-1";
  static final String NODE_IMAGE = "sha256:" + "0a".repeat(32);
  static final String API = "spiffe://imprint.local/payments/api";
  static final String API_IMAGE = "sha256:" + "ab".repeat(32);
  static final String OTHER = "spiffe://imprint.local/billing/batch";
  static final String OTHER_IMAGE = "sha256:" + "cd".repeat(32);
  static final String GRANT = """
      apiVersion: imprint.dev/v1
      kind: Grants
      grants:
        - id: agent-serves-payments
          subject: spiffe://imprint.local/node/*
          resource: svid:imprint.local/payments/*
          actions: [issue]
      """;

  final ImprintServer server;
  final String admin;
  private final HttpClient http = HttpClient.newHttpClient();

  ImprintFixture(Path dir) {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes())
        .withCheckpointInterval(Duration.ZERO),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8)
        .replaceAll("(?s).*admin token: (\\S+).*", "$1");
    register(NODE, NODE_IMAGE, "registry.example/imprint/agent");
    register(API, API_IMAGE, "registry.example/payments/api");
    register(OTHER, OTHER_IMAGE, "registry.example/billing/batch");
  }

  private void register(String id, String digest, String repository) {
    call("POST", "/v1/identities", admin, Map.of("spiffeId", id, "kind", "workload", "owner",
        "team", "environment", "prod"));
    String pipeline = call("POST", "/v1/tokens", admin, Map.of("role", "pipeline", "identity",
        id)).get("token").asText();
    call("POST", "/v1/images", pipeline, Map.of("repository", repository, "digest", digest,
        "identity", id, "provenance", Map.of("sourceRepository", "github.com/acme/x",
            "commit", "3f9a1c2")));
    call("POST", "/v1/images/" + digest + "/approve", admin, Map.of("reason", "ok"));
  }

  /** Applies the grant that lets node agents serve the payments identities. */
  void grant() {
    call("PUT", "/v1/grants", admin, Map.of("files", List.of(Map.of("name", "agents.yaml",
        "content", GRANT))));
  }

  /** A join token for the agent's own image and identity. */
  String agentJoinToken() {
    return call("POST", "/v1/join-tokens", admin, Map.of("image", NODE_IMAGE, "identity", NODE,
        "ttl", "5m")).get("token").asText();
  }

  URI url() {
    return URI.create(server.url());
  }

  JsonNode call(String method, String path, String bearer, Object body) {
    HttpResponse<String> r = send(method, path, bearer, body);
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": "
          + r.body());
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  HttpResponse<String> send(String method, String path, String bearer, Object body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The uid of this process, as the kernel reports it for its peer credentials. */
  static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** An agent configuration for this fixture; container state dirs empty, selectors given. */
  AgentConfig agentConfig(Path dir, String selectorsYaml, Duration x509Ttl) {
    try {
      Path selectors = dir.resolve("selectors.yaml");
      Files.writeString(selectors, selectorsYaml);
      Path empty = Files.createDirectories(dir.resolve("runtime-state"));
      return new AgentConfig(url(), dir.resolve("api.sock"), new AgentConfig.JoinToken(
          new AgentConfig.Secret(agentJoinToken())), selectors, Path.of("/proc"),
          new RuntimeRoots(empty, empty, empty), x509Ttl, null,
          Duration.ofMillis(200));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String selectorFor(int uid, String spiffeId, String image) {
    return "selectors:\n  - uid: " + uid + "\n    spiffe_id: " + spiffeId + "\n    image: "
        + image + "\n";
  }

  @Override
  public void close() {
    server.close();
  }
}
