package dev.imprint.server.authz;

import dev.imprint.authz.Decision;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records decisions in batches, off the request path. A decision only updates a map in memory;
 * each interval, or sooner once {@link #MAX_PENDING} distinct decisions are pending, one unit of
 * work writes: the audit entries ({@code authz.decided}), aggregated per subject, effect and
 * reason (see {@link #entries}); the day's aggregate row of each decision shape (what
 * {@code unused} and {@code replay} read); and the last use of every grant that allowed. A crash
 * loses at most one interval; {@link #close()} writes what is pending. The aggregates are
 * bounded: rows older than the retention are pruned, and at most {@link #MAX_SHAPES_PER_DAY} new
 * shapes a day are kept per server (further ones are still audited, and counted in a WARN).
 */
final class DecisionLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
  static final Duration INTERVAL = Duration.ofSeconds(1);
  /** Distinct pending decisions that start a flush before the interval ends. */
  static final int MAX_PENDING = 10_000;
  /** Distinct allowed (or otherwise not denied) requests an audit entry lists at most. */
  static final int SAMPLE = 10;
  /** Distinct denied requests per audit entry: every one is listed, in as many entries. */
  static final int DENIES_PER_ENTRY = 100;
  static final int MAX_SHAPES_PER_DAY = 100_000;
  static final Duration RETENTION = Duration.ofDays(90);
  static final String ACTOR = "system:authz";
  private static final long DAY_MS = 86_400_000L;

  /** The audit entries of a flush are per subject, effect and reason. */
  private record Group(String subject, String effect, String reason) {}

  /** One distinct decision: the request as recorded, its outcome, and who asked. */
  record Key(String subject, String action, String resource, Map<String, String> context,
      String effect, String reason, List<String> grants, long policyVersion, String via) {}

  /**
   * The count and time span of one distinct decision. Updated by many request threads at once
   * (atomically); read by a flush only after it has taken their {@link Generation} away and no
   * thread updates it any more.
   */
  private static final class Tally {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** The order distinct decisions were first seen in: a batch is written in that order. */
    final long seq = SEQUENCE.incrementAndGet();
    final AtomicLong first;
    final AtomicLong last;
    final AtomicLong count = new AtomicLong();

    Tally(long at) {
      first = new AtomicLong(at);
      last = new AtomicLong(at);
    }

    void add(long at, long n) {
      if (at > last.get()) {
        last.accumulateAndGet(at, Math::max);
      }
      count.addAndGet(n);
    }

    /** Adds {@code other} (a batch that could not be written) to this one. */
    Tally absorb(Tally other) {
      first.accumulateAndGet(other.first.get(), Math::min);
      last.accumulateAndGet(other.last.get(), Math::max);
      count.addAndGet(other.count.get());
      return this;
    }
  }

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final ScheduledExecutorService flusher;
  private final Object flushing = new Object();
  /**
   * The decisions of one interval, and how many request threads are adding to them right now. A
   * flush swaps in a fresh one and waits (on its own thread) until no request thread still adds
   * to the old one; a request thread never waits. A read-write lock did this before, and request
   * threads parked behind it whenever a flush held or awaited its write side (on 2 cores, behind
   * a descheduled reader as well).
   */
  private static final class Generation {
    final ConcurrentHashMap<Key, Tally> tallies = new ConcurrentHashMap<>();
    final AtomicInteger distinct = new AtomicInteger();
    final AtomicInteger adding = new AtomicInteger();
  }

  private volatile Generation current = new Generation();
  private long shapesDay = -1;
  private final Set<String> shapesToday = new HashSet<>();
  private long droppedShapes;
  private long lastPrune;

  DecisionLog(Database db, AuditLog audit, Clock clock, Duration interval) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-decision-log");
      t.setDaemon(true);
      return t;
    });
    long ms = interval.toMillis();
    flusher.scheduleWithFixedDelay(this::flushOrWarn, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Notes a decision on {@code context} (only its decision-relevant keys) asked {@code via}. */
  void record(String subject, String action, String resource, Map<String, String> context,
      Decision d, String via, Instant at) {
    Key k = new Key(subject, action, resource, context, d.effect().word(), d.reason().code(),
        d.grants(), d.policyVersion(), via);
    long ms = at.toEpochMilli();
    boolean full = false;
    Generation g = enter();
    try {
      Tally t = g.tallies.get(k);
      if (t == null) {
        Tally fresh = new Tally(ms);
        t = g.tallies.putIfAbsent(k, fresh);
        if (t == null) {
          t = fresh;
          full = g.distinct.incrementAndGet() == MAX_PENDING;
        }
      }
      t.add(ms, 1);
    } finally {
      g.adding.decrementAndGet();
    }
    if (full) {
      try {
        flusher.execute(this::flushOrWarn);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing: close() writes what is pending
      }
    }
  }

  /**
   * The current generation, counted as being added to until the caller decrements its
   * {@code adding}. The increment comes before the second read of {@link #current} and a flush
   * replaces {@link #current} before it reads {@code adding}, so a flush either sees this thread
   * adding or this thread sees the new generation and moves to it.
   */
  private Generation enter() {
    while (true) {
      Generation g = current;
      g.adding.incrementAndGet();
      if (g == current) {
        return g;
      }
      g.adding.decrementAndGet();
    }
  }

  /** Writes every pending record in one unit of work; returns how many distinct decisions. */
  int flush() {
    synchronized (flushing) {
      Generation old = current;
      if (old.tallies.isEmpty()) {
        return 0;
      }
      current = new Generation();
      while (old.adding.get() != 0) {
        Thread.yield(); // a request thread is finishing its few map operations on the old one
      }
      Map<Key, Tally> batch = inOrder(old.tallies);
      try {
        db.write(c -> {
          write(c, batch);
          return null;
        });
      } catch (RuntimeException e) {
        Generation g = enter();
        try {
          batch.forEach((k, t) -> {
            if (g.tallies.merge(k, t, Tally::absorb) == t) {
              g.distinct.incrementAndGet();
            }
          });
        } finally {
          g.adding.decrementAndGet();
        }
        throw e;
      }
      return batch.size();
    }
  }

  /** {@code m} in the order its decisions were first seen. */
  private static Map<Key, Tally> inOrder(Map<Key, Tally> m) {
    List<Map.Entry<Key, Tally>> entries = new ArrayList<>(m.entrySet());
    entries.sort(java.util.Comparator.comparingLong(e -> e.getValue().seq));
    Map<Key, Tally> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private void write(Connection c, Map<Key, Tally> batch) throws SQLException {
    Map<String, long[]> usage = new TreeMap<>();
    try (PreparedStatement agg = c.prepareStatement("INSERT INTO authz_decisions (day, shape,"
        + " subject, action, resource, context, effect, reason, grants, policy_version,"
        + " decisions, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (day, shape) DO UPDATE SET decisions = authz_decisions.decisions"
        + " + excluded.decisions, policy_version = excluded.policy_version,"
        + " first_at = CASE WHEN excluded.first_at < authz_decisions.first_at"
        + " THEN excluded.first_at ELSE authz_decisions.first_at END,"
        + " last_at = CASE WHEN excluded.last_at > authz_decisions.last_at"
        + " THEN excluded.last_at ELSE authz_decisions.last_at END")) {
      for (AuditEvent event : entries(batch)) {
        audit.append(c, event);
      }
      int rows = 0;
      for (Map.Entry<Key, Tally> e : batch.entrySet()) {
        Key k = e.getKey();
        Tally t = e.getValue();
        if (k.effect().equals("allow")) {
          for (String g : k.grants()) {
            usage.merge(g, new long[] {t.last.get(), t.count.get()},
                (a, b) -> new long[] {Math.max(a[0], b[0]), a[1] + b[1]});
          }
        }
        String context = Records.json(k.context());
        String grants = Records.json(k.grants());
        String shape = Sha256.hex(k.subject() + "\n" + k.action() + "\n"
            + k.resource() + "\n" + context + "\n" + k.effect() + "\n" + k.reason() + "\n"
            + grants);
        long day = t.first.get() / DAY_MS;
        if (!keepShape(day, shape)) {
          continue;
        }
        agg.setLong(1, day);
        agg.setString(2, shape);
        agg.setString(3, k.subject());
        agg.setString(4, k.action());
        agg.setString(5, k.resource());
        agg.setString(6, context);
        agg.setString(7, k.effect());
        agg.setString(8, k.reason());
        agg.setString(9, grants);
        agg.setLong(10, k.policyVersion());
        agg.setLong(11, t.count.get());
        agg.setLong(12, t.first.get());
        agg.setLong(13, t.last.get());
        agg.addBatch();
        rows++;
      }
      if (rows > 0) {
        agg.executeBatch();
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO grant_usage (grant_id,"
        + " last_used_at, uses) VALUES (?, ?, ?) ON CONFLICT (grant_id) DO UPDATE SET"
        + " uses = grant_usage.uses + excluded.uses, last_used_at = CASE WHEN"
        + " excluded.last_used_at > grant_usage.last_used_at THEN excluded.last_used_at"
        + " ELSE grant_usage.last_used_at END")) {
      for (Map.Entry<String, long[]> e : usage.entrySet()) {
        ps.setString(1, e.getKey());
        ps.setLong(2, e.getValue()[0]);
        ps.setLong(3, e.getValue()[1]);
        ps.addBatch();
      }
      if (!usage.isEmpty()) {
        ps.executeBatch();
      }
    }
    prune(c);
  }

  private boolean keepShape(long day, String shape) {
    if (day != shapesDay) {
      if (droppedShapes > 0) {
        LOG.warn("{} decision shapes of day {} were not aggregated (more than {} a day);"
            + " they are in the audit log", droppedShapes, shapesDay, MAX_SHAPES_PER_DAY);
      }
      shapesDay = day;
      shapesToday.clear();
      droppedShapes = 0;
    }
    if (shapesToday.contains(shape)) {
      return true;
    }
    if (shapesToday.size() >= MAX_SHAPES_PER_DAY) {
      droppedShapes++;
      return false;
    }
    shapesToday.add(shape);
    return true;
  }

  private void prune(Connection c) throws SQLException {
    long now = clock.millis();
    if (now - lastPrune < Duration.ofHours(1).toMillis()) {
      return;
    }
    lastPrune = now;
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM authz_decisions WHERE"
        + " last_at < ?")) {
      ps.setLong(1, now - RETENTION.toMillis());
      ps.executeUpdate();
    }
  }

  /**
   * The audit entries of a batch: per subject, effect and reason, one entry with the count of
   * decisions, of distinct requests and the first and last time; a deny's entries list every
   * distinct request ({@link #DENIES_PER_ENTRY} to an entry, in as many entries as it takes:
   * denies are evidence), an allow's the first {@link #SAMPLE} and how many were left out.
   */
  private static List<AuditEvent> entries(Map<Key, Tally> batch) {
    Map<Group, List<Map.Entry<Key, Tally>>> groups = new LinkedHashMap<>();
    batch.entrySet().forEach(e -> groups.computeIfAbsent(new Group(e.getKey().subject(),
        e.getKey().effect(), e.getKey().reason()), g -> new ArrayList<>()).add(e));
    List<AuditEvent> out = new ArrayList<>();
    groups.forEach((g, requests) -> {
      boolean deny = g.effect().equals("deny");
      int per = deny ? DENIES_PER_ENTRY : SAMPLE;
      int parts = deny ? (requests.size() + per - 1) / per : 1;
      for (int part = 0; part < parts; part++) {
        List<Map.Entry<Key, Tally>> listed = requests.subList(part * per,
            Math.min(requests.size(), (part + 1) * per));
        List<Map.Entry<Key, Tally>> counted = deny ? listed : requests;
        out.add(new AuditEvent(ACTOR, "authz.decided", g.subject(),
            details(g, counted, listed, part, parts)));
      }
    });
    return out;
  }

  private static Map<String, Object> details(Group g, List<Map.Entry<Key, Tally>> counted,
      List<Map.Entry<Key, Tally>> listed, int part, int parts) {
    long decisions = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Map.Entry<Key, Tally> e : counted) {
      decisions += e.getValue().count.get();
      first = Math.min(first, e.getValue().first.get());
      last = Math.max(last, e.getValue().last.get());
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("effect", g.effect());
    d.put("reason", g.reason());
    d.put("decisions", decisions);
    d.put("distinct", counted.size());
    d.put("from", Instant.ofEpochMilli(first).toString());
    d.put("to", Instant.ofEpochMilli(last).toString());
    if (parts > 1) {
      d.put("part", part + 1);
      d.put("parts", parts);
    }
    List<Map<String, Object>> requests = new ArrayList<>(listed.size());
    for (Map.Entry<Key, Tally> e : listed) {
      requests.add(request(e.getKey(), e.getValue()));
    }
    d.put("requests", requests);
    d.put("omitted", counted.size() - listed.size());
    return d;
  }

  private static Map<String, Object> request(Key k, Tally t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("action", k.action());
    d.put("resource", k.resource());
    if (!k.context().isEmpty()) {
      d.put("context", new TreeMap<>(k.context()));
    }
    d.put("grants", k.grants());
    d.put("policyVersion", k.policyVersion());
    d.put("via", k.via());
    d.put("decisions", t.count.get());
    d.put("from", Instant.ofEpochMilli(t.first.get()).toString());
    d.put("to", Instant.ofEpochMilli(t.last.get()).toString());
    return d;
  }

  private void flushOrWarn() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("could not write the decision records of the last interval (kept for the"
          + " next): {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushOrWarn();
  }
}
