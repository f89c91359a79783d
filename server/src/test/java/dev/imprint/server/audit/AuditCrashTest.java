package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of a real server process during a stream of audited writes: after a restart on the
 * same store the whole log verifies and holds every write a client saw acknowledged.
 */
class AuditCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final int CLIENTS = 4;
  private static final int ACKS_BEFORE_KILL = 60;

  @TempDir Path dir;

  /** A server in its own JVM. */
  private record Child(Process process, String url, String adminToken) {}

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void killDashNineMidStreamLosesNoAcknowledgedEntryAndTheLogVerifies(Stores.Kind kind)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    Child first = start(jdbc);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> notesSeen = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < CLIENTS; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          try {
            HttpResponse<String> r = send(first.url(), "POST", "/v1/tokens", first.adminToken(),
                "{\"role\":\"workload\"}");
            if (r.statusCode() == 201) {
              acked.add(JSON.readTree(r.body()).get("id").asText());
            }
          } catch (IOException | RuntimeException e) {
            return;
          }
        }
      });
      th.start();
      clients.add(th);
    }
    Thread auditor = new Thread(() -> {
      while (!stop.get()) {
        try {
          HttpResponse<String> r = send(first.url(), "GET", "/v1/audit/checkpoint",
              first.adminToken(), null);
          if (r.statusCode() == 200) {
            notesSeen.add(JSON.readTree(r.body()).get("note").asText());
          }
          Thread.sleep(20);
        } catch (IOException | RuntimeException | InterruptedException e) {
          return;
        }
      }
    });
    auditor.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    first.process().destroyForcibly();
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    for (Thread th : clients) {
      th.join();
    }
    auditor.join();
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    Child second = start(jdbc);
    try {
      assertThat(second.adminToken()).isNull();
      String export = send(second.url(), "GET", "/v1/audit/export", first.adminToken(), null)
          .body();
      AuditVerifier.Result result = AuditVerifier.verify(
          new BufferedReader(new StringReader(export)), null);
      assertThat(result).isInstanceOf(AuditVerifier.Verified.class);
      Set<String> logged = new HashSet<>();
      Set<String> notes = new HashSet<>();
      for (String line : export.split("\n")) {
        JsonNode n = JSON.readTree(line);
        if ("entry".equals(n.path("type").asText())) {
          logged.add(JSON.readTree(n.get("entry").asText()).get("subject").asText());
        } else if ("checkpoint".equals(n.path("type").asText())) {
          notes.add(n.get("note").asText());
        }
      }
      for (String id : acked) {
        assertThat(logged).contains("token:" + id);
      }
      assertThat(notes).containsAll(notesSeen);
      assertThat(((AuditVerifier.Verified) result).entries()).isGreaterThan(acked.size());
    } finally {
      second.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Child start(String jdbc) throws Exception {
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", cp, CrashServerMain.class.getName(), dir.resolve("data").toString()));
    if (jdbc != null) {
      cmd.add(jdbc);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String admin = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("admin token: ")) {
        admin = line.substring("admin token: ".length()).trim();
      } else if (line.startsWith("ready ")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return new Child(p, line.substring(6).trim(), admin);
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("the server process did not start");
  }

  private static HttpResponse<String> send(String url, String method, String path, String token,
      String body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
