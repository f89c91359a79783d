package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.ok;
import static dev.imprint.server.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.store.Database;
import dev.imprint.server.store.StateChanges;
import dev.imprint.server.testing.ReadWaiters;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TableLock;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one cache of images' states that issuance, validation and decisions share: a retirement
 * applies to the very next check, and an entry that expires under many readers is read from the
 * store once, the readers that come meanwhile waiting for that read.
 */
class WorkloadStatesTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetiredImageIsRefusedByTheNextCheckThoughItsStateWasCached(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String d = Workloads.estate(s);
      WorkloadStates states = s.server().svids().states();
      assertThat(states.of(d).orElseThrow().imageLive()).isTrue();
      long loads = states.loads();
      assertThat(states.of(d).orElseThrow().imageLive()).as("cached").isTrue();
      assertThat(states.loads()).as("answered from memory").isEqualTo(loads);

      ok(s.send("POST", "/v1/images/" + d + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);

      assertThat(states.of(d).orElseThrow().imageStatus()).isEqualTo("retired");
      assertThat(states.of(d).orElseThrow().imageLive()).isFalse();
    }
  }

  /**
   * With {@code images} locked by another transaction, the first reader of the expired entry
   * waits in the store; 16 readers arriving meanwhile must wait for its read, not start their
   * own (a herd of reads on every expiry of a busy entry).
   */
  @Test
  void anExpiredStateUnderConcurrentReadersIsReadFromTheStoreOnce() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.POSTGRESQL, dir)) {
      String d = Workloads.estate(s);
      Database db = s.server().database();
      Duration ttl = Duration.ofMillis(200);
      List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
      ExecutorService readers = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "reader-" + threads.size());
        threads.add(t);
        return t;
      });
      try (StateChanges changes = new StateChanges(db);
          WorkloadStates states = new WorkloadStates(db, changes, false, ttl)) {
        await(changes::cacheable);
        assertThat(states.of(d)).isPresent();
        Thread.sleep(ttl.toMillis() * 2); // expired: the next reader must read the store
        long before = states.loads();
        List<Future<Optional<WorkloadStates.State>>> reads = new ArrayList<>();
        TableLock lock = TableLock.take(db, "images");
        // its own connection: readers that each went to the store (the herd this test is
        // about) would leave none in the pool to look at pg_locks with
        try (lock; Connection observer = db.dataSource().getConnection()) {
          for (int i = 0; i < 16; i++) {
            reads.add(readers.submit(() -> states.of(d)));
          }
          // every reader has arrived before the lock goes: waiting in the store for it, or for
          // another reader's read. (A fixed pause here let a slow reader arrive after the read,
          // find the entry already older than its 200 ms TTL, since its age counts from the
          // start of its read, and read it again: a failure by chance on a loaded machine.)
          await(() -> ReadWaiters.lockWaiters(observer, "images")
              + ReadWaiters.parked(threads) >= 16);
        }
        for (Future<Optional<WorkloadStates.State>> r : reads) {
          assertThat(r.get(30, TimeUnit.SECONDS).orElseThrow().imageLive()).isTrue();
        }
        assertThat(states.loads() - before).as("reads of the expired entry").isEqualTo(1);
      } finally {
        readers.shutdownNow();
      }
    }
  }
}
