package dev.imprint.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The agent's client of the Imprint server's HTTP API (JSON in, JSON or problem+json out). */
final class ServerApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final URI base;
  private final HttpClient http;

  ServerApi(URI base) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** {@code POST path} with {@code body}, bearing {@code bearer} when not null. */
  JsonNode post(String path, Map<String, ?> body, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .header("Content-Type", "application/json").header("Accept", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      b.POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new IllegalArgumentException("a request body that does not serialise", e);
    }
    return JSON.valueToTree(parse(send(b.build()), path));
  }

  /** {@code GET path} (public documents: the bundles), as text. */
  String get(String path) {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET()
        .build();
    HttpResponse<String> res = send(r);
    if (res.statusCode() != 200) {
      parse(res, path);
    }
    return res.body();
  }

  private HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServerException(0, "agent.server_unreachable", "cannot reach " + base + ": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerException(0, "agent.server_unreachable", "interrupted calling " + base);
    }
  }

  private static JsonNode parse(HttpResponse<String> res, String path) {
    JsonNode body;
    try {
      body = JSON.readTree(res.body());
    } catch (IOException e) {
      throw new ServerException(res.statusCode(), "agent.server_answer_invalid", path
          + " answered HTTP " + res.statusCode() + " with a body that is not JSON");
    }
    if (res.statusCode() / 100 != 2) {
      throw new ServerException(res.statusCode(), body.path("code").asText("http."
          + res.statusCode()), body.path("detail").asText(""));
    }
    return body;
  }
}
