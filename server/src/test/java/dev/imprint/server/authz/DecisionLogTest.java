package dev.imprint.server.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.authz.Decision;
import dev.imprint.authz.Effect;
import dev.imprint.authz.Reason;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.StoreSettings;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.HeldWriter;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.WriterStats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision log's audit entries are aggregated per subject, effect and reason: a burst of
 * distinct allows makes a bounded number of entries, every distinct deny is listed with its
 * count, and what is pending at shutdown is written.
 */
class DecisionLogTest {
  private static final String API = "spiffe://imprint.local/api";
  private static final String JOB = "spiffe://imprint.local/job";
  private static final Instant T0 = Instant.parse("2026-12-06T22:00:00Z");
  // never flushes by time during a test: only by size, by flush() and by close()
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void burstOfDistinctAllowsMakesOneEntryWithASampleAndItsCounts(Stores.Kind kind) {
    int n = 2_000;
    try (Database db = Stores.open(kind, dir);
        DecisionLog log = new DecisionLog(db, new AuditLog(db, Clock.systemUTC()),
            Clock.systemUTC(), HOUR)) {
      for (int i = 0; i < n; i++) {
        log.record(API, "read", "topic:orders/q" + i, Map.of(), allow(), "svid",
            T0.plusMillis(i));
      }
      log.record(API, "read", "topic:orders/q0", Map.of(), allow(), "svid", T0.plusMillis(n));
      assertThat(log.flush()).as("distinct decisions written").isEqualTo(n);

      List<JsonNode> decided = decided(db);
      assertThat(decided).singleElement().satisfies(e -> {
        assertThat(e.get("subject").asText()).isEqualTo(API);
        JsonNode d = e.get("details");
        assertThat(d.get("effect").asText()).isEqualTo("allow");
        assertThat(d.get("reason").asText()).isEqualTo("allowed");
        assertThat(d.get("decisions").asLong()).isEqualTo(n + 1);
        assertThat(d.get("distinct").asLong()).isEqualTo(n);
        assertThat(d.get("requests")).hasSize(DecisionLog.SAMPLE);
        assertThat(d.get("omitted").asLong()).isEqualTo(n - DecisionLog.SAMPLE);
        assertThat(d.get("from").asText()).isEqualTo(T0.toString());
        assertThat(d.get("to").asText()).isEqualTo(T0.plusMillis(n).toString());
        JsonNode first = d.get("requests").get(0);
        assertThat(first.get("resource").asText()).isEqualTo("topic:orders/q0");
        assertThat(first.get("decisions").asLong()).isEqualTo(2);
        assertThat(first.get("grants").get(0).asText()).isEqualTo("g1");
        assertThat(first.get("via").asText()).isEqualTo("svid");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void everyDistinctDenyIsListedWithItsCountAcrossAsManyEntriesAsItTakes(Stores.Kind kind) {
    int n = DecisionLog.DENIES_PER_ENTRY * 2 + 7;
    try (Database db = Stores.open(kind, dir);
        DecisionLog log = new DecisionLog(db, new AuditLog(db, Clock.systemUTC()),
            Clock.systemUTC(), HOUR)) {
      for (int i = 0; i < n; i++) {
        for (int k = 0; k <= i % 3; k++) {
          log.record(JOB, i % 2 == 0 ? "read" : "write", "topic:payroll/q" + i, Map.of(),
              noGrant(), "svid", T0.plusSeconds(i));
        }
        log.record(JOB, "read", "topic:orders/q" + i, Map.of(), allow(), "svid", T0);
      }
      log.flush();

      List<JsonNode> decided = decided(db);
      List<JsonNode> denies = decided.stream()
          .filter(e -> e.at("/details/effect").asText().equals("deny")).toList();
      assertThat(denies).hasSize(3);
      Map<String, Long> listed = new HashMap<>();
      for (JsonNode e : denies) {
        assertThat(e.at("/details/reason").asText()).isEqualTo("no_grant");
        assertThat(e.at("/details/parts").asInt()).isEqualTo(3);
        assertThat(e.at("/details/omitted").asLong()).isZero();
        long sum = 0;
        for (JsonNode r : e.at("/details/requests")) {
          assertThat(listed.put(r.get("action").asText() + " " + r.get("resource").asText(),
              r.get("decisions").asLong())).as("listed once").isNull();
          sum += r.get("decisions").asLong();
        }
        assertThat(e.at("/details/decisions").asLong()).isEqualTo(sum);
        assertThat(e.at("/details/distinct").asLong())
            .isEqualTo(e.at("/details/requests").size());
      }
      assertThat(listed).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(listed).containsEntry((i % 2 == 0 ? "read" : "write") + " topic:payroll/q"
            + i, (long) (i % 3 + 1));
      }
      assertThat(decided).filteredOn(e -> e.at("/details/effect").asText().equals("allow"))
          .singleElement().satisfies(e ->
              assertThat(e.at("/details/decisions").asLong()).isEqualTo(n));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void pendingDecisionsAreWrittenAtCloseAndAFullBufferFlushesBeforeTheInterval(
      Stores.Kind kind) throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      DecisionLog log = new DecisionLog(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), HOUR);
      for (int i = 0; i < DecisionLog.MAX_PENDING; i++) {
        log.record(API, "read", "topic:orders/q" + i, Map.of(), allow(), "svid", T0);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (decided(db).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(decided(db)).as("flushed by size, long before the hour").hasSize(1);
      log.record(JOB, "read", "topic:payroll/x", Map.of(), noGrant(), "svid", T0);
      log.close();
      assertThat(decided(db)).filteredOn(e -> e.get("subject").asText().equals(JOB))
          .singleElement().satisfies(e ->
              assertThat(e.at("/details/requests/0/resource").asText())
                  .isEqualTo("topic:payroll/x"));
    }
  }

  /**
   * Many request threads recording at once while flushes run: every decision is counted exactly
   * once, in the audit entries and in the grant's uses, whichever flush took it.
   */
  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void decisionsRecordedConcurrentlyWithFlushesAreEachCountedOnce(Stores.Kind kind)
      throws Exception {
    int threads = 8;
    int each = 3_000;
    try (Database db = Stores.open(kind, dir);
        DecisionLog log = new DecisionLog(db, new AuditLog(db, Clock.systemUTC()),
            Clock.systemUTC(), HOUR)) {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();
      List<Thread> recorders = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread r = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < each; i++) {
            boolean allowed = i % 2 == 0;
            log.record(allowed ? API : JOB, "read", "topic:orders/q" + (i + thread) % 40,
                Map.of(), allowed ? allow() : noGrant(), "svid", T0.plusMillis(i));
          }
        });
        r.start();
        recorders.add(r);
      }
      int[] flushes = {0};
      Thread flusher = new Thread(() -> {
        while (!done.get()) {
          flushes[0] += log.flush() > 0 ? 1 : 0;
        }
      });
      flusher.start();
      go.countDown();
      for (Thread r : recorders) {
        r.join();
      }
      done.set(true);
      flusher.join();
      log.flush();

      long total = 0;
      for (JsonNode e : decided(db)) {
        total += e.at("/details/decisions").asLong();
      }
      assertThat(total).isEqualTo((long) threads * each);
      long uses = db.read(c -> {
        try (var ps = c.prepareStatement("SELECT uses FROM grant_usage WHERE grant_id = 'g1'");
            var rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      });
      assertThat(uses).isEqualTo((long) threads * each / 2);
    }
  }

  /**
   * A request thread never waits for a flush, and a flush writes exactly what was recorded
   * before it began. With the store's writer held, a flush that has taken its batch waits for
   * the store; decisions recorded meanwhile (on another thread: one that waited would never
   * return while the writer is held) all return, go to the next batch and not this one, and are
   * written by the next flush. A lock or a condition shared with the flush (the read-write lock
   * this replaced) holds the recording thread until the writer is released.
   */
  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void decisionsRecordedWhileAFlushWaitsForTheStoreReturnAndGoToTheNextBatch(Stores.Kind kind)
      throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    // a queued write gives up waiting for its turn after twice the store's timeout: ten minutes
    // here, so the held flush still waits however slowly a loaded machine runs the recording
    StoreSettings patient = new StoreSettings(Duration.ofMinutes(5), 100);
    try (Database db = Database.open(Stores.jdbcUrl(kind), dir, patient);
        DecisionLog log = new DecisionLog(db, new AuditLog(db, Clock.systemUTC()),
            Clock.systemUTC(), HOUR)) {
      for (int i = 0; i < 3; i++) {
        log.record(API, "read", "topic:orders/q" + i, Map.of(), allow(), "svid", T0);
      }
      log.record(API, "read", "topic:orders/q2", Map.of(), allow(), "svid", T0);
      Future<Integer> first;
      try (HeldWriter held = HeldWriter.hold(db, c -> null)) {
        first = threads.submit(log::flush);
        WriterStats.awaitQueued(db, 1); // the flush has its batch and waits for the writer
        Future<?> recorded = threads.submit(() -> {
          for (int i = 2; i < 5; i++) {
            log.record(API, "read", "topic:orders/q" + i, Map.of(), allow(), "svid",
                T0.plusSeconds(1));
          }
          log.record(API, "read", "topic:orders/q4", Map.of(), allow(), "svid",
              T0.plusSeconds(1));
        });
        // a bound for failing, not a timing: a recording that waits for the flush never ends
        recorded.get(60, TimeUnit.SECONDS);
        assertThat(first).as("the flush still waits for the store").isNotDone();
        held.release();
      }
      assertThat(first.get(60, TimeUnit.SECONDS)).as("the flush's distinct decisions")
          .isEqualTo(3);
      assertThat(log.flush()).as("the next flush's: those recorded meanwhile").isEqualTo(3);

      List<JsonNode> decided = decided(db);
      assertThat(decided).extracting(e -> e.at("/details/decisions").asLong())
          .containsExactly(4L, 4L);
      assertThat(decided).extracting(e -> e.at("/details/from").asText())
          .containsExactly(T0.toString(), T0.plusSeconds(1).toString());
      assertThat(decided.get(0).at("/details/requests")).extracting(r -> r.get("resource")
          .asText()).containsExactly("topic:orders/q0", "topic:orders/q1", "topic:orders/q2");
      assertThat(decided.get(1).at("/details/requests")).extracting(r -> r.get("resource")
          .asText()).containsExactly("topic:orders/q2", "topic:orders/q3", "topic:orders/q4");
    } finally {
      threads.shutdownNow();
    }
  }

  private static Decision allow() {
    return new Decision(Effect.ALLOW, Reason.ALLOWED, List.of("g1"), 1, "allowed by g1");
  }

  private static Decision noGrant() {
    return new Decision(Effect.DENY, Reason.NO_GRANT, List.of(), 1, "no grant");
  }

  private static List<JsonNode> decided(Database db) {
    return AuditActions.entries(db).stream()
        .filter(e -> e.get("action").asText().equals("authz.decided")).toList();
  }
}
