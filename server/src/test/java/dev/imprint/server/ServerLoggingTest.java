package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ServerLoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonLogsAreOneObjectPerLineWithARequestLinePerCallAndNoSecret() throws Exception {
    List<String> secrets = new ArrayList<>();
    String adminId;
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.JSON)) {
      try (TestServer server = TestServer.start(Stores.Kind.SQLITE, dir)) {
        secrets.add(server.adminToken());
        for (String role : new String[] {"pipeline", "auditor", "workload"}) {
          HttpResponse<String> r = server.send("POST", "/v1/tokens", server.adminToken(),
              "{\"role\":\"" + role + "\",\"description\":\"log test\"}");
          assertThat(r.statusCode()).isEqualTo(201);
          secrets.add(JSON.readTree(r.body()).get("token").asText());
        }
        String found = null;
        for (JsonNode t : JSON.readTree(server.send("GET", "/v1/tokens", server.adminToken(),
            null).body()).get("items")) {
          found = t.get("role").asText().equals("admin") ? t.get("id").asText() : found;
        }
        adminId = found;
        assertThat(server.send("GET", "/v1/tokens", "imp_forged", null).statusCode())
            .isEqualTo(401);
        assertThat(server.send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
      }

      List<JsonNode> lines = new ArrayList<>();
      for (String line : log.lines()) {
        lines.add(JSON.readTree(line));
      }
      assertThat(lines).isNotEmpty().allSatisfy(n -> {
        assertThat(n.isObject()).isTrue();
        assertThat(n.path("level").asText()).isNotEmpty();
        assertThat(n.path("loggerName").asText()).isNotEmpty();
      });
      List<JsonNode> requests = lines.stream()
          .filter(n -> n.path("loggerName").asText().equals("imprint.request")).toList();
      assertThat(requests).extracting(n -> n.path("level").asText()).containsOnly("INFO");
      assertThat(requests).extracting(ServerLoggingTest::field)
          .contains("POST /v1/tokens 201 " + adminId, "GET /v1/tokens 200 " + adminId,
              "GET /v1/tokens 401 -", "GET /healthz 200 -");
      assertThat(requests).allSatisfy(n -> assertThat(
          Double.parseDouble(kv(n, "durationMs").asText())).isNotNegative());
      assertThat(log.text()).contains("imprint server listening on");
      for (String secret : secrets) {
        assertThat(log.text()).doesNotContain(secret).doesNotContain(secret.substring(4));
      }
      assertThat(log.text()).doesNotContain("imp_forged");
    }
  }

  @Test
  void aLineWaitsInTheBufferUntilAFlushAnErrorOrStop() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (LogCapture restore = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      ServerLogging.configure(ServerConfig.LogFormat.TEXT, sink, Duration.ofHours(1));
      Logger log = LoggerFactory.getLogger("imprint.request");
      log.info("first line");
      assertThat(text(sink)).doesNotContain("first line");
      ServerLogging.flush();
      assertThat(text(sink)).contains("first line");
      log.info("second line");
      log.error("an error");
      assertThat(text(sink)).contains("second line", "an error");
      log.info("third line");
      assertThat(text(sink)).doesNotContain("third line");
      ((LoggerContext) LoggerFactory.getILoggerFactory()).reset();
      assertThat(text(sink)).contains("third line");
    }
  }

  @Test
  void aLineReachesTheSinkOnTheTimerWithNothingElseLogged() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (LogCapture restore = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      ServerLogging.configure(ServerConfig.LogFormat.TEXT, sink);
      LoggerFactory.getLogger("imprint.request").info("a lone line");
      // polled, not timed: the interval is asserted by construction, the flush by its arrival
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (!text(sink).contains("a lone line") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(text(sink)).contains("a lone line");
    }
  }

  @Test
  void aRequestThreadLogsWithoutWaitingWhileAFlushIsStuckInTheSink() throws Exception {
    StuckSink sink = new StuckSink();
    try (LogCapture restore = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      Logger log = LoggerFactory.getLogger("imprint.request");
      Thread flusher = flushStuckIn(sink, log);
      // the flush holds the write lock inside the sink; a request thread must not wait for it
      ExecutorService requests = Executors.newSingleThreadExecutor();
      try {
        requests.submit(() -> {
          for (int i = 0; i < 1_000; i++) {
            log.info("while stuck {}", i);
          }
        }).get(1, TimeUnit.MINUTES);
      } finally {
        sink.release.countDown();
        requests.shutdownNow();
      }
      flusher.join();
      ServerLogging.flush();
      assertThat(sink.text()).contains("before the stall", "while stuck 0", "while stuck 999");
    }
  }

  @Test
  void pastTheQueueLimitInfoLinesAreDroppedAndCountedButWarningsKept() throws Exception {
    StuckSink sink = new StuckSink();
    int sent = 1_200;
    String padding = "x".repeat(4_000);
    try (LogCapture restore = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      Logger log = LoggerFactory.getLogger("imprint.request");
      Thread flusher = flushStuckIn(sink, log);
      for (int i = 0; i < sent; i++) {
        log.info("line {} {}", i, padding);
      }
      log.warn("a warning past the limit");
      sink.release.countDown();
      flusher.join();
      ServerLogging.flush();

      String text = sink.text();
      Matcher notice = Pattern.compile("(\\d+) log lines dropped").matcher(text);
      assertThat(notice.find()).as("a line saying how many lines were dropped").isTrue();
      long dropped = Long.parseLong(notice.group(1));
      long written = text.lines().filter(l -> l.contains(padding)).count();
      assertThat(dropped).isPositive();
      assertThat(written).isPositive();
      assertThat(written + dropped).isEqualTo(sent);
      assertThat(text).contains("a warning past the limit");
    }
  }

  /** Logs a line and starts a flush of it that is stuck inside {@code sink} until released. */
  private static Thread flushStuckIn(StuckSink sink, Logger log) throws InterruptedException {
    ServerLogging.configure(ServerConfig.LogFormat.TEXT, sink, Duration.ofHours(1));
    log.info("before the stall");
    Thread flusher = new Thread(ServerLogging::flush, "stuck-flush");
    flusher.start();
    sink.entered.await();
    return flusher;
  }

  /** A sink whose first write waits until the test releases it. */
  private static final class StuckSink extends OutputStream {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private static String text(ByteArrayOutputStream sink) {
    return sink.toString(StandardCharsets.UTF_8);
  }

  private static String field(JsonNode n) {
    return kv(n, "method").asText() + " " + kv(n, "route").asText() + " "
        + kv(n, "status").asText() + " " + kv(n, "tokenId").asText();
  }

  /** logback's JsonEncoder writes key-value pairs as a list of one-entry objects. */
  private static JsonNode kv(JsonNode n, String key) {
    for (JsonNode pair : n.path("kvpList")) {
      if (pair.has(key)) {
        return pair.get(key);
      }
    }
    return JSON.missingNode();
  }
}
