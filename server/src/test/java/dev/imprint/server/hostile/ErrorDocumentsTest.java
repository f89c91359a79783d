package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.ServerWithRoutes;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.testing.Eventually;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error the server sends is a problem document with a stable code, whoever produces it:
 * Jetty's parser (a request line or header that is not HTTP, a target or headers too large),
 * the body limits, the media type check, and anything thrown out of a handler, an
 * OutOfMemoryError included; never an empty body, an HTML page or a stack trace. Sent over raw
 * sockets, since an HTTP client will not send most of these.
 */
class ErrorDocumentsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir static Path dir;
  static ImprintServer server;
  static String admin;

  /** Routes that throw what their path names. */
  static final class FailingRoutes implements ApiModule {
    @Override
    public void routes(Api api) {
      api.get("/test/fail/{what}", ctx -> {
        switch (ctx.pathParam("what")) {
          case "oom" -> throw new OutOfMemoryError("Java heap space (thrown by the test)");
          case "stack" -> throw new StackOverflowError();
          case "error" -> throw new AssertionError("an Error escaping the handler");
          default -> throw new IllegalStateException("a bug escaping the handler");
        }
      }, Role.ADMIN);
    }

    @Override
    public String openApiFragment() {
      return "openapi/test-failing.json";
    }
  }

  @BeforeAll
  static void start() {
    ServerConfig c = TestServer.config(dir, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server = ServerWithRoutes.start(c, new PrintStream(out, true, StandardCharsets.UTF_8),
        List.of(new FailingRoutes()));
    Matcher m = Pattern.compile("admin token: (\\S+)").matcher(out.toString(
        StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    admin = m.group(1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String send(String request) {
    return raw(server.url(), request.getBytes(StandardCharsets.ISO_8859_1), WAIT);
  }

  /** Checks {@code answer} is a problem document with {@code status}; returns it. */
  private static JsonNode problem(String answer, int status) throws Exception {
    assertThat(Hostile.status(answer)).as(answer).isEqualTo(status);
    assertThat(Hostile.header(answer, "Content-Type")).as(answer)
        .startsWith("application/problem+json");
    String body = Hostile.body(answer);
    assertThat(body).as(answer).isNotBlank().doesNotContain("\tat ").doesNotContain("<html")
        .doesNotContain("Exception");
    JsonNode p = Hostile.JSON.readTree(body);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("code").asText()).isNotEmpty();
    assertThat(p.get("detail").asText()).isNotEmpty();
    return p;
  }

  private static String host() {
    return "Host: 127.0.0.1\r\n";
  }

  @Test
  void aRequestLineThatIsNotHttpIs400() throws Exception {
    assertThat(problem(send("GARBAGE\r\n\r\n"), 400).get("code").asText())
        .isEqualTo("http.400");
    assertThat(problem(send("GET /healthz HTTP/1.1 extra\r\n" + host() + "\r\n"), 400)
        .get("code").asText()).isEqualTo("http.400");
  }

  @Test
  void aHeaderThatIsNotHttpIs400() throws Exception {
    assertThat(problem(send("GET /healthz HTTP/1.1\r\n" + host() + "Bad Header Line\r\n\r\n"),
        400).get("code").asText()).isEqualTo("http.400");
    assertThat(problem(send("GET /healthz HTTP/1.1\r\n" + host() + "X: a\u0001b\r\n\r\n"), 400)
        .get("code").asText()).isEqualTo("http.400");
  }

  @Test
  void aTargetTooLongIs414AndHeadersTooLargeAre431() throws Exception {
    assertThat(problem(send("GET /healthz?" + "a".repeat(20_000) + " HTTP/1.1\r\n" + host()
        + "\r\n"), 414).get("code").asText()).isEqualTo("http.414");
    assertThat(problem(send("GET /healthz HTTP/1.1\r\n" + host() + "X-Big: "
        + "b".repeat(20_000) + "\r\n\r\n"), 431).get("code").asText()).isEqualTo("http.431");
  }

  @Test
  void aBodyOverTheLimitIs413AndAnotherMediaTypeIs415() throws Exception {
    String auth = "Authorization: Bearer " + admin + "\r\n";
    assertThat(problem(send("POST /v1/tokens HTTP/1.1\r\n" + host() + auth
        + "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{"), 413)
        .get("code").asText()).isEqualTo("http.413");
    assertThat(problem(send("POST /v1/tokens HTTP/1.1\r\n" + host() + auth
        + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}"), 415)
        .get("code").asText()).isEqualTo("request.content_type");
  }

  /**
   * A body a little over its route's limit, still arriving after the server decided on 413, gets
   * the 413: the server reads and drops the overshoot instead of closing with unread bytes, which
   * makes TCP reset the connection and lose the answer before the client reads it.
   */
  @Test
  void aBodyALittleOverTheLimitStillArrivingGetsThe413NotAReset() throws Exception {
    byte[] body = ("{\"role\":\"admin\",\"description\":\"" + "d".repeat(1024 * 1024)
        + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] head = ("POST /v1/tokens HTTP/1.1\r\n" + host() + "Authorization: Bearer " + admin
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    java.net.URI u = java.net.URI.create(server.url());
    try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout((int) WAIT.toMillis());
      java.io.OutputStream out = s.getOutputStream();
      out.write(head);
      out.write(body, 0, 4096);
      out.flush();
      java.io.InputStream in = s.getInputStream();
      // the rest arrives after the server's decision: it is dropping the body (or, were it not,
      // it has answered already), however long a loaded machine took to get there
      Eventually.await(() -> discardingABody() || answered(in));
      out.write(body, 4096, body.length - 4096);
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        got.write(buf, 0, n);
        if (Hostile.complete(got.toString(StandardCharsets.ISO_8859_1))) {
          break;
        }
      }
      String text = got.toString(StandardCharsets.UTF_8);
      assertThat(Hostile.status(text)).as(text).isEqualTo(413);
      assertThat(text).contains("http.413");
    }
  }

  /** Whether a server thread is reading and dropping the rest of a refused body. */
  private static boolean discardingABody() {
    return Thread.getAllStackTraces().values().stream().flatMap(java.util.Arrays::stream)
        .anyMatch(f -> f.getClassName().equals("dev.imprint.server.http.Json")
            && f.getMethodName().equals("discardRest"));
  }

  private static boolean answered(java.io.InputStream in) {
    try {
      return in.available() > 0;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  @Test
  void anythingEscapingAHandlerIsA500ProblemAndTheServerGoesOn() throws Exception {
    String auth = "Authorization: Bearer " + admin + "\r\n";
    for (String what : List.of("oom", "stack", "error", "bug")) {
      JsonNode p = problem(send("GET /test/fail/" + what + " HTTP/1.1\r\n" + host() + auth
          + "Connection: close\r\n\r\n"), 500);
      assertThat(p.get("code").asText()).as(what).isEqualTo("internal");
      assertThat(p.toString()).doesNotContain("OutOfMemoryError").doesNotContain("thrown by");
    }
    assertThat(Hostile.status(send("GET /healthz HTTP/1.1\r\n" + host()
        + "Connection: close\r\n\r\n"))).isEqualTo(200);
  }

  @Test
  void anInventedMethodGetsAProblem() throws Exception {
    String answer = send("BREW /healthz HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
    assertThat(Hostile.status(answer)).as(answer).isBetween(400, 599);
    problem(answer, Hostile.status(answer));
  }
}
