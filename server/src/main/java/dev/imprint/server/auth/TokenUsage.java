package dev.imprint.server.auth;

import dev.imprint.server.store.Database;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each token was last used, kept in memory by the request path and written by a periodic
 * flush to {@code api_tokens.last_used_at} and, for a bound token, its identity's
 * {@code last_seen_at}.
 *
 * <p>Why a periodic flush rather than a write whenever the stored time is older than an
 * interval: authentication then only moves a time in memory forward (no lock, no store access
 * and no hand-off to another thread on any request), and a server with thousands of busy tokens
 * writes one unit of
 * work per interval instead of one per token per interval. A flush only moves times forward,
 * so replicas sharing one store may flush in any order. A crash loses at most one interval of
 * uses, which only makes a time read older than it is; {@link #close()} flushes what is left.
 * These writes are not audit entries (one per request would drown the log), and a failed flush
 * never fails a request: it is logged as a WARN and retried at the next flush.
 */
final class TokenUsage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenUsage.class);

  /**
   * The latest recorded use of one token in this interval, and the identity the token is bound
   * to (null when unbound; a token's binding never changes). Its time only moves forward, by
   * compare-and-set, until a flush that wrote exactly that time retires it.
   */
  private static final class Use {
    static final long RETIRED = Long.MIN_VALUE;
    final String identityId;
    final AtomicLong at;

    Use(String identityId, long at) {
      this.identityId = identityId;
      this.at = new AtomicLong(at);
    }

    /** Moves the time forward to {@code t}; false when a flush has retired this use. */
    boolean advance(long t) {
      long cur = at.get();
      while (cur < t) {
        if (cur == RETIRED) {
          return false;
        }
        long witness = at.compareAndExchange(cur, t);
        if (witness == cur) {
          return true;
        }
        cur = witness;
      }
      return true;
    }

    /** The time held, or null once retired. */
    Long time() {
      long t = at.get();
      return t == RETIRED ? null : t;
    }
  }

  private final Database db;
  private final Map<String, Use> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher;
  private final Object flushing = new Object();

  TokenUsage(Database db, Duration interval) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("expected a positive flush interval for token usage,"
          + " got " + interval);
    }
    this.db = db;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-token-usage");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(1, interval.toMillis());
    flusher.scheduleWithFixedDelay(this::flushOrWarn, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Notes that token {@code tokenId} (bound to {@code identityId}, or null) was used at {@code at}.
   * Takes no lock: a token used by every request thread at once (a gateway's, the bench's admin
   * token) made {@code ConcurrentHashMap.merge} queue them all on the monitor of one bin, so the
   * common case is a read and at most one compare-and-set on the token's own use.
   */
  void record(String tokenId, String identityId, long at) {
    while (true) {
      Use u = pending.get(tokenId);
      if (u == null) {
        Use fresh = new Use(identityId, at);
        u = pending.putIfAbsent(tokenId, fresh);
        if (u == null) {
          return;
        }
      }
      if (u.advance(at)) {
        return;
      }
      pending.remove(tokenId, u); // a flush wrote and retired it: record into a fresh one
    }
  }

  /** When token {@code tokenId} was last used and not yet written, or null. */
  Instant pendingUse(String tokenId) {
    Use u = pending.get(tokenId);
    Long at = u == null ? null : u.time();
    return at == null ? null : Instant.ofEpochMilli(at);
  }

  /**
   * The latest not yet written use of a token bound to {@code identityId}, or null (a scan of
   * the uses of one interval, which hold one entry per token used in it).
   */
  Instant pendingSeen(String identityId) {
    long at = Long.MIN_VALUE;
    for (Use u : pending.values()) {
      Long t = u.time();
      if (t != null && identityId.equals(u.identityId) && t > at) {
        at = t;
      }
    }
    return at == Long.MIN_VALUE ? null : Instant.ofEpochMilli(at);
  }

  /**
   * Writes every use recorded since the last flush in one unit of work: identities first, then
   * tokens, each in id order, so that replicas (and offboarding, which locks the identity before
   * revoking its tokens) take row locks in one order.
   *
   * @return how many tokens were written
   * @throws dev.imprint.server.store.StoreException when the store refuses; nothing is lost
   */
  int flush() {
    synchronized (flushing) {
      if (pending.isEmpty()) {
        return 0;
      }
      // each use with the time this flush writes for it
      Map<String, Map.Entry<Use, Long>> batch = new TreeMap<>();
      pending.forEach((id, u) -> {
        Long t = u.time();
        if (t != null) {
          batch.put(id, Map.entry(u, t));
        }
      });
      if (batch.isEmpty()) {
        return 0;
      }
      Map<String, Long> seen = new TreeMap<>();
      batch.values().stream().filter(e -> e.getKey().identityId != null)
          .forEach(e -> seen.merge(e.getKey().identityId, e.getValue(), Math::max));
      db.write(c -> {
        LastSeen.lastSeen(c, seen);
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ?"
            + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
          for (Map.Entry<String, Map.Entry<Use, Long>> e : batch.entrySet()) {
            ps.setLong(1, e.getValue().getValue());
            ps.setString(2, e.getKey());
            ps.setLong(3, e.getValue().getValue());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
      // retire only a use whose time is still the one written: a later one waits for the next
      batch.forEach((id, e) -> {
        if (e.getKey().at.compareAndSet(e.getValue(), Use.RETIRED)) {
          pending.remove(id, e.getKey());
        }
      });
      return batch.size();
    }
  }

  private void flushOrWarn() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("could not record when {} API tokens were last used (kept for the next flush): {}",
          pending.size(), e.getMessage());
    }
  }

  /** Stops the periodic flush and writes what is still pending (before the store closes). */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the token usage flush did not finish within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushOrWarn();
  }
}
