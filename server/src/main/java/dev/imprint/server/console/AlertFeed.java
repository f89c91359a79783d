package dev.imprint.server.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the console reads alerts from: the alerts service implements it when it is wired;
 * until then {@link #NONE} says no alerts service runs, and the pages show an empty state
 * that says so instead of a misleading "no alerts".
 */
public interface AlertFeed {
  /**
   * One alert: its detection, severity, subject, evidence, a link to what it is about, its state
   * ({@code open}, {@code acknowledged} or {@code resolved}) and, once resolved, when and by
   * whom (null before).
   */
  record Alert(String id, String detection, String severity, String subject, String evidence,
      String link, Instant raisedAt, String state, Instant resolvedAt, String resolvedBy) {}

  /** The alerts not resolved yet (open or acknowledged), newest raised first, at most limit. */
  List<Alert> unresolved(int limit);

  /** The alerts resolved at or after {@code since}, the latest first, at most {@code limit}. */
  List<Alert> resolvedSince(Instant since, int limit);

  /** How many alerts are not resolved yet, by severity (every severity, zeros included). */
  Map<String, Long> unresolvedCounts();

  /** True when an alerts service stands behind this feed. */
  boolean wired();

  /** No alerts service in this server. */
  AlertFeed NONE = new AlertFeed() {
    @Override
    public List<Alert> unresolved(int limit) {
      return List.of();
    }

    @Override
    public List<Alert> resolvedSince(Instant since, int limit) {
      return List.of();
    }

    @Override
    public Map<String, Long> unresolvedCounts() {
      return Map.of();
    }

    @Override
    public boolean wired() {
      return false;
    }
  };
}
