package dev.imprint.server.alert;

import java.util.Map;
import java.util.Objects;

/**
 * What a detection saw and wants raised: the alert's content and its dedup key, which names the
 * rule, what it is about and the rule's time bucket, so that every replica that sees the same
 * events proposes the same key and the alert is stored once.
 */
record Signal(String rule, Severity severity, String subject, String dedupKey, String summary,
    Map<String, Object> evidence, String link) {
  Signal {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(dedupKey, "dedupKey");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(link, "link");
    evidence = Map.copyOf(evidence);
  }
}
