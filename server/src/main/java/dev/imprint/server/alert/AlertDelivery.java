package dev.imprint.server.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts off the request path: to a webhook (the alert as JSON, signed with HMAC-SHA256
 * over the timestamp and the body, so a receiver can refuse forgeries and replays) and to
 * Alertmanager's {@code POST /api/v2/alerts}. Each delivery is tried up to the configured
 * number of attempts with exponential backoff; at most {@code queue} deliveries wait at once and
 * further ones are dropped with a WARN and counted, so a dead receiver never holds memory or a
 * request thread.
 */
final class AlertDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);
  /** The header carrying the signing time, in epoch seconds. */
  static final String TIMESTAMP = "X-Imprint-Timestamp";
  /** The header carrying {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
  static final String SIGNATURE = "X-Imprint-Signature";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** An HMAC secret; its {@code toString} never shows it. */
  static final class Secret {
    private final byte[] key;

    Secret(byte[] key) {
      if (key.length < 16) {
        throw new IllegalArgumentException("expected a webhook secret of at least 16 bytes, got "
            + key.length);
      }
      this.key = key.clone();
    }

    byte[] sign(String message) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
      }
    }

    @Override
    public String toString() {
      return "[redacted]";
    }
  }

  private record Target(String name, URI url, Secret secret) {}

  private final List<Target> targets = new ArrayList<>();
  private final AlertsConfig config;
  private final Clock clock;
  private final java.util.function.Supplier<String> serverUrl;
  private final HttpClient http;
  private final ExecutorService httpThreads;
  private final ScheduledExecutorService executor;
  private final AtomicInteger waiting = new AtomicInteger();
  private final MeterRegistry metrics;

  /**
   * Delivery per {@code config}; {@code secret} is the webhook's HMAC secret (null without a
   * webhook), {@code serverUrl} prefixes the links (the generator URL).
   */
  AlertDelivery(AlertsConfig config, Secret secret, Clock clock,
      java.util.function.Supplier<String> serverUrl,
      MeterRegistry metrics) {
    this.config = config;
    this.clock = clock;
    this.serverUrl = serverUrl;
    this.metrics = metrics;
    if (config.webhook() != null) {
      targets.add(new Target("webhook", config.webhook().url(), secret));
    }
    if (config.alertmanagerUrl() != null) {
      String base = config.alertmanagerUrl().toString();
      targets.add(new Target("alertmanager", URI.create(
          (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
              + "/api/v2/alerts"), null));
    }
    // no target, no client: a JDK HttpClient starts threads of its own (a selector that lives
    // until the client is collected, and workers), which a server without delivery never needs
    this.httpThreads = targets.isEmpty() ? null : Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "imprint-alert-http");
      t.setDaemon(true);
      return t;
    });
    this.http = targets.isEmpty() ? null : HttpClient.newBuilder()
        .connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER)
        .executor(httpThreads).build();
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-alert-delivery");
      t.setDaemon(true);
      return t;
    });
    for (Target t : targets) {
      for (String outcome : List.of("delivered", "failed", "dropped")) {
        counter(t.name(), outcome);
      }
    }
  }

  /** Reads the webhook secret from its file or environment variable (trailing newline cut). */
  static Secret secret(AlertsConfig.Webhook w, Map<String, String> env) {
    if (w == null) {
      return null;
    }
    byte[] raw;
    if (w.secretFile() != null) {
      try {
        raw = java.nio.file.Files.readAllBytes(w.secretFile());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the webhook secret file "
            + w.secretFile() + ": " + e.getMessage());
      }
    } else {
      String v = env.get(w.secretEnv());
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("the environment variable " + w.secretEnv()
            + " named by webhook.secretEnv is not set");
      }
      raw = v.getBytes(StandardCharsets.UTF_8);
    }
    String s = new String(raw, StandardCharsets.UTF_8).strip();
    return new Secret(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Queues {@code a} for every target; never blocks. */
  void send(Alert a) {
    for (Target t : targets) {
      if (waiting.incrementAndGet() > config.queue()) {
        waiting.decrementAndGet();
        counter(t.name(), "dropped").increment();
        LOG.warn("alert {} ({}) not sent to the {}: {} deliveries are waiting already", a.id(),
            a.rule(), t.name(), config.queue());
        continue;
      }
      executor.execute(() -> attempt(t, a, 1));
    }
  }

  private void attempt(Target t, Alert a, int n) {
    String failure;
    try {
      HttpResponse<Void> r = http.send(request(t, a), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 == 2) {
        waiting.decrementAndGet();
        counter(t.name(), "delivered").increment();
        return;
      }
      failure = "HTTP " + r.statusCode();
    } catch (IOException e) {
      failure = e.getClass().getSimpleName() + (e.getMessage() == null ? ""
          : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      waiting.decrementAndGet();
      return;
    }
    if (n >= config.attempts()) {
      waiting.decrementAndGet();
      counter(t.name(), "failed").increment();
      LOG.warn("alert {} ({}) could not be sent to the {} at {} after {} attempts: {}", a.id(),
          a.rule(), t.name(), t.url(), n, failure);
      return;
    }
    long wait = config.backoff().toMillis() << Math.min(n - 1, 20);
    LOG.info("alert {} not yet sent to the {} ({}); attempt {} in {} ms", a.id(), t.name(),
        failure, n + 1, wait);
    try {
      executor.schedule(() -> attempt(t, a, n + 1), wait, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      waiting.decrementAndGet(); // closing
    }
  }

  private HttpRequest request(Target t, Alert a) {
    String body = t.secret() != null ? webhookBody(a) : alertmanagerBody(a);
    HttpRequest.Builder b = HttpRequest.newBuilder(t.url()).timeout(config.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (t.secret() != null) {
      String ts = Long.toString(clock.instant().getEpochSecond());
      b.header(TIMESTAMP, ts);
      b.header(SIGNATURE, "sha256=" + HexFormat.of().formatHex(t.secret().sign(ts + "." + body)));
    }
    return b.build();
  }

  /** The webhook's JSON: the alert as {@code GET /v1/alerts/{id}} shows it, and its URL. */
  String webhookBody(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>(AlertRoutes.view(a));
    m.put("url", serverUrl.get() + "/v1/alerts/" + a.id());
    return json(m);
  }

  /** Alertmanager's {@code postableAlerts}: a JSON array of one alert. */
  String alertmanagerBody(Alert a) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", a.rule());
    labels.put("severity", a.severity().wire());
    labels.put("subject", a.subject());
    labels.put("alert_id", a.id());
    labels.put("service", "imprint");
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", a.summary());
    annotations.put("evidence", json(a.evidence()));
    annotations.put("link", serverUrl.get() + a.link());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", labels);
    m.put("annotations", annotations);
    m.put("startsAt", a.raisedAt().toString());
    if (a.resolvedAt() != null) {
      m.put("endsAt", a.resolvedAt().toString());
    }
    m.put("generatorURL", serverUrl.get() + "/v1/alerts/" + a.id());
    return json(List.of(m));
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an alert did not serialise: " + e.getMessage(), e);
    }
  }

  private Counter counter(String target, String outcome) {
    return Counter.builder("imprint.alert.deliveries")
        .description("alert deliveries by target and outcome (delivered, failed after every"
            + " attempt, dropped because the queue was full)")
        .tag("target", target).tag("outcome", outcome).register(metrics);
  }

  /** Whether any target is configured. */
  boolean any() {
    return !targets.isEmpty();
  }

  /** Deliveries queued or being retried (tests). */
  int waiting() {
    return waiting.get();
  }

  /** Lets attempts in flight end within a few seconds, then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    if (httpThreads != null) {
      httpThreads.shutdownNow();
    }
  }
}
