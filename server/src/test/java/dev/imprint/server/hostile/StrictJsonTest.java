package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.code;
import static dev.imprint.server.hostile.Hostile.json;
import static dev.imprint.server.hostile.Hostile.problem;
import static dev.imprint.server.hostile.Hostile.send;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies are read strictly: a repeated key, a value of another JSON type, a number out
 * of range, a null inside a list or map, a lone surrogate, bytes that are not UTF-8 and a media
 * type other than UTF-8 application/json are refused, and nothing is stored; a body sent with its
 * length and the same body sent chunked, small or large, are answered alike.
 */
class StrictJsonTest {
  private static final String COMMIT = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
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

  private static HttpResponse<String> post(String path, String body) {
    return json(server.url(), "POST", path, admin, body);
  }

  private static int tokenCount() throws Exception {
    return Hostile.JSON.readTree(server.send("GET", "/v1/tokens?limit=200", admin, null).body())
        .get("items").size();
  }

  @Test
  void aRepeatedRoleKeyIsRefusedAndCreatesNoAdminToken() throws Exception {
    int before = tokenCount();
    HttpResponse<String> res = post("/v1/tokens", "{\"role\":\"auditor\",\"role\":\"admin\"}");
    JsonNode p = problem(res, 400);
    assertThat(p.get("code").asText()).isEqualTo("request.duplicate_field");
    assertThat(p.get("detail").asText()).contains("'role'");
    assertThat(tokenCount()).isEqualTo(before);
  }

  @Test
  void repeatedKeysAreRefusedAtEveryDepthOfEveryBody() {
    Map<String, String> bodies = Map.of(
        "/v1/identities", "{\"spiffeId\":\"spiffe://imprint.local/dup/a\",\"kind\":\"workload\","
            + "\"owner\":\"a\",\"labels\":{\"team\":\"a\",\"team\":\"b\"}}",
        "/v1/findings", "{\"repository\":\"acme/dup\",\"commit\":\"" + COMMIT + "\",\"report\":"
            + "{\"schemaVersion\":1,\"findings\":[{\"ruleId\":\"R\",\"severity\":\"low\","
            + "\"path\":\"a\",\"severity\":\"critical\"}]}}",
        "/v1/images", "{\"repository\":\"registry.example/a\",\"digest\":\"sha256:"
            + "a".repeat(64) + "\",\"identity\":\"x\",\"scanReport\":{\"schemaVersion\":1,"
            + "\"findings\":[],\"ignored\":{\"x\":1,\"x\":2}}}");
    for (Map.Entry<String, String> e : bodies.entrySet()) {
      assertThat(code(post(e.getKey(), e.getValue()), 400)).as(e.getKey())
          .isEqualTo("request.duplicate_field");
    }
  }

  @Test
  void valuesOfAnotherJsonTypeAreRefusedNotCoerced() {
    List<String[]> cases = List.of(
        new String[] {"/v1/tokens", "{\"role\":true}"},
        new String[] {"/v1/tokens", "{\"role\":\"auditor\",\"description\":12}"},
        new String[] {"/v1/tokens", "{\"role\":\"auditor\",\"description\":1.5}"},
        new String[] {"/v1/tokens", "{\"role\":[\"auditor\"]}"},
        new String[] {"/v1/identities", "{\"spiffeId\":\"spiffe://imprint.local/t/a\","
            + "\"kind\":\"workload\",\"owner\":\"a\",\"labels\":{\"team\":7}}"},
        new String[] {"/v1/identities", "{\"spiffeId\":\"spiffe://imprint.local/t/b\","
            + "\"kind\":\"workload\",\"owner\":false}"},
        new String[] {"/v1/images/sha256:" + "b".repeat(64) + "/approve", "{\"force\":1}"},
        new String[] {"/v1/images/sha256:" + "b".repeat(64) + "/approve", "{\"force\":\"true\"}"});
    for (String[] c : cases) {
      HttpResponse<String> res = post(c[0], c[1]);
      JsonNode p = problem(res, 400);
      assertThat(p.get("code").asText()).as(c[1]).isEqualTo("request.invalid_field");
    }
  }

