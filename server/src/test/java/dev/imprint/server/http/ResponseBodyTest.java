package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.ServerWithRoutes;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers written by {@link ResponseBody} instead of Javalin's copy: the same bytes, a
 * Content-Length on small ones, compression on large ones when the client accepts it, and an
 * ETag's 304 left to Javalin.
 */
class ResponseBodyTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  /** Larger than Javalin's 32 KiB copy buffer and its compression threshold. */
  private static final String LARGE = "x".repeat(40_000);
  @TempDir static Path dir;
  private static ImprintServer server;

  @BeforeAll
  static void start() {
    ApiModule probe = new ApiModule() {
      @Override
      public void routes(Api api) {
        api.publicGet("/test/body/small", ctx -> ctx.json(Map.of("answer", "é small")));
        api.publicGet("/test/body/large", ctx -> ctx.json(Map.of("answer", LARGE)));
        api.publicGet("/test/body/etag", ctx -> ctx.header("ETag", "\"v1\"").result("tagged"));
      }

      @Override
      public String openApiFragment() {
        return "openapi/test-response-body.json";
      }
    };
    ServerConfig c = TestServer.config(dir, Stores.jdbcUrl(Stores.Kind.SQLITE));
    server = ServerWithRoutes.start(c, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), List.of(probe));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void smallJsonAnswerIsWholeWithItsContentLength() throws Exception {
    HttpResponse<byte[]> r = get("/test/body/small", "gzip");
    String expected = "{\"answer\":\"é small\"}";
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(r.headers().firstValue("Content-Length")).hasValue(
        Integer.toString(expected.getBytes(StandardCharsets.UTF_8).length));
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/json"));
    assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
  }

  @Test
  void largeJsonAnswerIsCompressedWhenTheClientAcceptsIt() throws Exception {
    String expected = "{\"answer\":\"" + LARGE + "\"}";
    HttpResponse<byte[]> zipped = get("/test/body/large", "gzip");
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.body().length).isLessThan(expected.length());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
    }
    HttpResponse<byte[]> plain = get("/test/body/large", null);
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(plain.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void answerWithAnEtagIsNotModifiedWhenTheClientHasIt() throws Exception {
    HttpResponse<byte[]> first = get("/test/body/etag", null);
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("tagged");
    HttpResponse<byte[]> again = CLIENT.send(HttpRequest.newBuilder(URI.create(server.url()
        + "/test/body/etag")).header("If-None-Match", "\"v1\"").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void problemAnswerIsWholeWithItsContentLength() throws Exception {
    HttpResponse<byte[]> r = get("/test/body/none", null);
    assertThat(r.statusCode()).isEqualTo(404);
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(body).contains("\"code\":\"http.not_found\"");
    assertThat(r.headers().firstValue("Content-Length")).hasValue(
        Integer.toString(r.body().length));
  }

  private static HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (acceptEncoding != null) {
      b.header("Accept-Encoding", acceptEncoding);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
