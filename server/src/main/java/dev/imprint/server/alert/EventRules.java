package dev.imprint.server.alert;

import dev.imprint.server.store.Database;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The detections that read audit entries one by one, in log order, with each entry's own time,
 * so that every replica reading the same log proposes the same alerts under the same dedup keys:
 * a retired image or disabled identity still attesting, a dormant identity returning, an
 * attestation storm, refused join tokens, and bursts of denied decisions. Their state (rate
 * baselines, sliding windows) lives in memory and is rebuilt from the log's recent past at start;
 * the last authentication of each identity is kept in the store ({@code alert_activity}).
 */
final class EventRules {
  /** Refusal reasons that mean the image is no longer live or the identity no longer active. */
  static final Set<String> REVOKED = Set.of("attest.image_not_approved",
      "attest.identity_inactive", "svid.image_not_approved", "svid.identity_inactive");
  /**
   * The actions {@link #observe} and {@link NhiEvents} read; the tail skips every other entry.
   * Action names hold no character special to SQL's LIKE.
   */
  static final Set<String> ACTIONS = Set.of("attestation.refused", "attestation.accepted",
      "svid.refused", "svid.issued", "authz.decided");
  /** At most this many identities are followed by the rate and window rules at once. */
  static final int MAX_TRACKED = 100_000;

  private final AlertsConfig config;
  private final Database db;
  private final Map<String, Rate> rates = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, ArrayDeque<long[]>> refusals = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, ArrayDeque<long[]>> denials = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Map<String, Long> seenDirty = new HashMap<>();

  EventRules(AlertsConfig config, Database db) {
    this.config = config;
    this.db = db;
  }

  /** The signals {@code e} completes (none for most entries). */
  List<Signal> observe(LogEntry e) {
    List<Signal> out = new ArrayList<>();
    switch (e.action()) {
      case "attestation.refused" -> {
        revoked(e).ifPresent(out::add);
        storm(e).ifPresent(out::add);
        if ("join_token".equals(e.detail("method"))) {
          joinTokenRefusals(e).ifPresent(out::add);
        }
      }
      case "attestation.accepted" -> {
        storm(e).ifPresent(out::add);
        dormant(e).ifPresent(out::add);
      }
      case "svid.refused" -> revoked(e).ifPresent(out::add);
      case "svid.issued" -> dormant(e).ifPresent(out::add);
      case "authz.decided" -> {
        if ("deny".equals(e.detail("effect"))) {
          denied(e).ifPresent(out::add);
        }
      }
      default -> { }
    }
    return out;
  }

  // ---- a retired image or a disabled identity still asking ----

  private Optional<Signal> revoked(LogEntry e) {
    String reason = e.detail("reason");
    if (!REVOKED.contains(reason) || !config.enabled(Rules.RETIRED_STILL_ATTESTING)) {
      return Optional.empty();
    }
    String image = e.detail("image");
    String imageStatus = image == null ? null : imageStatus(image);
    boolean identity = reason.endsWith("identity_inactive");
    String renewing = e.action().startsWith("svid.") ? "renewing credentials" : "attesting";
    String summary = identity
        ? "disabled identity " + e.subject() + " is still " + renewing
        : "image " + shortDigest(image) + " (" + (imageStatus == null ? "not live" : imageStatus)
            + ") of " + e.subject() + " is still " + renewing;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("auditSeq", e.seq());
    ev.put("action", e.action());
    ev.put("reason", reason);
    put(ev, "image", image);
    put(ev, "imageStatus", imageStatus);
    put(ev, "method", e.detail("method"));
    put(ev, "joinToken", e.detail("joinToken"));
    put(ev, "pod", e.detail("pod"));
    ev.put("refused", e.count("refused", 1));
    ev.put("at", e.at().toString());
    String link = identity || image == null ? identityLink(e.subject())
        : "/v1/images/" + image;
    return Optional.of(new Signal(Rules.RETIRED_STILL_ATTESTING, Severity.HIGH, e.subject(),
        Rules.RETIRED_STILL_ATTESTING + ":" + e.subject() + ":" + (identity ? "identity" : image)
            + ":" + day(e.at()), summary, ev, link));
  }

