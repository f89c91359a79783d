package dev.imprint.server.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the detections continuously: reads the audit log's new entries in order (the log
 * every replica appends to, so each replica sees every replica's events), feeds them to the
 * {@link EventRules}, runs the {@link StateRules} on their own timer, and raises what they
 * signal through {@link AlertService}, whose unique dedup key stores each alert once
 * cluster-wide. It runs on its own thread: the request path only appends to the audit log, as
 * before. At start it reads back {@code warmup} of the log to rebuild the rate baselines.
 */
final class AlertTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertTail.class);
  static final int BATCH = 500;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An SQL condition true for the entries of {@link EventRules#ACTIONS}. */
  private static final String ACTION_FILTER = EventRules.ACTIONS.stream().sorted()
      .map(a -> "entry LIKE '{\"action\":\"" + a + "\",%'")
      .collect(java.util.stream.Collectors.joining(" OR "));

  private final AlertsConfig config;
  private final Database db;
  private final Clock clock;
  private final AlertService alerts;
  private final EventRules events;
  private final StateRules state;
  private final NhiEvents counted;
  private final ScheduledExecutorService executor;
  // guarded by this
  private long next = -1;
  private long lastSweep = Long.MIN_VALUE;
  private boolean seeded;

  AlertTail(AlertsConfig config, Database db, Clock clock, AlertService alerts,
      EventRules events, StateRules state, NhiEvents counted) {
    this.config = config;
    this.db = db;
    this.clock = clock;
    this.alerts = alerts;
    this.events = events;
    this.state = state;
    this.counted = counted;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-alerts");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Seeds the last-seen times now (the only write at start, done before the server answers its
   * first request), then runs {@link #poll()} every {@code interval}.
   */
  void start() {
    try {
      seed();
    } catch (RuntimeException e) {
      LOG.warn("alerts: could not seed the identities' last-seen times (tried again on the first"
          + " evaluation): {}", e.toString());
    }
    long ms = config.interval().toMillis();
    executor.scheduleWithFixedDelay(this::pollOrWarn, 0, ms, TimeUnit.MILLISECONDS);
  }

  private void pollOrWarn() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("alert evaluation failed (tried again in {} ms): {}",
          config.interval().toMillis(), e.toString());
    }
  }

  /**
   * Reads every entry appended since the last call and raises what they complete; runs the
   * state rules when their interval has passed. Returns the number of alerts this call stored.
   */
  synchronized int poll() {
    if (next < 0) {
      seed();
      next = firstSince(clock.instant().minus(config.warmup()));
      LOG.info("alerts: reading the audit log from entry {} (the last {} of it rebuild the"
          + " rate baselines)", next, config.warmup());
    }
    int raised = 0;
    long end = size();
    while (next < end) {
      List<LogEntry> batch = read(next, end);
      for (LogEntry e : batch) {
        counted.count(e);
        raised += raise(events.observe(e));
        next = e.seq() + 1;
      }
      events.flushActivity();
      if (batch.size() < BATCH) {
        next = end;
      }
    }
    Instant now = clock.instant();
    if (lastSweep == Long.MIN_VALUE
        || now.toEpochMilli() - lastSweep >= config.sweep().toMillis()) {
      lastSweep = now.toEpochMilli();
      raised += raise(state.sweep(now));
      events.prune(now);
    }
    return raised;
  }

  /** Runs the state rules now, whatever their interval (tests). */
  synchronized int sweep() {
    lastSweep = Long.MIN_VALUE;
    return poll();
  }

  private synchronized void seed() {
    if (!seeded) {
      events.seedActivity();
      seeded = true;
    }
  }

  private int raise(List<Signal> signals) {
    int n = 0;
    for (Signal s : signals) {
      if (!alerts.raised(s.dedupKey()) && alerts.raise(s).isPresent()) {
        n++;
      }
    }
    return n;
  }

  /** The number of entries committed now (entries commit in seq order, without gaps). */
  private long size() {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * The entries {@code from <= seq < end} that a rule or counter reads, at most {@link #BATCH}:
   * the store picks them by their action (the first key of an entry's canonical JSON), so the
   * other entries (most of a busy log: tokens, images, findings) are neither sent nor parsed.
   */
  private List<LogEntry> read(long from, long end) {
    return db.read(c -> {
      List<LogEntry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, logged_at, entry FROM"
          + " audit_entries WHERE seq >= ? AND seq < ? AND (" + ACTION_FILTER + ") ORDER BY seq"
          + " LIMIT " + BATCH)) {
        ps.setLong(1, from);
        ps.setLong(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            LogEntry e = parse(rs.getLong(1), rs.getLong(2), rs.getString(3));
            if (e != null) {
              out.add(e);
            }
          }
        }
      }
      return out;
    });
  }

  /** The entry, or null for one this server cannot read (the audit check reports those). */
  private static LogEntry parse(long seq, long loggedAt, String text) {
    try {
      Map<String, Object> m = JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
      Object d = m.get("details");
      @SuppressWarnings("unchecked")
      Map<String, Object> details = d instanceof Map<?, ?> ? (Map<String, Object>) d : Map.of();
      return new LogEntry(seq, Instant.ofEpochMilli(loggedAt), String.valueOf(m.get("actor")),
          String.valueOf(m.get("action")), String.valueOf(m.get("subject")), details);
    } catch (JsonProcessingException e) {
      LOG.warn("alerts: audit entry {} is not JSON; skipped", seq);
      return null;
    }
  }

  /**
   * The first entry logged at or after {@code since}, found by bisecting seq (entries are
   * numbered in commit order, so their times rise with seq but for replicas' clock skew); the
   * size of the log when none is.
   */
  private long firstSince(Instant since) {
    long t = since.toEpochMilli();
    return db.read(c -> {
      long size;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        size = rs.getLong(1);
      }
      long lo = 0;
      long hi = size;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT logged_at FROM audit_entries WHERE seq = ?")) {
        while (lo < hi) {
          long mid = (lo + hi) >>> 1;
          ps.setLong(1, mid);
          long at;
          try (ResultSet rs = ps.executeQuery()) {
            at = rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
          }
          if (at >= t) {
            hi = mid;
          } else {
            lo = mid + 1;
          }
        }
      }
      return lo;
    });
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
