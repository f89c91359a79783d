package dev.imprint.server.alert;

import java.time.Instant;
import java.util.Map;

/** One audit log entry as the detections read it: its number, time and event. */
record LogEntry(long seq, Instant at, String actor, String action, String subject,
    Map<String, Object> details) {
  LogEntry {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  String detail(String key) {
    Object v = details.get(key);
    return v == null ? null : v.toString();
  }

  long count(String key, long dflt) {
    Object v = details.get(key);
    return v instanceof Number n ? n.longValue() : dflt;
  }
}
