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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each token was last used, kept in memory by the request path and written by a periodic
 * flush to {@code api_tokens.last_used_at} and, for a bound token, its identity's
 * {@code last_seen_at}.
 *
 * <p>Why a periodic flush rather than a write whenever the stored time is older than an
 * interval: authentication then only replaces a map entry (no store access and no hand-off to
 * another thread on any request), and a server with thousands of busy tokens writes one unit of
 * work per interval instead of one per token per interval. A flush only moves times forward,
 * so replicas sharing one store may flush in any order. A crash loses at most one interval of
 * uses, which only makes a time read older than it is; {@link #close()} flushes what is left.
 * These writes are not audit entries (one per request would drown the log), and a failed flush
 * never fails a request: it is logged as a WARN and retried at the next flush.
 */
final class TokenUsage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenUsage.class);

  /** One recorded use: when, and the identity the token is bound to (null when unbound). */
  private record Use(long at, String identityId) {}

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

  /** Notes that token {@code tokenId} (bound to {@code identityId}, or null) was used at {@code at}. */
  void record(String tokenId, String identityId, long at) {
    pending.merge(tokenId, new Use(at, identityId), (old, next) -> next.at() >= old.at() ? next
        : old);
  }

  /** When token {@code tokenId} was last used and not yet written, or null. */
  Instant pendingUse(String tokenId) {
    Use u = pending.get(tokenId);
    return u == null ? null : Instant.ofEpochMilli(u.at());
  }

  /**
   * The latest not yet written use of a token bound to {@code identityId}, or null (a scan of
   * the uses of one interval, which hold one entry per token used in it).
   */
  Instant pendingSeen(String identityId) {
    long at = Long.MIN_VALUE;
    for (Use u : pending.values()) {
      if (identityId.equals(u.identityId()) && u.at() > at) {
        at = u.at();
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
      Map<String, Use> batch = new TreeMap<>(pending);
      Map<String, Long> seen = new TreeMap<>();
      batch.values().stream().filter(u -> u.identityId() != null)
          .forEach(u -> seen.merge(u.identityId(), u.at(), Math::max));
      db.write(c -> {
        LastSeen.lastSeen(c, seen);
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ?"
            + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
          for (Map.Entry<String, Use> e : batch.entrySet()) {
            ps.setLong(1, e.getValue().at());
            ps.setString(2, e.getKey());
            ps.setLong(3, e.getValue().at());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
      // remove(key, value) keeps a use recorded while this flush ran, for the next one
      batch.forEach(pending::remove);
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
