package dev.imprint.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request body is read two ways: whole, when its length is declared and small (nearly every
 * API call), or as it streams in (chunked, or larger). Both must answer every body alike: the
 * same status and problem code for good, malformed, non-UTF-8, duplicate-key and too-complex
 * bodies, small and past the whole-body size.
 */
class BodyPathsTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
  @TempDir static Path dir;
  static TestServer server;
  static String admin;

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    admin = server.adminToken();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Status and problem code (or "-" for a success) of a POST /v1/tokens with {@code body}. */
  private static String answer(byte[] body, boolean chunked) {
    HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofByteArray(body);
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/tokens"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + admin)
        // a publisher of unknown length makes the client send the body chunked
        .POST(chunked ? HttpRequest.BodyPublishers.fromPublisher(bytes) : bytes).build();
    try {
      HttpResponse<String> res = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() < 300) {
        return res.statusCode() + " -";
      }
      JsonNode p = Hostile.JSON.readTree(res.body());
      return res.statusCode() + " " + p.path("code").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void wholeAndStreamedBodiesAreAnsweredAlike() {
    String pad = "x".repeat(20 * 1024);
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("good", utf8("{\"role\":\"auditor\"}"));
    bodies.put("good, padded past the whole-body size", utf8("{\"role\":\"auditor\"}"
        + " ".repeat(20 * 1024)));
    bodies.put("duplicate key", utf8("{\"role\":\"auditor\",\"role\":\"admin\"}"));
    bodies.put("unknown field", utf8("{\"role\":\"auditor\",\"x\":1}"));
    bodies.put("unknown field, large", utf8("{\"role\":\"auditor\",\"x\":\"" + pad + "\"}"));
    bodies.put("truncated", utf8("{\"role\":\"aud"));
    bodies.put("more after the value", utf8("{\"role\":\"auditor\"} {}"));
    bodies.put("json null", utf8("null"));
    bodies.put("utf-16", "{\"role\":\"auditor\"}".getBytes(StandardCharsets.UTF_16LE));
    bodies.put("utf-16 with BOM", "{\"role\":\"auditor\"}".getBytes(StandardCharsets.UTF_16));
    bodies.put("latin-1", "{\"role\":\"auditor\",\"description\":\"caf\u00e9\"}"
        .getBytes(StandardCharsets.ISO_8859_1));
    bodies.put("a raw NUL past the first bytes", utf8("{\"role\":\"aud\u0000itor\"}"));
    bodies.put("too deep", utf8("{\"role\":\"auditor\",\"description\":"
        + "[".repeat(100) + "]".repeat(100) + "}"));
    bodies.put("too long a number", utf8("{\"role\":\"auditor\",\"description\":1"
        + "0".repeat(100) + "}"));
    Map<String, String> whole = new LinkedHashMap<>();
    Map<String, String> streamed = new LinkedHashMap<>();
    bodies.forEach((what, body) -> {
      whole.put(what, answer(body, false));
      streamed.put(what, answer(body, true));
    });
    assertThat(whole).isEqualTo(streamed);
    // and the answers are the refusals they should be, not an accident shared by both paths
    assertThat(whole.get("good")).isEqualTo("201 -");
    assertThat(whole.get("good, padded past the whole-body size")).isEqualTo("201 -");
    assertThat(whole.get("duplicate key")).isEqualTo("400 request.duplicate_field");
    assertThat(whole.get("unknown field")).isEqualTo("400 request.unknown_field");
    assertThat(whole.get("unknown field, large")).isEqualTo("400 request.unknown_field");
    assertThat(whole.get("truncated")).isEqualTo("400 request.malformed_json");
    assertThat(whole.get("json null")).isEqualTo("400 request.body_missing");
    assertThat(whole.get("utf-16")).isEqualTo("400 request.malformed_json");
    assertThat(whole.get("latin-1")).isEqualTo("400 request.malformed_json");
    assertThat(whole.get("a raw NUL past the first bytes"))
        .isEqualTo("400 request.malformed_json");
    assertThat(whole.get("too long a number")).isEqualTo("400 request.too_complex");
  }
}
