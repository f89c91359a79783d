package dev.imprint.server.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code imprint_nhi_events_total{event}}: the NHI events the alert evaluator reads from the
 * audit log (attestations accepted and refused, join-token refusals, SVID refusals, denied
 * decisions), for rate rules in Prometheus. Each replica reads the whole shared log, so each
 * replica's counter counts the cluster's events from the time it started: aggregate replicas
 * with {@code max}, not {@code sum}. Entries older than the start (the warm-up read) are not
 * counted.
 */
final class NhiEvents {
  static final String ATTESTATION_ACCEPTED = "attestation_accepted";
  static final String ATTESTATION_REFUSED = "attestation_refused";
  static final String JOIN_TOKEN_REFUSED = "join_token_refused";
  static final String SVID_REFUSED = "svid_refused";
  static final String DECISION_DENIED = "decision_denied";

  private final Map<String, Counter> counters = new LinkedHashMap<>();
  private final Instant since;

  NhiEvents(MeterRegistry metrics, Instant since) {
    this.since = since;
    for (String e : new String[] {ATTESTATION_ACCEPTED, ATTESTATION_REFUSED, JOIN_TOKEN_REFUSED,
        SVID_REFUSED, DECISION_DENIED}) {
      counters.put(e, Counter.builder("imprint.nhi.events").tag("event", e)
          .description("NHI events read from the shared audit log since this replica started"
              + " (cluster-wide: aggregate replicas with max)").register(metrics));
    }
  }

  void count(LogEntry e) {
    if (e.at().isBefore(since)) {
      return;
    }
    switch (e.action()) {
      case "attestation.accepted" -> counters.get(ATTESTATION_ACCEPTED).increment();
      case "attestation.refused" -> {
        counters.get(ATTESTATION_REFUSED).increment();
        if ("join_token".equals(e.detail("method"))) {
          counters.get(JOIN_TOKEN_REFUSED).increment();
        }
      }
      case "svid.refused" -> counters.get(SVID_REFUSED).increment(e.count("refused", 1));
      case "authz.decided" -> {
        if ("deny".equals(e.detail("effect"))) {
          counters.get(DECISION_DENIED).increment(e.count("decisions", 1));
        }
      }
      default -> { }
    }
  }
}
