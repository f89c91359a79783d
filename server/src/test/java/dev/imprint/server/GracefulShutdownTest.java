package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.http.ApiModule;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Eventually;
import dev.imprint.server.testing.HeldRoutes;
import dev.imprint.server.testing.Stores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GracefulShutdownTest {
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path dir;

  private record Started(ImprintServer server, String admin) {}

  private Started start(String jdbcUrl, List<ApiModule> extra, Duration shutdownGrace) {
    ServerConfig d = ServerConfig.defaults();
    ServerConfig c = new ServerConfig("127.0.0.1", 0, dir, jdbcUrl, d.trustDomain(), null, null,
        false, d.logFormat(), d.maxBodyBytes());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImprintServer s = ImprintServer.start(c, new PrintStream(out, true, StandardCharsets.UTF_8),
        extra, shutdownGrace);
    Matcher m = ADMIN.matcher(out.toString(StandardCharsets.UTF_8));
    return new Started(s, m.find() ? m.group(1) : null);
  }

  /** Whether {@code closer} is in Jetty's graceful stop, waiting for requests to finish. */
  private static boolean waitsForInFlightRequests(Thread closer) {
    return closer.getState() == Thread.State.TIMED_WAITING && Arrays.stream(
        closer.getStackTrace()).anyMatch(f -> f.getClassName().equals(Server.class.getName())
            && f.getMethodName().equals("doStop"));
  }

  private static HttpRequest.Builder request(ImprintServer s, String path, String token) {
    return HttpRequest.newBuilder(URI.create(s.url() + path))
        .header("Authorization", "Bearer " + token);
  }

  /**
   * close() waits for a request in its handler, which then answers. The request is let go once
   * close() is seen waiting for it, however late a loaded machine lets the test see that: the
   * grace is an hour here, so the test does not depend on being let go within the product's.
   */
  @Test
  void requestInFlightWhenCloseBeginsFinishesAndCloseWaitsForIt() throws Exception {
    HeldRoutes slow = new HeldRoutes();
    Started st = start(null, List.of(slow), Duration.ofHours(1));
    CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
        request(st.server(), "/test/slow", st.admin()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(slow.entered(1)).isTrue();

    Thread closer = new Thread(st.server()::close, "closer");
    closer.start();
    Eventually.await(() -> !closer.isAlive() || waitsForInFlightRequests(closer));
    assertThat(closer.isAlive()).as("close() waits for the in-flight request").isTrue();
    assertThat(st.server().closing()).isTrue();
    assertThat(inFlight).as("the request is still held").isNotDone();

    slow.release();
    HttpResponse<String> res = inFlight.get(30, TimeUnit.SECONDS);
    closer.join(30_000);

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("finished");
    assertThat(closer.isAlive()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void writesAcknowledgedBeforeCloseAreInTheStoreAfterReopening(Stores.Kind kind)
      throws Exception {
    String url = Stores.jdbcUrl(kind);
    Started st = start(url, List.of(), ImprintServer.SHUTDOWN_GRACE);
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        while (true) {
          try {
            HttpResponse<String> r = CLIENT.send(request(st.server(), "/v1/tokens", st.admin())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"workload\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
              return;
            }
            Matcher m = ID.matcher(r.body());
            if (m.find()) {
              acknowledged.add(m.group(1));
            }
          } catch (IOException | InterruptedException e) {
            return;
          }
        }
      });
      t.start();
      writers.add(t);
    }
    long acks = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (acknowledged.size() < 40) {
      assertThat(System.nanoTime()).as("40 writes acknowledged within two minutes")
          .isLessThan(acks);
      Thread.sleep(5);
    }
    st.server().close();
    for (Thread t : writers) {
      t.join(30_000);
      assertThat(t.isAlive()).as("a writer still running 30 s after close()").isFalse();
    }

    Set<String> stored = new HashSet<>();
    try (Database db = Database.open(url, dir)) {
      db.read(c -> {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT id FROM api_tokens")) {
          while (rs.next()) {
            stored.add(rs.getString(1));
          }
        }
        return null;
      });
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);
    assertThat(stored).containsAll(acknowledged);
  }
}
