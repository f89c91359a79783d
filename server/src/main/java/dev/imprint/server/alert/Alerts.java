package dev.imprint.server.alert;

import dev.imprint.server.audit.AuditIntegrityException;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.authz.DecisionService;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The alerts capability wired together: the service, the detections and their evaluator, the
 * delivery, the routes and the metrics ({@code imprint_alerts_total{rule,severity}},
 * {@code imprint_alerts_unresolved{severity}}, {@code imprint_alert_deliveries_total}).
 */
public final class Alerts implements AutoCloseable {
  private final AlertService service;
  private final AlertTail tail;
  private final AlertDelivery delivery;
  private final AlertRoutes routes;

  private Alerts(AlertService service, AlertTail tail, AlertDelivery delivery) {
    this.service = service;
    this.tail = tail;
    this.delivery = delivery;
    this.routes = new AlertRoutes(service);
  }

  /** What the detections read from the other capabilities. */
  public record Sources(DecisionService decisions, Duration keyLifetime,
      Supplier<Optional<AuditIntegrityException>> integrity) {}

  /**
   * Wires alerts over {@code db}; {@code serverUrl} gives the server's base URL once it listens
   * (the links in deliveries); {@code env} is where a webhook's {@code secretEnv} is read.
   *
   * @throws IllegalArgumentException when the webhook secret cannot be read
   */
  public static Alerts wire(AlertsConfig config, Database db, AuditLog audit, Clock clock,
      MeterRegistry metrics, Sources sources, Supplier<String> serverUrl,
      Map<String, String> env) {
    AlertService service = new AlertService(db, audit, clock);
    AlertDelivery delivery = new AlertDelivery(config,
        AlertDelivery.secret(config.webhook(), env), clock, serverUrl, metrics);
    for (Map.Entry<String, Severity> r : Rules.SEVERITY.entrySet()) {
      Counter c = Counter.builder("imprint.alerts")
          .description("alerts raised (stored by this replica), by rule and severity")
          .tag("rule", r.getKey()).tag("severity", r.getValue().wire()).register(metrics);
      service.onRaised(a -> {
        if (a.rule().equals(r.getKey())) {
          c.increment();
        }
      });
    }
    for (Severity s : Severity.values()) {
      DoubleSupplier v = db.sampled(() -> service.unresolvedCounts().get(s));
      Gauge.builder("imprint.alerts.unresolved", v, DoubleSupplier::getAsDouble)
          .description("alerts open or acknowledged, by severity (read from the store)")
          .tag("severity", s.wire()).register(metrics);
    }
    if (delivery.any()) {
      service.onRaised(delivery::send);
      service.onResolved(delivery::send);
    }
    keyGauges(db, clock, metrics, sources.keyLifetime(), config);
    StateRules state = new StateRules(config, db, sources.decisions(), sources.keyLifetime(),
        sources.integrity());
    AlertTail tail = new AlertTail(config, db, clock, service, new EventRules(config, db),
        state, new NhiEvents(metrics, clock.instant()));
    return new Alerts(service, tail, delivery);
  }

  /**
   * {@code imprint_signing_key_age_seconds{purpose}}: the age of the key that signs now, per
   * purpose (from the store, sampled); {@code imprint_signing_key_max_age_seconds}: the rotation
   * policy the overdue rule compares it with.
   */
  private static void keyGauges(Database db, Clock clock, MeterRegistry metrics,
      Duration keyLifetime, AlertsConfig config) {
    Duration max = config.keyMaxAge() != null ? config.keyMaxAge() : keyLifetime;
    Gauge.builder("imprint.signing.key.max.age", max, d -> d.toMillis() / 1000.0)
        .baseUnit("seconds").description("the rotation policy: the oldest a signing key may be"
            + " while it signs").register(metrics);
    for (dev.imprint.server.keys.KeyPurpose p : dev.imprint.server.keys.KeyPurpose.values()) {
      String purpose = p.name().toLowerCase(java.util.Locale.ROOT);
      DoubleSupplier v = db.sampled(() -> activeKeyAgeSeconds(db, purpose, clock.millis()));
      Gauge.builder("imprint.signing.key.age", v, DoubleSupplier::getAsDouble)
          .baseUnit("seconds").description("age of the signing key that signs now, by purpose"
              + " (NaN when the purpose has no key)").tag("purpose", purpose).register(metrics);
    }
  }

  private static double activeKeyAgeSeconds(Database db, String purpose, long now) {
    return db.read(c -> {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT created_at FROM"
          + " signing_keys WHERE purpose = ? AND activates_at <= ? ORDER BY activates_at DESC"
          + " LIMIT 1")) {
        ps.setString(1, purpose);
        ps.setLong(2, now);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          return rs.next() ? (now - rs.getLong(1)) / 1000.0 : Double.NaN;
        }
      }
    });
  }

  /** Starts evaluating the detections in the background. */
  public void start() {
    tail.start();
  }

  /** The alerts read and change API (the console uses it). */
  public AlertService service() {
    return service;
  }

  /** The {@code /v1/alerts} routes. */
  public ApiModule routes() {
    return routes;
  }

  /**
   * Reads the audit log up to its end now and raises what it completes, running the state
   * rules too; returns how many alerts this call stored (tests and tools).
   */
  public int evaluateNow() {
    return tail.sweep();
  }

  /** Stops evaluating, then lets deliveries in flight end. */
  @Override
  public void close() {
    tail.close();
    delivery.close();
  }
}
