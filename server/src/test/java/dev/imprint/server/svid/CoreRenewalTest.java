package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.attest;
import static dev.imprint.server.svid.Workloads.estate;
import static dev.imprint.server.svid.Workloads.joinToken;
import static dev.imprint.server.svid.Workloads.ok;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A workload's renewal is served on Jetty's core API when it is the plain case (a JSON body with
 * a Content-Length), and through Javalin otherwise (here: the same body sent chunked). Both
 * ways must answer the same call the same way: every refusal byte for byte with the same
 * headers, a success with the same fields, and each call measured and logged once.
 */
class CoreRenewalTest {
  private static final List<String> HEADERS = List.of("Content-Type", "Cache-Control",
      "X-Content-Type-Options", "WWW-Authenticate", "Retry-After", "Content-Encoding");

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void everyRefusalIsTheSameProblemWithTheSameHeadersOnBothPaths() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String session = session(s);
      List<Object[]> cases = List.of(
          new Object[] {"not-a-session", utf8("{\"audience\":\"aud-1\"}")},
          new Object[] {null, utf8("{\"audience\":\"aud-1\"}")},
          new Object[] {session, utf8("{\"audience\":")},
          new Object[] {session, utf8("{\"audience\":\"a\"} trailing")},
          new Object[] {session, utf8("{\"audiense\":\"aud-1\"}")},
          new Object[] {session, utf8("{\"audience\":1}")},
          new Object[] {session, utf8("null")},
          new Object[] {session, utf8("[]")},
          new Object[] {session, utf8("{}")},
          new Object[] {session, utf8("{\"audience\":\"a\",\"jwt_ttl\":\"forever\"}")},
          new Object[] {session, utf8("{\"audience\":\"a\",\"csr\":\"not a CSR\"}")},
          new Object[] {session, "{\"audience\":\"a\"}".getBytes(StandardCharsets.UTF_16)});
      for (Object[] c : cases) {
        String token = (String) c[0];
        byte[] body = (byte[]) c[1];
        String what = (token == session ? "session" : token) + " "
            + new String(body, StandardCharsets.ISO_8859_1);
        long core = s.server().http().coreCalls();
        HttpResponse<String> plain = renew(s, token, body, false, Map.of());
        assertThat(s.server().http().coreCalls()).as("served on the core path: " + what)
            .isEqualTo(core + 1);
        HttpResponse<String> chunked = renew(s, token, body, true, Map.of());
        assertThat(s.server().http().coreCalls()).as("served through Javalin: " + what)
            .isEqualTo(core + 1);

        assertThat(plain.statusCode()).as(what).isBetween(400, 499);
        assertThat(plain.statusCode()).as(what).isEqualTo(chunked.statusCode());
        assertThat(plain.body()).as(what).isEqualTo(chunked.body());
        for (String h : HEADERS) {
          assertThat(plain.headers().allValues(h)).as(what + ": " + h)
              .isEqualTo(chunked.headers().allValues(h));
        }
        assertThat(plain.headers().firstValue("Content-Type")).as(what)
            .hasValue("application/problem+json");
      }
    }
  }

  @Test
  void aRenewalIsTheSameAnswerOnBothPathsAndEachIsMeasuredAndLoggedOnce() throws Exception {
    Logger requests = (Logger) LoggerFactory.getLogger("imprint.request");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String session = session(s);
      requests.addAppender(lines); // after the start, which sets up the server's logging
      requests.setLevel(Level.INFO);
      long core = s.server().http().coreCalls();
      byte[] body = utf8("{\"audience\":\"aud-1\"}");
      HttpResponse<String> plain = renew(s, session, body, false, Map.of());
      HttpResponse<String> chunked = renew(s, session, body, true, Map.of());
      assertThat(s.server().http().coreCalls()).isEqualTo(core + 1);

      JsonNode a = ok(plain, 200);
      JsonNode b = ok(chunked, 200);
      assertThat(fields(a, "")).isEqualTo(fields(b, "")).contains("/jwt_svid/token");
      for (String h : HEADERS) {
        assertThat(plain.headers().allValues(h)).as(h).isEqualTo(chunked.headers().allValues(h));
      }
      assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(plain.headers().firstValue("Content-Length"))
          .hasValue(Integer.toString(plain.body().getBytes(StandardCharsets.UTF_8).length));
      String jwt = a.at("/jwt_svid/token").asText();
      assertThat(jwt).isNotEqualTo(b.at("/jwt_svid/token").asText());
      JsonNode v = WorkloadIdentityApiTest.validate(s, jwt, "aud-1");
      assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
      assertThat(v.get("spiffe_id").asText()).isEqualTo(API);

      s.awaitMetrics("imprint_http_requests_seconds_count{method=\"POST\",route="
          + "\"/v1/svid/renew\",status=\"200\"} 2\n");
      s.awaitMetrics("imprint_http_body_held_bytes 0.0");
    } finally {
      requests.detachAppender(lines);
      requests.setLevel(null);
    }
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> m.startsWith("POST /v1/svid/renew "))
        .hasSize(2).allMatch(m -> m.matches("POST /v1/svid/renew 200 \\d+\\.\\dms token=-"));
  }

  @Test
  void callsThatAreNotThePlainCaseGoThroughJavalinAsBefore() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String session = session(s);
      byte[] body = utf8("{\"audience\":\"aud-1\"}");
      long core = s.server().http().coreCalls();

      assertThat(renew(s, session, body, false, Map.of("Accept-Encoding", "gzip")).statusCode())
          .isEqualTo(200);
      HttpResponse<String> text = renew(s, session, body, false,
          Map.of("Content-Type", "text/plain"));
      assertThat(text.statusCode()).as(text.body()).isEqualTo(415);
      HttpResponse<String> latin = renew(s, session, body, false,
          Map.of("Content-Type", "application/json; charset=iso-8859-1"));
      assertThat(latin.statusCode()).as(latin.body()).isEqualTo(415);
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(
          URI.create(s.url() + "/v1/svid/renew")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      HttpResponse<String> empty = renew(s, session, new byte[0], false, Map.of());
      assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
      assertThat(s.server().http().coreCalls()).isEqualTo(core);

      ok(renew(s, session, body, false, Map.of("Accept-Encoding", "identity")), 200);
      assertThat(s.server().http().coreCalls()).isEqualTo(core + 1);
    }
  }

  private static String session(TestServer s) {
    String digest = estate(s);
    return ok(attest(s, joinToken(s, s.adminToken(), digest, API), "aud-1", null), 200)
        .at("/session/token").asText();
  }

  private HttpResponse<String> renew(TestServer s, String token, byte[] body, boolean chunked,
      Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + "/v1/svid/renew"))
        .POST(chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (!headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON pointers of every field of {@code node}. */
  private static TreeSet<String> fields(JsonNode node, String at) {
    TreeSet<String> out = new TreeSet<>();
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        out.add(at + "/" + name);
        out.addAll(fields(node.get(name), at + "/" + name));
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        items.addAll(fields(node.get(i), at + "/" + i));
      }
      out.addAll(items);
    }
    return out;
  }
}
