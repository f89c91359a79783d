package dev.imprint.server.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One raised alert: which detection ({@code rule}, a stable id such as
 * {@code nhi.retired_still_attesting}), how severe, what it is about ({@code subject}, usually a
 * SPIFFE ID, a grant id or a key id), a one-line summary, the evidence (counts, ids and audit
 * entry numbers; never a secret), and {@code link}, the API path that shows the subject.
 */
public record Alert(String id, String rule, Severity severity, String subject, String summary,
    Map<String, Object> evidence, String link, AlertState state, Instant raisedAt,
    Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt, String resolvedBy,
    String note) {
  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(raisedAt, "raisedAt");
    evidence = evidence == null ? Map.of() : new TreeMap<>(evidence);
  }
}
