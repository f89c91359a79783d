package dev.imprint.server.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change or decision to record: who did what to which subject, with details that never
 * contain a secret (fingerprints and ids only).
 */
public record AuditEvent(String actor, String action, String subject, Map<String, Object> details) {
  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(subject, "subject");
    details = details == null ? Map.of() : new TreeMap<>(details);
  }

  /** An event without details. */
  public static AuditEvent of(String actor, String action, String subject) {
    return new AuditEvent(actor, action, subject, Map.of());
  }
}
