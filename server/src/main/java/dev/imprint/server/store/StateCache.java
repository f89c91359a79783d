package dev.imprint.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values read from the store by key, kept in memory under the epoch of {@link StateChanges}:
 * each is used for at most its time to live, counted from the start of the read that produced
 * it, and only while nothing changed. One past half its time to live is read again in the
 * background while it answers, so a key asked for at least that often never makes a request wait
 * for the store; a key with no usable value is read by one request while any others asking for
 * it meanwhile wait for that read, or for the background read when one is under way (no herd of
 * reads when a busy entry expires or after a change). A value read while a change was under way
 * or heard of is answered to those waiting for it but never kept.
 *
 * <p>A full cache makes room by dropping a tenth of its keys, never all of them: first those no
 * longer usable (expired, or kept before a change), then those not asked for since the last time
 * it made room, oldest read first, and only then the oldest read of the others (a second chance,
 * as the CLOCK algorithm gives). The keys still asked for stay, so a new key costs the store its
 * own read and not a herd of reads for every key the cache held. Room is made by one thread at a
 * time; another that fills the cache meanwhile adds its key without waiting, so the cache may
 * pass its size by as many keys as threads read at once.
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

  /** A value with the start of its read and its epoch; {@code used} since room was last made. */
  private static final class Entry<V> {
    final V value;
    final long loadedNanos;
    final long epoch;
    /** Set by a request that used the entry; cleared when the cache makes room. */
    volatile boolean used;

    Entry(V value, long loadedNanos, long epoch) {
      this.value = value;
      this.loadedNanos = loadedNanos;
      this.epoch = epoch;
    }
  }

  /** An entry the cache may drop to make room, with its mark and age as they were read once. */
  private record Candidate<K, V>(K key, Entry<V> entry, boolean used, long age) {}

  /**
   * A read of a key, the epoch it was asked for in (only a reader in that epoch may share it),
   * and whether a thread has taken it on: a background read still queued behind others' is
   * taken on by the first request that needs its value, so no request waits for that queue.
   */
  private record Loading<V>(CompletableFuture<V> value, long epoch, AtomicBoolean taken) {
    Loading(long epoch, boolean taken) {
      this(new CompletableFuture<>(), epoch, new AtomicBoolean(taken));
    }

    boolean take() {
      return taken.compareAndSet(false, true);
    }
  }

  private final Database db;
  private final StateChanges changes;
  private final long ttlNanos;
  private final int max;
  private final Loader<K, V> loader;
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  /** The read of each key under way, by a request or the background thread: at most one. */
  private final Map<K, Loading<V>> loading = new ConcurrentHashMap<>();
  private final AtomicLong loads = new AtomicLong();
  /** Held by the thread making room, so that only one scans the entries at a time. */
  private final AtomicBoolean evicting = new AtomicBoolean();
  private final ExecutorService refresher;
  private final LongSupplier nanos;
  private final Predicate<V> keep;

  /**
   * A cache of at most {@code max} keys whose values {@code loader} reads, each used for at most
   * {@code ttl}; {@code name} names its background thread.
   */
  public StateCache(Database db, StateChanges changes, String name, Duration ttl, int max,
      Loader<K, V> loader) {
    this(db, changes, name, ttl, max, loader, System::nanoTime, v -> true);
  }

  /**
   * A cache as above whose ages are measured on {@code nanos} (a server's clock, so that tests
   * move it; a reading earlier than an entry's counts as expired) and that keeps only the values
   * {@code keep} accepts (the others are read again on every miss, as by a cache of successes).
   */
  public StateCache(Database db, StateChanges changes, String name, Duration ttl, int max,
      Loader<K, V> loader, LongSupplier nanos, Predicate<V> keep) {
    if (ttl.isNegative() || ttl.isZero() || max < 1) {
      throw new IllegalArgumentException("expected a positive time to live and size, got " + ttl
          + " and " + max);
    }
    this.db = db;
    this.changes = changes;
    this.ttlNanos = ttl.toNanos();
    this.max = max;
    this.loader = loader;
    this.nanos = nanos;
    this.keep = keep;
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
    long epoch = changes.epoch();
    if (e != null && e.epoch == epoch && changes.cacheable()) {
      long age = nanos.getAsLong() - e.loadedNanos;
      if (usable(age)) {
        if (!e.used) {
          e.used = true; // written once per entry between two evictions, read otherwise
        }
        if (age >= ttlNanos / 2) {
          refreshBehind(key, epoch);
        }
        return e.value;
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
    Loading<V> mine = new Loading<>(epoch, true);
    Loading<V> running = loading.putIfAbsent(key, mine);
    if (running != null) {
      if (running.epoch() == epoch) {
        return running.take() ? run(key, running) : await(running.value());
      }
      return load(key); // begun before a change: its value may be older than the change
    }
    return run(key, mine);
  }

  /** Reads {@code key} for {@code mine}, whose waiters get the value or the failure. */
  private V run(K key, Loading<V> mine) {
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
    long now = nanos.getAsLong();
    long epoch = changes.epoch();
    loads.incrementAndGet();
    V v = db.read(c -> loader.load(c, key));
    if (changes.epoch() == epoch && changes.cacheable() && keep.test(v)) {
      if (entries.size() >= max && !entries.containsKey(key)) {
        makeRoom(nanos.getAsLong(), epoch);
      }
      entries.put(key, new Entry<>(v, now, epoch));
    }
    return v;
  }

  /**
   * Drops a tenth of the keys (at least one): the unusable ones, then those not used since the
   * last call, oldest read first, then the oldest read of the rest; clears the others' marks.
   */
  private void makeRoom(long now, long epoch) {
    if (!evicting.compareAndSet(false, true)) {
      return; // another thread is making room
    }
    try {
      entries.entrySet().removeIf(x -> x.getValue().epoch != epoch
          || !usable(now - x.getValue().loadedNanos));
      int excess = entries.size() - (max - Math.max(1, max / 10));
      if (excess > 0) {
        // the marks are read once: requests set them while this sorts
        List<Candidate<K, V>> order = new ArrayList<>();
        entries.forEach((k, e) -> order.add(new Candidate<>(k, e, e.used, now - e.loadedNanos)));
        order.sort(Comparator.comparing(Candidate<K, V>::used)
            .thenComparing(Comparator.comparingLong(Candidate<K, V>::age).reversed()));
        for (Candidate<K, V> c : order.subList(0, Math.min(excess, order.size()))) {
          entries.remove(c.key(), c.entry());
        }
      }
      entries.values().forEach(x -> x.used = false);
    } finally {
      evicting.set(false);
    }
  }

  private boolean usable(long age) {
    return age >= 0 && age < ttlNanos;
  }

  /**
   * Reads {@code key} again on the background thread unless a read of it is under way; requests
   * that find the entry expired before this read ends wait for it rather than read too (or, while
   * it is still queued behind other keys' reads, the first of them takes it on).
   */
  private void refreshBehind(K key, long epoch) {
    Loading<V> mine = new Loading<>(epoch, false);
    if (loading.putIfAbsent(key, mine) != null) {
      return;
    }
    Runnable refresh = () -> {
      try {
        if (mine.take()) {
          run(key, mine);
        }
      } catch (RuntimeException e) {
        // the cached value answers until its time to live; after it a request reads it
        LOG.debug("could not read {} again: {}", key, e.getMessage());
      }
    };
    try {
      refresher.execute(refresh);
    } catch (RejectedExecutionException e) {
      refresh.run(); // closing: a request may already wait for this read
    }
  }

  /** How many keys hold a value now, usable or not (tests). */
  public int size() {
    return entries.size();
  }

  /** How many reads, by requests or in the background, are under way now (tests). */
  int readsUnderWay() {
    return loading.size();
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
