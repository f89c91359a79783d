package dev.imprint.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Stores;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many request threads authenticating with one hot token: none waits for another to note its
 * use, and the latest use reaches the store exactly, flushes running or not.
 */
class TokenUsageConcurrencyTest {
  private static final int THREADS = 16;
  private static final int USES = 20_000;
  @TempDir Path dir;
  private Database db;
  private TokenService tokens;

  @BeforeEach
  void open() {
    db = Stores.open(Stores.Kind.SQLITE, dir);
    tokens = new TokenService(db, new AuditLog(db, Clock.systemUTC()), Clock.systemUTC(),
        Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    tokens.close();
    db.close();
  }

  @Test
  void sixteenThreadsRecordingOneHotTokenDoNotQueueOnAMonitor() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    IssuedToken t = tokens.create(Role.ADMIN, "hot", "test");
    TokenUsage usage = tokens.usage();
    AtomicLong clock = new AtomicLong(1_000_000);
    List<Thread> threads = new ArrayList<>();
    long[] blocked = new long[THREADS];
    CyclicBarrier start = new CyclicBarrier(THREADS);
    for (int i = 0; i < THREADS; i++) {
      int n = i;
      threads.add(new Thread(() -> {
        long id = Thread.currentThread().getId();
        usage.record(t.token().id(), null, clock.incrementAndGet()); // loads what it uses
        mx.getThreadInfo(id); // and what counting uses: a class initialised by another thread
        await(start);
        long before = mx.getThreadInfo(id).getBlockedCount();
        for (int k = 0; k < USES; k++) {
          usage.record(t.token().id(), null, clock.incrementAndGet());
        }
        blocked[n] = mx.getThreadInfo(id).getBlockedCount() - before;
      }));
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join();
    }
    // A monitor on the record path (a map bin's, as ConcurrentHashMap.merge took) blocks these
    // threads hundreds of times on a 2-core machine. A thread may still block now and then on a
    // monitor that has nothing to do with recording (a class initialised by another thread, a
    // JDK-internal lock, its holder descheduled on a loaded machine): not zero, fewer than one
    // per thread.
    assertThat(java.util.Arrays.stream(blocked).sum())
        .as("times a recording thread blocked entering a monitor another held")
        .isLessThan(THREADS);
    assertThat(usage.pendingUse(t.token().id()).toEpochMilli()).isEqualTo(clock.get());
    assertThat(usage.flush()).isEqualTo(1);
    assertThat(TokenUsageTest.storedLastUse(db, t.token().id())).isEqualTo(clock.get());
  }

  @Test
  void theLatestUseIsWrittenExactlyWhileFlushesRunAlongside() throws Exception {
    IssuedToken t = tokens.create(Role.ADMIN, "hot", "test");
    TokenUsage usage = tokens.usage();
    AtomicLong clock = new AtomicLong(1_000_000);
    AtomicBoolean done = new AtomicBoolean();
    Thread flusher = new Thread(() -> {
      while (!done.get()) {
        usage.flush();
      }
    });
    flusher.start();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      threads.add(new Thread(() -> {
        for (int k = 0; k < USES / 4; k++) {
          usage.record(t.token().id(), null, clock.incrementAndGet());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join();
    }
    done.set(true);
    flusher.join();
    usage.flush();
    assertThat(TokenUsageTest.storedLastUse(db, t.token().id())).isEqualTo(clock.get());
    assertThat(usage.pendingUse(t.token().id())).isNull();
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
