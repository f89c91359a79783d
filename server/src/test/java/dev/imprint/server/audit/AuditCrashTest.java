package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.ServerProcess;
import dev.imprint.server.testing.Stores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  private static final int CLIENTS = 4;
  private static final int ACKS_BEFORE_KILL = 60;

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void killDashNineMidStreamLosesNoAcknowledgedEntryAndTheLogVerifies(Stores.Kind kind)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    ServerProcess first = start(jdbc);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> notesSeen = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < CLIENTS; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          try {
            HttpResponse<String> r = first.send("POST", "/v1/tokens", first.adminToken(),
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
          HttpResponse<String> r = first.send("GET", "/v1/audit/checkpoint",
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
    first.kill();
    stop.set(true);
    for (Thread th : clients) {
      th.join(120_000);
      assertThat(th.isAlive()).as("a client still running after two minutes").isFalse();
    }
    auditor.join(120_000);
    assertThat(auditor.isAlive()).as("the auditor still running after two minutes").isFalse();
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    ServerProcess second = start(jdbc);
    try {
      assertThat(second.adminToken()).isNull();
      String export = second.send("GET", "/v1/audit/export", first.adminToken(), null)
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
      second.close();
    }
  }

  private ServerProcess start(String jdbc) throws IOException {
    return ServerProcess.start(dir.resolve("data"), jdbc, Map.of());
  }
}