  @Test
  void aFindingsLineBeyondTheIntegerRangeOrNotAWholeNumberIsRefusedNotStoredNegative()
      throws Exception {
    for (String line : List.of("2147483648", "-1", "\"12\"", "1.5", "true", "{}")) {
      HttpResponse<String> res = post("/v1/findings", "{\"repository\":\"acme/lines\","
          + "\"commit\":\"" + COMMIT + "\",\"report\":{\"schemaVersion\":1,\"findings\":["
          + "{\"ruleId\":\"IMP-X\",\"severity\":\"low\",\"path\":\"a\",\"line\":" + line + "}]}}");
      JsonNode p = problem(res, 400);
      assertThat(p.get("code").asText()).as(line).isEqualTo("finding.report_invalid");
      assertThat(p.get("detail").asText()).as(line).contains("findings[0].line");
    }
    assertThat(server.send("GET", "/v1/findings?repository=acme/lines", admin, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void nullWhereAValueIsRequiredIsRefused() {
    assertThat(code(post("/v1/identities", "{\"spiffeId\":\"spiffe://imprint.local/n/a\","
        + "\"kind\":\"workload\",\"owner\":\"a\",\"labels\":{\"team\":null}}"), 400))
        .isEqualTo("request.invalid_field");
    assertThat(code(post("/v1/tokens", "null"), 400)).isEqualTo("request.body_missing");
    assertThat(code(post("/v1/findings", "{\"repository\":\"acme/n\",\"commit\":\"" + COMMIT
        + "\",\"report\":{\"schemaVersion\":1,\"findings\":[null]}}"), 400))
        .isEqualTo("finding.report_invalid");
  }

  @Test
  void aLoneSurrogateIsRefusedWhereverItIsKept() {
    assertThat(code(post("/v1/tokens", "{\"role\":\"auditor\",\"description\":\"a\\ud800b\"}"),
        400)).isEqualTo("request.invalid_text");
    assertThat(code(post("/v1/tokens", "{\"role\":\"auditor\",\"description\":\"\\udc00\"}"),
        400)).isEqualTo("request.invalid_text");
    assertThat(code(post("/v1/findings", "{\"repository\":\"acme/s\",\"commit\":\"" + COMMIT
        + "\",\"report\":{\"schemaVersion\":1,\"findings\":[{\"ruleId\":\"R\",\"severity\":"
        + "\"low\",\"path\":\"a\",\"message\":\"\\ud83d\"}]}}"), 400))
        .isEqualTo("request.invalid_text");
    HttpResponse<String> pair = post("/v1/tokens",
        "{\"role\":\"auditor\",\"description\":\"ok \\ud83d\\ude00\"}");
    assertThat(pair.statusCode()).as(pair.body()).isEqualTo(201);
  }

  @Test
  void bytesThatAreNotUtf8AreMalformedJson() {
    byte[] latin1 = "{\"role\":\"auditor\",\"description\":\"caf\u00e9\"}"
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] utf16 = "{\"role\":\"auditor\"}".getBytes(StandardCharsets.UTF_16LE);
    byte[] bom16 = "{\"role\":\"auditor\"}".getBytes(StandardCharsets.UTF_16);
    byte[] cesu = {'{', '"', 'r', 'o', 'l', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0,
        (byte) 0x80, '"', '}'};
    byte[] overlong = {'{', '"', 'r', 'o', 'l', 'e', '"', ':', '"', (byte) 0xc0, (byte) 0x80,
        '"', '}'};
    for (byte[] body : List.of(latin1, utf16, bom16, cesu, overlong)) {
      HttpResponse<String> res = send(server.url(), "POST", "/v1/tokens", admin,
          "application/json", body);
      assertThat(code(res, 400)).isEqualTo("request.malformed_json");
    }
  }

  @Test
  void onlyUtf8ApplicationJsonIsAccepted() {
    byte[] body = "{\"role\":\"auditor\"}".getBytes(StandardCharsets.UTF_8);
    for (String type : new String[] {"text/plain", "application/jsonx",
        "application/json-patch+json", "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16", "application/x-www-form-urlencoded"}) {
      HttpResponse<String> res = send(server.url(), "POST", "/v1/tokens", admin, type, body);
      assertThat(code(res, 415)).as(type).isEqualTo("request.content_type");
    }
    assertThat(code(send(server.url(), "POST", "/v1/tokens", admin, null, body), 415))
        .isEqualTo("request.content_type");
    for (String type : new String[] {"application/json", "application/json; charset=utf-8",
        "Application/JSON; charset=\"UTF-8\""}) {
      HttpResponse<String> res = send(server.url(), "POST", "/v1/tokens", admin, type, body);
      assertThat(res.statusCode()).as(type + " " + res.body()).isEqualTo(201);
    }
  }

  @Test
  void parsingLimitsAreEnforcedWhileReading() {
    String deep = "[".repeat(100) + "]".repeat(100);
    assertThat(code(post("/v1/findings", "{\"repository\":\"acme/d\",\"commit\":\"" + COMMIT
        + "\",\"report\":{\"schemaVersion\":1,\"findings\":[],\"x\":" + deep + "}}"), 400))
        .isEqualTo("request.too_complex");
    assertThat(code(post("/v1/tokens", "{\"role\":\"auditor\",\"description\":"
        + "1" + "0".repeat(100) + "}"), 400)).isEqualTo("request.too_complex");
  }

  /** HTTP/1.1, so that a body of unknown length goes chunked. */
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(30)).build();

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
  void lengthAndChunkedBodiesAreAnsweredAlike() {
    String pad = "x".repeat(20 * 1024);
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("good", utf8("{\"role\":\"auditor\"}"));
    bodies.put("good, padded past 16 KiB", utf8("{\"role\":\"auditor\"}"
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
    Map<String, String> withLength = new LinkedHashMap<>();
    Map<String, String> sentChunked = new LinkedHashMap<>();
    bodies.forEach((what, body) -> {
      withLength.put(what, answer(body, false));
      sentChunked.put(what, answer(body, true));
    });
    assertThat(withLength).isEqualTo(sentChunked);
    // and the answers are the refusals they should be, not an accident shared by both paths
    assertThat(withLength.get("good")).isEqualTo("201 -");
    assertThat(withLength.get("good, padded past 16 KiB")).isEqualTo("201 -");
    assertThat(withLength.get("duplicate key")).isEqualTo("400 request.duplicate_field");
    assertThat(withLength.get("unknown field")).isEqualTo("400 request.unknown_field");
    assertThat(withLength.get("unknown field, large")).isEqualTo("400 request.unknown_field");
    assertThat(withLength.get("truncated")).isEqualTo("400 request.malformed_json");
    assertThat(withLength.get("json null")).isEqualTo("400 request.body_missing");
    assertThat(withLength.get("utf-16")).isEqualTo("400 request.malformed_json");
    assertThat(withLength.get("latin-1")).isEqualTo("400 request.malformed_json");
    assertThat(withLength.get("a raw NUL past the first bytes"))
        .isEqualTo("400 request.malformed_json");
    assertThat(withLength.get("too long a number")).isEqualTo("400 request.too_complex");
  }
}
