package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests never wait for the store without a bound: beyond the allowed number of waiters the
 * next one is refused at once (health and metrics keep answering), and a write that does not get
 * its turn within the store timeout is refused and never runs. The writer is held by a test
 * hook, as a stuck store would hold it. Only request threads take places: the server's own work
 * (start-up, key rotation, usage flushes) is never refused for being one too many.
 */
class StoreWaitTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void requestsBeyondTheWaitingLimitGet503BusyAtOnceWhileHealthAndMetricsAnswer(Stores.Kind kind)
      throws Exception {
    try (TestServer s = start(kind, new StoreSettings(Duration.ofSeconds(30), 2))) {
      CountDownLatch release = new CountDownLatch(1);
      Database db = s.server().database();
      db.beforeBatch(() -> await(release));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<HttpResponse<String>>> waiting = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          int n = i;
          waiting.add(pool.submit(() -> StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(),
              "{\"role\":\"pipeline\",\"description\":\"waiting " + n + "\"}", null)));
        }
        StoreFaultsTest.awaitTrue("two requests waiting for the store", () -> db.waiting() == 2);
        HttpResponse<String> third = StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(),
            "{\"role\":\"pipeline\"}", null);
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(StoreFaultsTest.code(third)).isEqualTo("store.busy");
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(StoreFaultsTest.get(s, "/healthz").statusCode()).isEqualTo(200);
        assertThat(StoreFaultsTest.get(s, "/readyz").statusCode()).isEqualTo(200);
        assertThat(StoreFaultsTest.get(s, "/metrics").body()).contains("imprint_store_queued");
        // the server's own work (here: this test thread, which serves no request) takes no
        // place, so a full set of waiting requests cannot crowd it out
        int answered = db.read(c -> 42);
        assertThat(answered).isEqualTo(42);
      } finally {
        db.beforeBatch(null);
        release.countDown();
      }
      for (Future<HttpResponse<String>> f : waiting) {
        assertThat(f.get(1, TimeUnit.MINUTES).statusCode()).isEqualTo(201);
      }
      pool.shutdown();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aWriteNotTakenWithinTheStoreTimeoutIs503UnavailableAndNeverRuns(Stores.Kind kind)
      throws Exception {
    try (TestServer s = start(kind, new StoreSettings(Duration.ofSeconds(1), 100))) {
      CountDownLatch release = new CountDownLatch(1);
      Database db = s.server().database();
      db.beforeBatch(() -> await(release));
      HttpResponse<String> refused;
      try {
        refused = StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(),
            "{\"role\":\"pipeline\",\"description\":\"never\"}", null);
      } finally {
        db.beforeBatch(null);
        release.countDown();
      }
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(StoreFaultsTest.code(refused)).isEqualTo("store.unavailable");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"pipeline\",\"description\":\"later\"}", null).statusCode()).isEqualTo(201);
      long never = db.read(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery(
            "SELECT COUNT(*) FROM api_tokens WHERE description = 'never'")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(never).as("the refused write never ran").isZero();
    }
  }

  private TestServer start(Stores.Kind kind, StoreSettings store) {
    return TestServer.start(TestServer.config(dir, Stores.jdbcUrl(kind))
        .withCheckpointInterval(Duration.ZERO).withStore(store));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
