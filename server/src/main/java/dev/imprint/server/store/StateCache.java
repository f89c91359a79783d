package dev.imprint.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values read from the store by key, kept in memory under the epoch of {@link StateChanges}:
 * each is used for at most its time to live and only while nothing changed. One past half its
 * time to live is read again in the background while it answers, so a key asked for at least
 * that often never makes a request wait for the store; a key with no usable value is read by
 * one request while any others asking for it meanwhile wait for that read (no herd of reads
 * when a busy entry expires or after a change).
 *
 * @param <K> the key
 * @param <V> the value (null values are not allowed: use {@code Optional})
 */
public final class StateCache<K, V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateCache.class);

  /** Reads the value of a key in a read-only transaction. */
  @FunctionalInterface
  public interface Loader<K, V> {
    V load(Connection c, K key) throws SQLException;
  }

  private record Entry<V>(V value, long loadedNanos, long epoch) {}

  /** A read in progress, and the epoch it began in (only a reader in that epoch may share it). */
  private record Loading<V>(CompletableFuture<V> value, long epoch) {}

  private final Database db;
  private final StateChanges changes;
  private final long ttlNanos;
  private final int max;
  private final Loader<K, V> loader;
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final Map<K, Loading<V>> loading = new ConcurrentHashMap<>();
  private final Set<K> refreshing = ConcurrentHashMap.newKeySet();
  private final AtomicLong loads = new AtomicLong();
  private final ExecutorService refresher;

  /**
   * A cache of at most {@code max} keys whose values {@code loader} reads, each used for at most
   * {@code ttl}; {@code name} names its background thread.
   */
  public StateCache(Database db, StateChanges changes, String name, Duration ttl, int max,
      Loader<K, V> loader) {
    if (ttl.isNegative() || ttl.isZero() || max < 1) {
      throw new IllegalArgumentException("expected a positive time to live and size, got " + ttl
          + " and " + max);
    }
    this.db = db;
    this.changes = changes;
    this.ttlNanos = ttl.toNanos();
    this.max = max;
    this.loader = loader;
    this.refresher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    changes.onInvalidate(entries::clear);
  }

  /** The value of {@code key}, from memory when a usable one is there, else read now. */
  public V get(K key) {
    Entry<V> e = entries.get(key);
    if (e != null && e.epoch() == changes.epoch() && changes.cacheable()) {
      long age = System.nanoTime() - e.loadedNanos();
      if (age < ttlNanos) {
        if (age >= ttlNanos / 2) {
          refreshBehind(key);
        }
        return e.value();
      }
    }
    return shared(key);
  }

  /** Reads {@code key}, or waits for a read of it begun in this epoch by another thread. */
  private V shared(K key) {
    long epoch = changes.epoch();
    if (!changes.cacheable()) {
      return load(key);
    }
    Loading<V> mine = new Loading<>(new CompletableFuture<>(), epoch);
    Loading<V> running = loading.putIfAbsent(key, mine);
    if (running != null) {
      if (running.epoch() == epoch) {
        return await(running.value());
      }
      return load(key); // begun before a change: its value may be older than the change
    }
    try {
      V v = load(key);
      mine.value().complete(v);
      return v;
    } catch (RuntimeException ex) {
      mine.value().completeExceptionally(ex);
      throw ex;
    } finally {
      loading.remove(key, mine);
    }
  }

  private static <V> V await(CompletableFuture<V> f) {
    try {
      return f.join();
    } catch (CompletionException ex) {
      if (ex.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw ex;
    }
  }

  /** Reads {@code key} and keeps the value when nothing changed meanwhile. */
  private V load(K key) {
    long now = System.nanoTime();
    long epoch = changes.epoch();
    loads.incrementAndGet();
    V v = db.read(c -> loader.load(c, key));
    if (changes.epoch() == epoch && changes.cacheable()) {
      if (entries.size() >= max) {
        entries.clear();
      }
      entries.put(key, new Entry<>(v, now, epoch));
    }
    return v;
  }

  /** Reads {@code key} again on the background thread, once at a time per key. */
  private void refreshBehind(K key) {
    if (!refreshing.add(key)) {
      return;
    }
    try {
      refresher.execute(() -> {
        try {
          load(key);
        } catch (RuntimeException e) {
          // the cached value answers until its time to live; after it a request reads it
          LOG.debug("could not read {} again: {}", key, e.getMessage());
        } finally {
          refreshing.remove(key);
        }
      });
    } catch (RejectedExecutionException e) {
      refreshing.remove(key); // closing
    }
  }

  /** How many times the store was read for this cache (tests). */
  public long loads() {
    return loads.get();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
