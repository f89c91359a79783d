package dev.imprint.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with a 256 MiB heap takes sixteen concurrent 15 MiB findings uploads built to blow
 * up a parser (millions of empty objects in ignored fields, deep nesting, values packed as
 * densely as JSON allows): health stays up, every upload gets an answer that is a stored report
 * (201, or 200 for a repeat of one) or a problem document, nothing runs out of memory, and a
 * write made meanwhile is stored.
 */
class MemoryAttackTest {
  private static final int MIB = 1 << 20;
  private static final String COMMIT = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  @TempDir Path dir;

  /** A valid report whose ignored {@code summary} holds empty objects up to {@code size}. */
  static byte[] emptyObjects(int size) {
    return fill("{\"repository\":\"acme/big\",\"commit\":\"" + COMMIT + "\",\"report\":"
        + "{\"schemaVersion\":1,\"findings\":[{\"ruleId\":\"IMP-X\",\"severity\":\"low\","
        + "\"path\":\"a\"}],\"summary\":[", "{},", "{}]}}", size);
  }

  /** An inventory whose kept lists are packed with one-character strings up to {@code size}. */
  static byte[] denseValues(int size) {
    return fill("{\"repository\":\"acme/dense\",\"commit\":\"" + COMMIT + "\",\"report\":"
        + "{\"schemaVersion\":1,\"findings\":[]},\"inventory\":{\"schemaVersion\":1,\"links\":[],"
        + "\"identities\":[", "{\"id\":\"a\",\"kind\":\"a\",\"name\":\"a\",\"location\":"
        + "{\"path\":\"a\",\"line\":1},\"details\":[" + "\"a\",".repeat(999) + "\"a\"]},",
        "{\"id\":\"a\",\"kind\":\"a\",\"name\":\"a\",\"location\":{\"path\":\"a\",\"line\":1}}]}}",
        size);
  }

  /** Arrays nested far beyond any real report, inside an ignored field. */
  static byte[] deepNesting(int size) {
    return fill("{\"repository\":\"acme/deep\",\"commit\":\"" + COMMIT + "\",\"report\":"
        + "{\"schemaVersion\":1,\"findings\":[],\"summary\":", "[", "]", size);
  }

  private static byte[] fill(String head, String unit, String tail, int size) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(size);
    byte[] u = unit.getBytes(StandardCharsets.UTF_8);
    b.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    byte[] end = tail.getBytes(StandardCharsets.UTF_8);
    while (b.size() + u.length + end.length <= size) {
      b.writeBytes(u);
    }
    b.writeBytes(end);
    return b.toByteArray();
  }

  private static CompletableFuture<HttpResponse<String>> upload(ServerProcess s, byte[] body) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(s.url() + "/v1/findings"))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + s.adminToken())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sixteenHostileUploadsOnASmallHeapLeaveHealthUpAndLoseNothing() throws Exception {
    byte[] objects = emptyObjects(15 * MIB);
    byte[] dense = denseValues(15 * MIB);
    byte[] deep = deepNesting(15 * MIB);
    try (ServerProcess s = ServerProcess.start(dir.resolve("data"), null, Map.of(),
        List.of("-Xmx256m"))) {
      AtomicBoolean attacking = new AtomicBoolean(true);
      AtomicInteger healthChecks = new AtomicInteger();
      List<String> healthFailures = new ArrayList<>();
      // Health as up or down, not as fast or slow: every probe made during the attack gets a
      // 200, however long a loaded machine (or a collection on the small heap) makes it wait;
      // a refused or reset connection, or any other status, is the server down. (A 5 s probe
      // timeout, 3 in a row, judged how loaded the test machine was, not the server.)
      Thread health = new Thread(() -> {
        while (attacking.get()) {
          try {
            HttpResponse<String> h = CLIENT.send(HttpRequest.newBuilder(
                URI.create(s.url() + "/healthz")).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
            healthChecks.incrementAndGet();
            if (h.statusCode() != 200) {
              healthFailures.add("status " + h.statusCode());
            }
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            healthFailures.add(e.toString());
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      health.start();

      List<CompletableFuture<HttpResponse<String>>> attacks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        attacks.add(upload(s, i % 3 == 0 ? dense : i % 3 == 1 ? objects : deep));
      }
      Thread.sleep(500);
      HttpResponse<String> legit = s.send("POST", "/v1/tokens", s.adminToken(),
          "{\"role\":\"auditor\",\"description\":\"made during the attack\"}");
      assertThat(legit.statusCode()).as(legit.body()).isEqualTo(201);
      String legitId = Hostile.JSON.readTree(legit.body()).get("id").asText();

      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> a : attacks) {
        HttpResponse<String> r = a.join();
        statuses.add(r.statusCode());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201, 400, 413, 503);
        if (r.statusCode() >= 400) {
          JsonNode p = Hostile.problem(r, r.statusCode());
          assertThat(p.get("code").asText()).isIn("request.too_complex", "server.busy",
              "http.413");
        }
        if (r.statusCode() == 503) {
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
      }
      // Which of the sixteen got a share of the body budget in time, and which were turned away
      // (503), depends on how fast the others were read: on a loaded machine every one of them
      // may be turned away. Sent alone afterwards, each hostile body is read to its limits and
      // answered on its merits: the server still reads uploads, it does not only refuse them.
      List<Integer> alone = new ArrayList<>();
      for (byte[] body : List.of(dense, objects, deep)) {
        HttpResponse<String> r = upload(s, body).join();
        alone.add(r.statusCode());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201, 400);
        if (r.statusCode() == 400) {
          assertThat(Hostile.problem(r, 400).get("code").asText())
              .isEqualTo("request.too_complex");
        }
      }
      attacking.set(false);
      health.join();

      assertThat(healthFailures).as("health during the attack").isEmpty();
      assertThat(healthChecks.get()).isPositive();
      assertThat(alone).as("hostile bodies read to their limits, not turned away: " + statuses)
          .contains(400);
      assertThat(s.send("GET", "/v1/tokens/" + legitId, s.adminToken(), null).statusCode())
          .isEqualTo(200);
      assertThat(s.send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
      assertThat(String.join("\n", s.output())).doesNotContain("OutOfMemoryError");
    }
  }
}
