package dev.imprint.server.console;

import java.time.Instant;
import java.util.List;

/**
 * Where the console reads alerts from: the alerts service implements it when it is wired;
 * until then {@link #NONE} says no alerts service runs, and the pages show an empty state
 * that says so instead of a misleading "no alerts".
 */
public interface AlertFeed {
  /** One open alert: its detection, severity, subject, evidence and a link to what it is about. */
  record Alert(String id, String detection, String severity, String subject, String evidence,
      String link, Instant raisedAt) {}

  /** The open alerts, newest first, at most {@code limit}. */
  List<Alert> open(int limit);

  /** True when an alerts service stands behind this feed. */
  boolean wired();

  /** No alerts service in this server. */
  AlertFeed NONE = new AlertFeed() {
    @Override
    public List<Alert> open(int limit) {
      return List.of();
    }

    @Override
    public boolean wired() {
      return false;
    }
  };
}
