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

  /**
   * The alerts not resolved yet (open or acknowledged) of {@code severity} (every severity when
   * null), newest raised first, at most limit: the severity is part of the query, so the limit
   * counts only alerts of that severity.
   */
  List<Alert> unresolved(String severity, int limit);

  /**
   * The alerts of {@code severity} (every severity when null) resolved at or after {@code
   * since}, the latest first, at most {@code limit} of that severity.
   */
  List<Alert> resolvedSince(Instant since, String severity, int limit);

  /** How many alerts are not resolved yet, by severity (every severity, zeros included). */
  Map<String, Long> unresolvedCounts();

  /** True when an alerts service stands behind this feed. */
  boolean wired();

  /** No alerts service in this server. */
  AlertFeed NONE = new AlertFeed() {
    @Override
    public List<Alert> unresolved(String severity, int limit) {
      return List.of();
    }

    @Override
    public List<Alert> resolvedSince(Instant since, String severity, int limit) {
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
