package dev.imprint.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hundred clients that each trickle a POST body a byte at a time cannot starve the
 * server: {@code /healthz} keeps answering, and every trickling request is cut off with a
 * problem (408 below the minimum data rate, or 503 when it waited too long for a place) instead
 * of holding a thread for as long as its client likes.
 */
class SlowBodyTest {
  private static final int CONNECTIONS = 300;
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();
  @TempDir Path dir;

  /** One trickling client: its outcome is the status it got, or how its connection ended. */
  private static String trickle(URI url, String admin, CountDownLatch connected) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("POST /v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
          + "\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      connected.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        if (in.available() > 0) {
          return answer(in);
        }
        try {
          out.write(' ');
          out.flush();
        } catch (IOException e) {
          return answer(in);
        }
        Thread.sleep(500);
      }
      return "still open after 120 s";
    } catch (IOException e) {
      return "connection failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The status and content type of the answer on {@code in}, or how the connection ended. */
  private static String answer(InputStream in) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      byte[] buf = new byte[4096];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        got.write(buf, 0, n);
      }
    } catch (IOException e) {
      // a reset after the answer: what arrived is the answer
    }
    String raw = got.toString(StandardCharsets.UTF_8);
    if (raw.isEmpty()) {
      return "closed without an answer";
    }
    return Hostile.status(raw) + " " + Hostile.header(raw, "Content-Type");
  }

  @Test
  void threeHundredTricklingBodiesNeitherStarveHealthNorHoldOn() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      URI url = URI.create(s.url());
      ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
      try {
        CountDownLatch connected = new CountDownLatch(CONNECTIONS);
        List<Future<String>> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
          clients.add(pool.submit(() -> trickle(url, s.adminToken(), connected)));
        }
        assertThat(connected.await(60, TimeUnit.SECONDS)).isTrue();
        // answered, not answered within some time: a 5 s timeout here judged the machine's
        // load; that probes never wait for a place is shown by order in ApiCapacityTest
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(
              URI.create(s.url() + "/healthz")).timeout(Duration.ofMinutes(2)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(health.statusCode()).isEqualTo(200);
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Future<String> c : clients) {
          outcomes.merge(c.get(180, TimeUnit.SECONDS), 1, Integer::sum);
        }
        assertThat(outcomes.keySet()).as(outcomes.toString()).allMatch(o ->
            o.equals("408 application/problem+json") || o.equals("503 application/problem+json"));
        assertThat(outcomes).as(outcomes.toString()).containsKey("408 application/problem+json");
        assertThat(s.send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        assertThat(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"auditor\"}")
            .statusCode()).isEqualTo(201);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
