package dev.imprint.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery to real HTTP receivers on loopback: a webhook receiver that verifies the HMAC
 * signature and the timestamp as docs/alerts.md tells receivers to, an Alertmanager receiver
 * that fails twice before it accepts, and one that never answers in time (the bounded queue).
 */
class AlertDeliveryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "a-webhook-secret-of-32-characters";
  static final Alert ALERT = new Alert("al-0123456789abcdef0123", Rules.RETIRED_STILL_ATTESTING,
      Severity.HIGH, "spiffe://imprint.local/payments/api", "image sha256:abc is still attesting",
      Map.of("image", "sha256:abc", "refused", 3), "/v1/images/sha256:abc", AlertState.OPEN,
      Instant.parse("2026-03-01T10:00:00Z"), null, null, null, null, null);

  @TempDir
  Path dir;
  private HttpServer receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  private URI receive(String path, com.sun.net.httpserver.HttpHandler h) throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(path, h);
    receiver.start();
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort());
  }

  private static void answer(HttpExchange x, int status) throws IOException {
    x.sendResponseHeaders(status, -1);
    x.close();
  }

  private static AlertsConfig config(AlertsConfig.Webhook webhook, URI alertmanager, int queue) {
    AlertsConfig d = AlertsConfig.defaults();
    return new AlertsConfig(d.interval(), d.sweep(), d.warmup(), d.dormantAfter(),
        d.stormBucket(), d.stormAlpha(), d.stormFactor(), d.stormFloor(), d.refusalCount(),
        d.refusalWindow(), d.deniedCount(), d.deniedWindow(), d.grantUnusedFor(), null,
        Set.of(), webhook, alertmanager, queue, 4, Duration.ofMillis(50),
        // a per-attempt timeout no loaded machine reaches: an attempt the receiver answered but
        // that timed out first would be retried and counted again (calls == 3 below)
        Duration.ofSeconds(60));
  }

  private static void await(CountDownLatch l) throws InterruptedException {
    assertThat(l.await(30, TimeUnit.SECONDS)).as("the receiver was called in time").isTrue();
  }

  @Test
  void webhookSignedWithTheSecretFileThenReceiverVerifiesSignatureAndTimestamp()
      throws Exception {
    Path secretFile = Files.writeString(dir.resolve("webhook-secret"), SECRET + "\n");
    List<String> verdicts = new CopyOnWriteArrayList<>();
    CountDownLatch got = new CountDownLatch(1);
    URI url = receive("/hook", x -> {
      byte[] body = x.getRequestBody().readAllBytes();
      String ts = x.getRequestHeaders().getFirst("X-Imprint-Timestamp");
      String sig = x.getRequestHeaders().getFirst("X-Imprint-Signature");
      verdicts.add(verify(ts, sig, body));
      verdicts.add(new String(body, StandardCharsets.UTF_8));
      answer(x, 204);
      got.countDown();
    });
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AlertsConfig.Webhook hook = new AlertsConfig.Webhook(url.resolve("/hook"), secretFile, null);
    try (AlertDelivery d = new AlertDelivery(config(hook, null, 10),
        AlertDelivery.secret(hook, Map.of()), clock, () -> "https://imprint.example", metrics)) {
      d.send(ALERT);
      await(got);
    }
    assertThat(verdicts.get(0)).isEqualTo("valid");
    JsonNode body = JSON.readTree(verdicts.get(1));
    assertThat(body.get("rule").asText()).isEqualTo(Rules.RETIRED_STILL_ATTESTING);
    assertThat(body.get("severity").asText()).isEqualTo("high");
    assertThat(body.at("/evidence/refused").asInt()).isEqualTo(3);
    assertThat(body.get("url").asText())
        .isEqualTo("https://imprint.example/v1/alerts/al-0123456789abcdef0123");
    assertThat(verdicts.get(1)).doesNotContain(SECRET);
    assertThat(metrics.scrape()).contains("imprint_alert_deliveries_total{outcome=\"delivered\","
        + "target=\"webhook\"} 1.0");
  }

  /** What a receiver does (docs/alerts.md): recompute the HMAC, compare, check the age. */
  static String verify(String timestamp, String signature, byte[] body) {
    try {
      if (timestamp == null || signature == null || !signature.startsWith("sha256=")) {
        return "missing headers";
      }
      long age = Instant.now().getEpochSecond() - Long.parseLong(timestamp);
      if (Math.abs(age) > 300) {
        return "stale: " + age + " s";
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body);
      return MessageDigest.isEqual(expected, HexFormat.of().parseHex(signature.substring(7)))
          ? "valid" : "bad signature";
    } catch (Exception e) {
      return "error: " + e;
    }
  }

  @Test
  void alertmanagerFailsTwiceThenAcceptsTheThirdAttemptInItsApiFormat() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> bodies = new CopyOnWriteArrayList<>();
    CountDownLatch accepted = new CountDownLatch(1);
    URI url = receive("/api/v2/alerts", x -> {
      bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (calls.incrementAndGet() <= 2) {
        answer(x, 503);
        return;
      }
      answer(x, 200);
      accepted.countDown();
    });
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (AlertDelivery d = new AlertDelivery(config(null, url, 10), null, Clock.systemUTC(),
        () -> "https://imprint.example", metrics)) {
      d.send(ALERT);
      await(accepted);
    }
    assertThat(calls.get()).isEqualTo(3);
    JsonNode sent = JSON.readTree(bodies.get(2));
    assertThat(sent.isArray()).isTrue();
    JsonNode a = sent.get(0);
    assertThat(a.at("/labels/alertname").asText()).isEqualTo(Rules.RETIRED_STILL_ATTESTING);
    assertThat(a.at("/labels/severity").asText()).isEqualTo("high");
    assertThat(a.at("/annotations/summary").asText()).contains("still attesting");
    assertThat(a.at("/annotations/link").asText())
        .isEqualTo("https://imprint.example/v1/images/sha256:abc");
    assertThat(a.get("startsAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(a.has("endsAt")).isFalse();
    assertThat(a.get("generatorURL").asText())
        .isEqualTo("https://imprint.example/v1/alerts/al-0123456789abcdef0123");
    assertThat(metrics.scrape()).contains("imprint_alert_deliveries_total{outcome=\"delivered\","
        + "target=\"alertmanager\"} 1.0");
  }

  @Test
  void receiverHangsThenQueueBoundedAndFurtherAlertsDroppedAndCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch first = new CountDownLatch(1);
    URI url = receive("/api/v2/alerts", x -> {
      first.countDown();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(x, 200);
    });
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (AlertDelivery d = new AlertDelivery(config(null, url, 2), null, Clock.systemUTC(),
        () -> "https://imprint.example", metrics)) {
      for (int i = 0; i < 5; i++) {
        d.send(ALERT);
      }
      assertThat(d.waiting()).isEqualTo(2);
      await(first);
      assertThat(metrics.scrape()).contains("imprint_alert_deliveries_total{outcome=\"dropped\","
          + "target=\"alertmanager\"} 3.0");
      release.countDown();
    }
  }

  @Test
  void webhookSecretFromAnUnsetVariableThenRefusedWithItsName() {
    AlertsConfig.Webhook hook = new AlertsConfig.Webhook(URI.create("http://127.0.0.1:1/h"),
        null, "IMPRINT_ALERTS_WEBHOOK_SECRET");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AlertDelivery.secret(hook, Map.of()))
        .hasMessageContaining("IMPRINT_ALERTS_WEBHOOK_SECRET");
    assertThat(AlertDelivery.secret(hook, Map.of("IMPRINT_ALERTS_WEBHOOK_SECRET", SECRET))
        .toString()).isEqualTo("[redacted]");
    assertThat(hook.toString()).doesNotContain(SECRET);
  }
}
