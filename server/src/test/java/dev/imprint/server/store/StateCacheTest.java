package dev.imprint.server.store;

import static dev.imprint.server.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.ReadWaiters;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache every state read on the request path goes through, on a clock the test moves and a
 * read the test holds open: a busy entry is read again by one background read while it answers,
 * the requests that find it expired share one read, and a change heard of during a read keeps
 * that read's value out of the cache.
 */
class StateCacheTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final String KEY = "k";

  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  /** What the store holds for {@link #KEY}; a read takes it when it starts. */
  private final AtomicReference<String> stored = new AtomicReference<>("v1");
  private final AtomicInteger inRead = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private ExecutorService readers;
  private Database db;
  private StateChanges changes;
  private StateCache<String, String> cache;

  @BeforeEach
  void open() {
    db = Stores.open(Stores.Kind.SQLITE, dir);
    changes = new StateChanges(db);
    cache = new StateCache<>(db, changes, "test-refresh", TTL, 10, (c, k) -> {
      String v = stored.get();
      if (!k.equals(KEY)) {
        return v; // only KEY's reads are held open
      }
      inRead.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inRead.decrementAndGet();
      }
      return v;
    }, nanos::get, v -> true);
    readers = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "reader-" + threads.size());
      threads.add(t);
      return t;
    });
  }

  @AfterEach
  void close() {
    gate.countDown();
    readers.shutdownNow();
    cache.close();
    changes.close();
    db.close();
  }

  @Test
  void concurrentRequestsForAnExpiredEntryShareOneRead() throws Exception {
    assertThat(cache.get(KEY)).isEqualTo("v1");
    advance(TTL);
    stored.set("v2");
    gate = new CountDownLatch(1);

    List<Future<String>> reads = submit(16);
    // every request has arrived: one reads, the others wait for its value (or, had each gone
    // to the store, read too)
    await(() -> inRead.get() + ReadWaiters.parked(threads) >= 16);
    gate.countDown();

    for (Future<String> r : reads) {
      assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("v2");
    }
    assertThat(cache.loads()).as("reads: the first, then one for 16 requests").isEqualTo(2);
  }

  @Test
  void pastHalfItsLifeAnEntryAnswersWhileOneBackgroundReadIsUnderWay() throws Exception {
    assertThat(cache.get(KEY)).isEqualTo("v1");
    advance(TTL.multipliedBy(6).dividedBy(10));
    stored.set("v2");
    gate = new CountDownLatch(1);

    for (int i = 0; i < 10; i++) {
      assertThat(cache.get(KEY)).as("the entry still answers").isEqualTo("v1");
    }
    await(() -> inRead.get() == 1);
    assertThat(cache.loads()).as("one background read for ten requests").isEqualTo(2);

    // past the entry's life while that read is still under way: the requests wait for it (and
    // the value it brings is then under half its own life, so it starts no further read)
    advance(TTL.multipliedBy(45).dividedBy(100));
    List<Future<String>> reads = submit(4);
    await(() -> inRead.get() + ReadWaiters.parked(threads) >= 5);
    gate.countDown();
    for (Future<String> r : reads) {
      assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("v2");
    }
    assertThat(cache.loads()).as("no read of their own").isEqualTo(2);
    await(() -> cache.readsUnderWay() == 0);
    assertThat(cache.get(KEY)).as("kept, timed from its read's start").isEqualTo("v2");
    assertThat(cache.loads()).isEqualTo(2);
  }

  /**
   * One background thread reads for every key: a request whose entry expired while its read
   * was still queued behind another key's slow read reads it itself, without waiting for the
   * queue, and the queued read then does nothing.
   */
  @Test
  void aRequestTakesOnABackgroundReadStillQueuedBehindAnotherKeys() throws Exception {
    assertThat(cache.get(KEY)).isEqualTo("v1");
    assertThat(cache.get("other")).isEqualTo("v1");
    advance(TTL.multipliedBy(6).dividedBy(10));
    stored.set("v2");
    gate = new CountDownLatch(1);
    assertThat(cache.get(KEY)).isEqualTo("v1");
    await(() -> inRead.get() == 1); // the background thread is held in KEY's read
    assertThat(cache.get("other")).as("its read queued behind KEY's").isEqualTo("v1");
    assertThat(cache.loads()).isEqualTo(3);

    advance(TTL.multipliedBy(45).dividedBy(100));
    Future<String> other = readers.submit(() -> cache.get("other"));
    assertThat(other.get(30, TimeUnit.SECONDS)).as("read by the request").isEqualTo("v2");
    assertThat(cache.loads()).isEqualTo(4);

    gate.countDown();
    await(() -> cache.readsUnderWay() == 0);
    assertThat(cache.loads()).as("the queued read found it taken on").isEqualTo(4);
    assertThat(cache.get("other")).isEqualTo("v2");
    assertThat(cache.loads()).isEqualTo(4);
  }

  @Test
  void aChangeDuringABackgroundReadKeepsTheReadsValueOut() throws Exception {
    assertThat(cache.get(KEY)).isEqualTo("v1");
    advance(TTL.multipliedBy(6).dividedBy(10));
    gate = new CountDownLatch(1);
    assertThat(cache.get(KEY)).isEqualTo("v1");
    await(() -> inRead.get() == 1); // the background read took "v1" from the store

    stored.set("revoked");
    changes.invalidate(); // the change, heard of while that read is under way
    gate.countDown();
    await(() -> cache.readsUnderWay() == 0);

    assertThat(cache.size()).as("nothing kept from the read that began before it").isZero();
    assertThat(cache.get(KEY)).isEqualTo("revoked");
    assertThat(cache.loads()).isEqualTo(3);
  }

  @Test
  void anEntryIsNeverUsedAtItsLifeOrOnAClockSetBack() {
    assertThat(cache.get(KEY)).isEqualTo("v1");
    stored.set("v2");
    advance(TTL);
    assertThat(cache.get(KEY)).as("at its full life").isEqualTo("v2");
    stored.set("v3");
    advance(Duration.ofNanos(-1));
    assertThat(cache.get(KEY)).as("a clock earlier than its read").isEqualTo("v3");
    assertThat(cache.loads()).isEqualTo(3);
  }

  @Test
  void aValueTheCacheDoesNotKeepIsReadOnEveryMiss() {
    try (StateCache<String, String> successes = new StateCache<>(db, changes, "test-keep", TTL,
        10, (c, k) -> stored.get(), nanos::get, v -> !v.equals("refused"))) {
      stored.set("refused");
      assertThat(successes.get(KEY)).isEqualTo("refused");
      assertThat(successes.get(KEY)).isEqualTo("refused");
      assertThat(successes.loads()).isEqualTo(2);
      assertThat(successes.size()).isZero();
      stored.set("ok");
      assertThat(successes.get(KEY)).isEqualTo("ok");
      assertThat(successes.get(KEY)).isEqualTo("ok");
      assertThat(successes.loads()).isEqualTo(3);
    }
  }

  /**
   * A full cache drops a tenth of its keys, those not asked for since it last made room first:
   * keys asked for all along stay, and each new key past the bound costs the store its own read
   * and nothing more (a cache that dropped every key when full read each of them again).
   */
  @Test
  void aFullCacheDropsATenthOfItsKeysAndKeepsThoseStillAskedFor() {
    try (StateCache<String, String> bounded = new StateCache<>(db, changes, "test-bound", TTL,
        100, (c, k) -> k, nanos::get, v -> true)) {
      for (int i = 0; i < 100; i++) {
        bounded.get("old-" + i);
        advance(Duration.ofMillis(1));
      }
      List<String> asked = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        asked.add("old-" + i); // the oldest reads: dropped first were they not asked for
      }
      for (int i = 0; i < 200; i++) {
        asked.forEach(bounded::get);
        assertThat(bounded.get("new-" + i)).isEqualTo("new-" + i);
        assertThat(bounded.size()).as("room made by a tenth").isBetween(90, 100);
        advance(Duration.ofMillis(1));
      }
      assertThat(bounded.loads()).as("one read per key: 300 keys through a cache of 100")
          .isEqualTo(300);
      asked.forEach(bounded::get);
      assertThat(bounded.loads()).as("the keys asked for all along are still there")
          .isEqualTo(300);
    }
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  private List<Future<String>> submit(int n) {
    List<Future<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(readers.submit(() -> cache.get(KEY)));
    }
    return out;
  }
}
