package dev.imprint.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditIntegrityException;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.AuditService;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The time-dependent detections on a real store of each kind, fed the audit entries the server
 * writes (the same actions and details as the attestors, the issuer and the key ring), with a
 * clock the test moves; and two evaluators over one store, as two replicas would run.
 */
class DetectionsTest {
  static final String X = "spiffe://imprint.local/payments/api";
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  static List<Stores.Kind> kinds() {
    return Stores.kinds().toList();
  }

  private Alerts wire(Database db, Clock clock, AlertsConfig config,
      Supplier<Optional<AuditIntegrityException>> integrity) {
    return Alerts.wire(config, db, new AuditLog(db, clock), clock,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        new Alerts.Sources(null, Duration.ofDays(30), integrity), () -> "http://127.0.0.1:1",
        Map.of());
  }

  private static void append(Database db, Clock clock, String actor, String action,
      String subject, Map<String, Object> details) {
    AuditLog log = new AuditLog(db, clock);
    db.write(c -> {
      log.append(c, new AuditEvent(actor, action, subject, details));
      return null;
    });
  }

  private static void attested(Database db, Clock clock, String subject) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("method", "join_token");
    d.put("joinToken", "jt-1");
    d.put("image", "sha256:" + "a".repeat(64));
    d.put("outcome", "accepted");
    append(db, clock, "join-token:jt-1", "attestation.accepted", subject, d);
  }

  private static List<Alert> alerts(Alerts a) {
    return a.service().list(Optional.empty(), null, 200).items();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void identityDormantForThirtyDaysThenAuthenticatesThenAlertedOnce(Stores.Kind kind) {
    MovableClock clock = new MovableClock(T0);
    try (Database db = Stores.open(kind, dir);
        Alerts alerts = wire(db, clock, AlertsConfig.defaults(), Optional::empty)) {
      attested(db, clock, X);
      assertThat(alerts.evaluateNow()).isZero();
      clock.advance(Duration.ofDays(29));
      attested(db, clock, X);
      assertThat(alerts.evaluateNow()).isZero(); // 29 days: not dormant
      clock.advance(Duration.ofDays(31));
      Map<String, Object> issued = new LinkedHashMap<>();
      issued.put("image", "sha256:" + "a".repeat(64));
      issued.put("jwtSvids", 1);
      append(db, clock, "system:svid-issuer", "svid.issued", X, issued);
      assertThat(alerts.evaluateNow()).isEqualTo(1);
      attested(db, clock, X);
      assertThat(alerts.evaluateNow()).isZero();
      Alert a = alerts(alerts).get(0);
      assertThat(a.rule()).isEqualTo(Rules.DORMANT_REACTIVATED);
      assertThat(a.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(a.evidence()).containsEntry("silentDays", 31)
          .containsEntry("lastSeenBefore", T0.plus(Duration.ofDays(29)).toString());
      assertThat(a.link()).isEqualTo("/v1/identities/spiffe%3A%2F%2Fimprint.local%2Fpayments"
          + "%2Fapi");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void attestationRateFarAboveItsBaselineThenStormAlerted(Stores.Kind kind) {
    MovableClock clock = new MovableClock(T0);
    try (Database db = Stores.open(kind, dir);
        Alerts alerts = wire(db, clock, AlertsConfig.defaults(), Optional::empty)) {
      for (int minute = 0; minute < 20; minute++) {
        for (int i = 0; i < 10; i++) {
          attested(db, clock, X); // a steady 10 a minute: below the floor of 30
        }
        clock.advance(Duration.ofMinutes(1));
      }
      assertThat(alerts.evaluateNow()).isZero();
      for (int i = 0; i < 40; i++) {
        attested(db, clock, X); // 40: above the floor, below 5 times a baseline near 8.8
      }
      assertThat(alerts.evaluateNow()).isZero();
      clock.advance(Duration.ofMinutes(1));
      for (int i = 0; i < 80; i++) {
        attested(db, clock, X);
      }
      assertThat(alerts.evaluateNow()).isEqualTo(1);
      Alert a = alerts(alerts).get(0);
      assertThat(a.rule()).isEqualTo(Rules.ATTESTATION_STORM);
      double threshold = ((Number) a.evidence().get("threshold")).doubleValue();
      assertThat(threshold).isBetween(55.0, 65.0); // 5 x (0.1 x 40 + 0.9 x 8.8)
      assertThat(((Number) a.evidence().get("attestations")).longValue())
          .isEqualTo((long) Math.ceil(threshold));
      assertThat(((Number) a.evidence().get("baseline")).doubleValue()).isBetween(11.0, 13.0);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void signingKeyPastTheRotationPolicyThenOverdueAlerted(Stores.Kind kind) {
    MovableClock clock = new MovableClock(T0);
    try (Database db = Stores.open(kind, dir);
        Alerts alerts = wire(db, clock, AlertsConfig.defaults(), Optional::empty)) {
      key(db, "old-ca", "x509_ca", T0.minus(Duration.ofDays(40)));
      key(db, "fresh-jwt", "jwt_es256", T0.minus(Duration.ofDays(3)));
      key(db, "old-jwt", "jwt_es256", T0.minus(Duration.ofDays(50))); // superseded: not active
      assertThat(alerts.evaluateNow()).isEqualTo(1);
      Alert a = alerts(alerts).get(0);
      assertThat(a.rule()).isEqualTo(Rules.KEY_ROTATION_OVERDUE);
      assertThat(a.subject()).isEqualTo("old-ca");
      assertThat(a.evidence()).containsEntry("ageHours", 960).containsEntry("maxAgeHours", 720);
      assertThat(alerts.evaluateNow()).isZero();
    }
  }

  private static void key(Database db, String kid, String purpose, Instant created) {
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (kid, purpose,"
          + " public_material, private_key_enc, created_at, activates_at, not_after,"
          + " created_by) VALUES (?, ?, '', '', ?, ?, ?, 'test')")) {
        ps.setString(1, kid);
        ps.setString(2, purpose);
        ps.setLong(3, created.toEpochMilli());
        ps.setLong(4, created.toEpochMilli());
        ps.setLong(5, created.plus(Duration.ofDays(60)).toEpochMilli());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void auditEntryRewrittenThenIntegrityAlertedCritical(Stores.Kind kind) {
    MovableClock clock = new MovableClock(T0);
    try (Database db = Stores.open(kind, dir)) {
      AuditService audit = new AuditService(db, "imprint.local",
          KeyEncryptionKey.resolve(null, java.util.Base64.getEncoder().encodeToString(
              new byte[32]), dir, m -> { }), clock);
      try (Alerts alerts = wire(db, clock, AlertsConfig.defaults(), audit::integrityFailure)) {
        attested(db, clock, X);
        audit.checkpoint();
        assertThat(alerts.evaluateNow()).isZero();
        db.write(c -> {
          try (PreparedStatement ps = c.prepareStatement("UPDATE audit_entries SET entry ="
              + " REPLACE(entry, 'accepted', 'ACCEPTED') WHERE seq = 0")) {
            ps.executeUpdate();
          }
          return null;
        });
        try {
          audit.check(); // the check the server runs before every signing
        } catch (AuditIntegrityException expected) {
          // reported to integrityFailure()
        }
        assertThat(audit.integrityFailure()).isPresent();
        assertThat(alerts.evaluateNow()).isEqualTo(1);
        Alert a = alerts(alerts).get(0);
        assertThat(a.rule()).isEqualTo(Rules.AUDIT_INTEGRITY);
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.evidence().get("detail").toString()).contains("entry 0");
        assertThat(count(db, "alert.raised")).as("not written to the log that failed").isZero();
        assertThat(alerts.evaluateNow()).isZero();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void twoReplicasReadTheSameRefusalsThenOneAlertAndOneAuditEntry(Stores.Kind kind) {
    MovableClock clock = new MovableClock(T0);
    try (Database db = Stores.open(kind, dir);
        Alerts one = wire(db, clock, AlertsConfig.defaults(), Optional::empty);
        Alerts two = wire(db, clock, AlertsConfig.defaults(), Optional::empty)) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("image", "sha256:" + "b".repeat(64));
      d.put("reason", "svid.identity_inactive");
      d.put("refused", 3);
      d.put("method", "join_token");
      append(db, clock, "system:svid-issuer", "svid.refused", X, d);
      assertThat(one.evaluateNow() + two.evaluateNow()).isEqualTo(1);
      assertThat(one.evaluateNow() + two.evaluateNow()).isZero();
      assertThat(alerts(one)).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo(Rules.RETIRED_STILL_ATTESTING);
        assertThat(a.summary()).contains("disabled identity").contains("renewing");
        assertThat(a.evidence()).containsEntry("refused", 3);
      });
      assertThat(count(db, "alert.raised")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void ruleDisabledInTheConfigurationThenNeverRaised(Stores.Kind kind) {
    MovableClock clock = new MovableClock(T0);
    AlertsConfig config = AlertsConfig.parse("{\"disabled\":[\"keys.rotation_overdue\"]}");
    try (Database db = Stores.open(kind, dir);
        Alerts alerts = wire(db, clock, config, Optional::empty)) {
      key(db, "old-ca", "x509_ca", T0.minus(Duration.ofDays(40)));
      assertThat(alerts.evaluateNow()).isZero();
    }
  }

  private static long count(Database db, String action) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*) FROM audit_entries WHERE entry LIKE ?")) {
        ps.setString(1, "%\"action\":\"" + action + "\"%");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }
}
