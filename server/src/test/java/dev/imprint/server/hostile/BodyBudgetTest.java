package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.ServerProcess;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The body budget bounds the request bodies held at once: a body that does not fit waits, then
 * is answered 503 {@code server.busy} with {@code Retry-After} while small writes still pass;
 * and every request gives back the body bytes it held, however it ends: stored, refused while
 * parsing, refused by its service, or on a route that authenticates itself.
 */
class BodyBudgetTest {
  private static final Pattern HELD =
      Pattern.compile("(?m)^imprint_http_body_held_bytes(?:\\{[^}]*})? (\\S+)$");
  private static final Pattern BUDGET =
      Pattern.compile("(?m)^imprint_http_body_budget_bytes(?:\\{[^}]*})? (\\S+)$");
  @TempDir Path dir;

  private static final int MIB = 1 << 20;
  private static final String COMMIT = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";

  private static double gauge(TestServer s, Pattern p) {
    return gauge(s.send("GET", "/metrics", null, null).body(), p);
  }

  private static double gauge(String metrics, Pattern p) {
    Matcher m = p.matcher(metrics);
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /**
   * An upload that declares {@code length} bytes and sends them slowly but above the minimum
   * data rate (JSON whitespace after its first brace) until {@code sending} turns false.
   */
  private static Thread slowUpload(URI url, String token, int length, AtomicBoolean sending,
      List<Socket> sockets) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
    sockets.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/findings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n{")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    byte[] spaces = new byte[8192];
    Arrays.fill(spaces, (byte) ' ');
    Thread t = new Thread(() -> {
      try {
        while (sending.get()) {
          out.write(spaces);
          out.flush();
          Thread.sleep(100);
        }
      } catch (IOException | InterruptedException e) {
        // the connection ends with the test
      }
    });
    t.start();
    return t;
  }

  @Test
  void aBodyBeyondTheBudgetWaitsThenGets503WithRetryAfterWhileSmallWritesPass() throws Exception {
    // with -Xmx128m the budget is its floor: two bodies of the largest route limit (16 MiB for
    // findings uploads, plus the 1 MiB default), 34 MiB
    try (ServerProcess s = ServerProcess.start(dir.resolve("budget"), null, Map.of(),
        List.of("-Xmx128m"))) {
      assertThat(gauge(s.send("GET", "/metrics", null, null).body(), BUDGET))
          .isEqualTo(34.0 * MIB);
      URI url = URI.create(s.url());
      AtomicBoolean sending = new AtomicBoolean(true);
      List<Socket> sockets = new ArrayList<>();
      List<Thread> senders = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          senders.add(slowUpload(url, s.adminToken(), 15 * MIB, sending, sockets));
        }
        double held = 0;
        for (int i = 0; i < 200 && held < 30.0 * MIB; i++) {
          Thread.sleep(100);
          held = gauge(s.send("GET", "/metrics", null, null).body(), HELD);
        }
        assertThat(held).as("two slow 15 MiB uploads hold their bodies").isEqualTo(30.0 * MIB);

        byte[] third = ("{\"repository\":\"acme/budget\",\"commit\":\"" + COMMIT
            + "\",\"report\":{\"schemaVersion\":1,\"findings\":[]}}" + " ".repeat(15 * MIB))
            .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> busy = Hostile.send(s.url(), "POST", "/v1/findings",
            s.adminToken(), "application/json", third);
        JsonNode p = Hostile.problem(busy, 503);
        assertThat(p.get("code").asText()).isEqualTo("server.busy");
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("2");

        HttpResponse<String> small = json(s.url(), "POST", "/v1/tokens", s.adminToken(),
            "{\"role\":\"auditor\",\"description\":\"beside the large uploads\"}");
        assertThat(small.statusCode()).as(small.body()).isEqualTo(201);

        sending.set(false);
        for (Socket socket : sockets) {
          socket.close();
        }
        double released = held;
        for (int i = 0; i < 200 && released > 0; i++) {
          Thread.sleep(100);
          released = gauge(s.send("GET", "/metrics", null, null).body(), HELD);
        }
        assertThat(released).as("the abandoned uploads gave their bodies back").isZero();
        HttpResponse<String> retried = Hostile.send(s.url(), "POST", "/v1/findings",
            s.adminToken(), "application/json", third);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
      } finally {
        sending.set(false);
        for (Socket socket : sockets) {
          socket.close();
        }
        for (Thread t : senders) {
          t.join(10_000);
        }
      }
    }
  }

  @Test
  void everyWayARequestEndsGivesItsBodyBytesBack() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String admin = s.adminToken();
      assertThat(gauge(s, BUDGET)).isPositive();
      for (int i = 0; i < 20; i++) {
        json(s.url(), "POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}");
        json(s.url(), "POST", "/v1/tokens", admin, "{\"role\":\"auditor\",\"role\":\"admin\"}");
        json(s.url(), "POST", "/v1/tokens", admin, "{\"role\":\"emperor\"}");
        json(s.url(), "POST", "/v1/identities", admin, "{\"spiffeId\":\"bad\"}");
        json(s.url(), "POST", "/v1/findings", admin, "{\"repository\":\"acme/b\",\"commit\":"
            + "\"zz\",\"report\":{\"schemaVersion\":1,\"findings\":[]}}");
        json(s.url(), "POST", "/v1/attest/join-token", null, "{\"join_token\":\"nope\"}");
        json(s.url(), "POST", "/v1/svid/renew", null, "{}");
      }
      assertThat(gauge(s, HELD)).isZero();
    }
  }
}