  private String imageStatus(String digest) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT status FROM images WHERE digest = ?")) {
        ps.setString(1, digest);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
  }

  // ---- a dormant identity authenticating again ----

  private Optional<Signal> dormant(LogEntry e) {
    long at = e.at().toEpochMilli();
    Long prev = lastSeen.containsKey(e.subject()) ? lastSeen.get(e.subject())
        : storedLastSeen(e.subject());
    if (prev == null || at > prev) {
      lastSeen.put(e.subject(), at);
      seenDirty.put(e.subject(), at);
      if (lastSeen.size() > MAX_TRACKED) {
        lastSeen.clear(); // the store keeps them; the map is only a cache
      }
    }
    long gap = prev == null ? 0 : at - prev;
    if (prev == null || gap < config.dormantAfter().toMillis()
        || !config.enabled(Rules.DORMANT_REACTIVATED)) {
      return Optional.empty();
    }
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("auditSeq", e.seq());
    ev.put("action", e.action());
    ev.put("lastSeenBefore", Instant.ofEpochMilli(prev).toString());
    ev.put("silentDays", gap / 86_400_000L);
    ev.put("dormantAfterDays", config.dormantAfter().toDays());
    ev.put("at", e.at().toString());
    put(ev, "image", e.detail("image"));
    put(ev, "method", e.detail("method"));
    return Optional.of(new Signal(Rules.DORMANT_REACTIVATED, Severity.MEDIUM, e.subject(),
        Rules.DORMANT_REACTIVATED + ":" + e.subject() + ":" + prev, "identity " + e.subject()
            + " authenticated again after " + gap / 86_400_000L + " days without use", ev,
        identityLink(e.subject())));
  }

  private Long storedLastSeen(String subject) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT last_at FROM alert_activity WHERE subject = ?")) {
        ps.setString(1, subject);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : null;
        }
      }
    });
  }

  /** Writes the last authentications seen since the previous call (max with the stored). */
  void flushActivity() {
    if (seenDirty.isEmpty()) {
      return;
    }
    Map<String, Long> batch = new HashMap<>(seenDirty);
    seenDirty.clear();
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_activity (subject,"
          + " last_at) VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET last_at = CASE WHEN"
          + " excluded.last_at > alert_activity.last_at THEN excluded.last_at ELSE"
          + " alert_activity.last_at END")) {
        for (Map.Entry<String, Long> s : batch.entrySet()) {
          ps.setString(1, s.getKey());
          ps.setLong(2, s.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Seeds {@code alert_activity} with each identity's last-seen time where it has no row yet
   * (first start with alerts, identities created before), so that a return after long silence
   * is caught even then.
   */
  void seedActivity() {
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_activity (subject,"
          + " last_at) SELECT spiffe_id, last_seen_at FROM identities WHERE last_seen_at IS NOT"
          + " NULL ON CONFLICT (subject) DO NOTHING")) {
        ps.executeUpdate();
      }
      return null;
    });
  }

  // ---- an attestation storm ----

  /**
   * An identity's attestations counted per bucket; the baseline is an EWMA of the finished
   * buckets (empty buckets included), and a bucket alerts once its count reaches both the floor
   * and {@code factor} times the baseline.
   */
  private static final class Rate {
    long bucket;
    long count;
    double ewma;
    boolean raised;
  }

  private Optional<Signal> storm(LogEntry e) {
    long width = config.stormBucket().toMillis();
    long bucket = e.at().toEpochMilli() / width;
    Rate r = rates.get(e.subject());
    if (r == null) {
      r = new Rate();
      r.bucket = bucket;
      rates.put(e.subject(), r);
      trim(rates);
    } else if (bucket > r.bucket) {
      double a = config.stormAlpha();
      r.ewma = a * r.count + (1 - a) * r.ewma;
      long empty = Math.min(bucket - r.bucket - 1, 10_000);
      r.ewma *= Math.pow(1 - a, empty);
      r.bucket = bucket;
      r.count = 0;
      r.raised = false;
    } else if (bucket < r.bucket) {
      return Optional.empty(); // an older entry (replicas' clocks): it is in the baseline already
    }
    r.count++;
    double threshold = Math.max(config.stormFloor(), config.stormFactor() * r.ewma);
    if (r.raised || r.count < threshold || !config.enabled(Rules.ATTESTATION_STORM)) {
      return Optional.empty();
    }
    r.raised = true;
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("auditSeq", e.seq());
    ev.put("attestations", r.count);
    ev.put("bucketStart", Instant.ofEpochMilli(bucket * width).toString());
    ev.put("bucketSeconds", width / 1000);
    ev.put("baseline", Math.round(r.ewma * 100) / 100.0);
    ev.put("threshold", Math.round(threshold * 100) / 100.0);
    return Optional.of(new Signal(Rules.ATTESTATION_STORM, Severity.HIGH, e.subject(),
        Rules.ATTESTATION_STORM + ":" + e.subject() + ":" + bucket, "identity " + e.subject()
            + " attested " + r.count + " times in " + width / 1000 + " s (baseline "
            + String.format(java.util.Locale.ROOT, "%.2f", r.ewma) + ")", ev,
        identityLink(e.subject())));
  }

  // ---- join tokens refused again and again ----

  private Optional<Signal> joinTokenRefusals(LogEntry e) {
    Optional<long[]> hit = window(refusals, e, 1, config.refusalWindow(), config.refusalCount());
    if (hit.isEmpty() || !config.enabled(Rules.JOIN_TOKEN_REFUSALS)) {
      return Optional.empty();
    }
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("auditSeq", e.seq());
    ev.put("refusals", hit.get()[0]);
    ev.put("firstAuditSeq", hit.get()[1]);
    ev.put("windowMinutes", config.refusalWindow().toMinutes());
    ev.put("lastReason", e.detail("reason"));
    put(ev, "lastJoinToken", e.detail("joinToken"));
    long bucket = e.at().toEpochMilli() / config.refusalWindow().toMillis();
    return Optional.of(new Signal(Rules.JOIN_TOKEN_REFUSALS, Severity.MEDIUM, e.subject(),
        Rules.JOIN_TOKEN_REFUSALS + ":" + e.subject() + ":" + bucket, hit.get()[0]
            + " join-token attestations of " + e.subject() + " refused within "
            + config.refusalWindow().toMinutes() + " min", ev, identityLink(e.subject())));
  }

  // ---- bursts of denied decisions ----

  private Optional<Signal> denied(LogEntry e) {
    Optional<long[]> hit = window(denials, e, e.count("decisions", 1), config.deniedWindow(),
        config.deniedCount());
    if (hit.isEmpty() || !config.enabled(Rules.DENIED_BURST)) {
      return Optional.empty();
    }
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("auditSeq", e.seq());
    ev.put("denied", hit.get()[0]);
    ev.put("firstAuditSeq", hit.get()[1]);
    ev.put("windowMinutes", config.deniedWindow().toMinutes());
    // an authz.decided entry lists the distinct denied requests of its interval
    Map<?, ?> last = e.details().get("requests") instanceof List<?> l && !l.isEmpty()
        && l.get(l.size() - 1) instanceof Map<?, ?> m ? m : Map.of();
    put(ev, "lastAction", last.get("action") instanceof String a ? a : e.detail("action"));
    put(ev, "lastResource", last.get("resource") instanceof String r ? r
        : e.detail("resource"));
    put(ev, "lastReason", e.detail("reason"));
    long bucket = e.at().toEpochMilli() / config.deniedWindow().toMillis();
    return Optional.of(new Signal(Rules.DENIED_BURST, Severity.HIGH, e.subject(),
        Rules.DENIED_BURST + ":" + e.subject() + ":" + bucket, hit.get()[0]
            + " authorization decisions denied to " + e.subject() + " within "
            + config.deniedWindow().toMinutes() + " min", ev,
        "/v1/audit/entries?start=" + hit.get()[1]));
  }

  /**
   * Adds {@code weight} at {@code e}'s time to the subject's sliding window of {@code width};
   * when the window holds at least {@code count}, returns {total, first audit seq} and empties
   * the window (the next alert needs as many again).
   */
  private static Optional<long[]> window(Map<String, ArrayDeque<long[]>> windows, LogEntry e,
      long weight, Duration width, long count) {
    ArrayDeque<long[]> w = windows.computeIfAbsent(e.subject(), k -> new ArrayDeque<>());
    trim(windows);
    long at = e.at().toEpochMilli();
    w.addLast(new long[] {at, weight, e.seq()});
    while (!w.isEmpty() && w.peekFirst()[0] <= at - width.toMillis()) {
      w.removeFirst();
    }
    long total = 0;
    for (long[] x : w) {
      total += x[1];
    }
    if (total < count) {
      return Optional.empty();
    }
    long first = w.peekFirst()[2];
    w.clear();
    return Optional.of(new long[] {total, first});
  }

  /** Forgets the least recently seen subjects beyond {@link #MAX_TRACKED}. */
  private static void trim(Map<String, ?> m) {
    Iterator<String> it = m.keySet().iterator();
    while (m.size() > MAX_TRACKED && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** Forgets windows and rates idle for longer than they can matter (bounded memory). */
  void prune(Instant now) {
    long t = now.toEpochMilli();
    refusals.values().removeIf(w -> w.isEmpty()
        || w.peekLast()[0] <= t - config.refusalWindow().toMillis());
    denials.values().removeIf(w -> w.isEmpty()
        || w.peekLast()[0] <= t - config.deniedWindow().toMillis());
    long bucket = t / config.stormBucket().toMillis();
    rates.values().removeIf(r -> r.ewma * Math.pow(1 - config.stormAlpha(),
        Math.min(bucket - r.bucket, 10_000)) < 0.01 && bucket - r.bucket > 1);
  }

  static String identityLink(String spiffeId) {
    return "/v1/identities/" + URLEncoder.encode(spiffeId, StandardCharsets.UTF_8);
  }

  private static String shortDigest(String digest) {
    return digest == null ? "?" : digest.length() > 19 ? digest.substring(0, 19) : digest;
  }

  private static long day(Instant at) {
    return at.toEpochMilli() / 86_400_000L;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
