package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.FaultyLink;
import dev.imprint.server.testing.RestartablePostgres;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas on one PostgreSQL under the faults of a real deployment, each with a store timeout of
 * one second (so the session's idle-in-transaction timeout is 1 s, its lock timeout 2 s and its
 * socket timeout 3 s): a stalled writer, a frozen link, and the database stopped mid-burst.
 * Every HTTP call has a deadline, so a hang fails the test instead of stalling the build.
 */
class StoreFaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);
  /** Far beyond every bound the server has with the timeout above; only a hang reaches it. */
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(DEADLINE)
      .build();

  @TempDir Path dir;

  @Test
  void aSessionHoldingTheWritersLockIsEndedByTheServerAndBothReplicasGoOnCommitting()
      throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = kek();
    try (TestServer a = start(jdbc, dir.resolve("a"), kek);
        TestServer b = start(jdbc, dir.resolve("b"), kek);
        // one of B's own sessions, with the settings B gives them
        Connection stalled = b.server().database().dataSource().getConnection()) {
      String admin = a.adminToken();
      // B takes the writers' lock and then stops (kill -STOP, a long GC pause)
      stalled.setAutoCommit(false);
      try (Statement st = stalled.createStatement()) {
        st.execute(Database.lockWritersSql());
      }
      List<HttpResponse<String>> answers = inParallel(8, i -> post(i % 2 == 0 ? a : b,
          "/v1/tokens", admin, "{\"role\":\"pipeline\",\"description\":\"stall " + i + "\"}",
          null));
      assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(201);
      assertThatThrownBy(() -> {
        try (Statement st = stalled.createStatement()) {
          st.execute("SELECT 1");
        }
      }).as("the server ended the stalled session after its idle-in-transaction timeout")
          .isInstanceOf(SQLException.class);
      assertThat(count(jdbc, "SELECT COUNT(*) FROM api_tokens WHERE description LIKE 'stall %'"))
          .isEqualTo(8);
    }
  }

  @Test
  void aLockHeldByASessionTheServerDoesNotEndFailsWritesFastWith503AndTheyResumeAfterwards()
      throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    try (TestServer a = start(jdbc, dir.resolve("a"), kek());
        Connection operator = DriverManager.getConnection(jdbc)) {
      // an operator's session (no idle timeout) sitting on the writers' lock
      operator.setAutoCommit(false);
      try (Statement st = operator.createStatement()) {
        st.execute(Database.lockWritersSql());
      }
      HttpResponse<String> refused = post(a, "/v1/tokens", a.adminToken(),
          "{\"role\":\"pipeline\",\"description\":\"held\"}", null);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(code(refused)).isEqualTo("store.unavailable");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      operator.rollback();
      HttpResponse<String> after = post(a, "/v1/tokens", a.adminToken(),
          "{\"role\":\"pipeline\",\"description\":\"after\"}", null);
      assertThat(after.statusCode()).isEqualTo(201);
      assertThat(count(jdbc, "SELECT COUNT(*) FROM api_tokens WHERE description = 'held'"))
          .as("the refused write was not written").isZero();
    }
  }

  @Test
  void aReplicaWhoseLinkFreezesWhileItHoldsTheLockStallsNoOneAndRecoversWhenTheLinkDoes()
      throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = kek();
    int pgPort = Stores.postgres().getPort();
    try (FaultyLink link = FaultyLink.to("localhost", pgPort);
        TestServer a = start(jdbc, dir.resolve("a"), kek);
        TestServer b = start(link.route(jdbc), dir.resolve("b"),
            kek)) {
      String admin = a.adminToken();
      Database dbB = b.server().database();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      // B's writer takes the lock, then its link freezes before the commit goes out
      Future<Object> stuck = pool.submit(() -> dbB.write(c -> {
        dbB.lockWriters(c);
        link.freeze();
        return null;
      }));
      awaitTrue("the link to freeze", link::isFrozen);
      List<HttpResponse<String>> viaA = inParallel(4, i -> post(a, "/v1/tokens", admin,
          "{\"role\":\"pipeline\",\"description\":\"frozen " + i + "\"}", null));
      assertThat(viaA).extracting(HttpResponse::statusCode).containsOnly(201);
      awaitTrue("B's readiness to fail while its link is frozen", () ->
          get(b, "/readyz").statusCode() == 503);
      assertThat(get(b, "/readyz").body()).contains("store.unavailable");
      assertThat(get(b, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(b, "/metrics").body()).contains("imprint_store_up 0.0");
      assertThatThrownBy(stuck::get).cause().isInstanceOf(StoreException.class)
          .extracting(e -> ((StoreException) e).code())
          .as("its commit never got an answer and the store could not be asked in time")
          .isEqualTo("store.outcome_unknown");
      link.thaw();
      awaitTrue("B to be ready again", () -> get(b, "/readyz").statusCode() == 200);
      assertThat(post(b, "/v1/tokens", admin, "{\"role\":\"pipeline\"}", null).statusCode())
          .isEqualTo(201);
      pool.shutdown();
    }
  }

  @Test
  void theDatabaseStoppedMidBurstGivesFast503sUnreadinessAndBackAndNoAnswerIsWrong()
      throws Exception {
    try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"));
        TestServer s = start(pg.jdbcUrl(), dir.resolve("data"), kek())) {
      String admin = s.adminToken();
      Map<String, HttpResponse<String>> answers = new ConcurrentHashMap<>();
      AtomicInteger created = new AtomicInteger();
      List<Throwable> broken = new CopyOnWriteArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> running = new ArrayList<>();
      // the burst runs until the test has seen it answered before, during and after the outage
      // (conditions, not a while: a loaded machine may take any time for each)
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger sent = new AtomicInteger();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        running.add(clients.submit(() -> {
          for (int i = 0; !stop.get(); i++) {
            String description = "burst " + thread + "-" + i;
            sent.incrementAndGet();
            try {
              HttpResponse<String> r = post(s, "/v1/tokens", admin,
                  "{\"role\":\"pipeline\",\"description\":\"" + description + "\"}", null);
              answers.put(description, r);
              if (r.statusCode() == 201) {
                created.incrementAndGet();
              }
              Thread.sleep(r.statusCode() == 201 ? 5 : 50);
            } catch (IOException | InterruptedException e) {
              broken.add(e);
              return;
            }
          }
        }));
      }
      try {
        awaitTrue("some writes before the outage", () -> created.get() >= 20);
        pg.stop();
        awaitTrue("readiness to fail", () -> get(s, "/readyz").statusCode() == 503);
        assertThat(get(s, "/readyz").body()).contains("store.unavailable");
        assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(s, "/metrics").body()).contains("imprint_store_up 0.0");
        HttpResponse<String> down = post(s, "/v1/tokens", admin, "{\"role\":\"pipeline\"}",
            null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(code(down)).isEqualTo("store.unavailable");
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        awaitTrue("the burst answered against the stopped database", () -> answers.values()
            .stream().filter(r -> code(r).equals("store.unavailable")).count() >= 8);
        pg.restart();
        awaitTrue("readiness to come back", () -> get(s, "/readyz").statusCode() == 200);
        assertThat(post(s, "/v1/tokens", admin, "{\"role\":\"pipeline\"}", null).statusCode())
            .as("writes work again").isEqualTo(201);
        int back = created.get();
        awaitTrue("the burst writing again", () -> created.get() >= back + 8);
      } finally {
        stop.set(true);
      }
      for (Future<?> f : running) {
        f.get(2, TimeUnit.MINUTES);
      }
      clients.shutdown();
      assertThat(broken).as("every request was answered before its deadline").isEmpty();

      Set<String> stored = new HashSet<>(strings(pg.jdbcUrl(),
          "SELECT description FROM api_tokens WHERE description LIKE 'burst %'"));
      Map<String, Integer> byCode = new java.util.TreeMap<>();
      for (Map.Entry<String, HttpResponse<String>> e : answers.entrySet()) {
        HttpResponse<String> r = e.getValue();
        String code = r.statusCode() == 201 ? "201" : code(r);
        byCode.merge(code, 1, Integer::sum);
        switch (code) {
          case "201" -> assertThat(stored).as("acknowledged: " + e.getKey())
              .contains(e.getKey());
          case "store.unavailable", "store.busy" -> assertThat(stored)
              .as("answered with a failure, so it must not be there: " + e.getKey())
              .doesNotContain(e.getKey());
          case "store.outcome_unknown" -> { } // either is honest
          default -> throw new AssertionError("unexpected answer " + r.statusCode() + " "
              + r.body());
        }
      }
      assertThat(answers).hasSize(sent.get());
      assertThat(byCode).as("answers by code: " + byCode).containsKey("store.unavailable")
          .containsKey("201");
      assertThat(strings(pg.jdbcUrl(), "SELECT description FROM api_tokens WHERE description"
          + " LIKE 'burst %'")).as("no write is stored twice").doesNotHaveDuplicates();
    }
  }

  // ---- helpers

  private TestServer start(String jdbc, Path data, Path kek) {
    return TestServer.start(TestServer.config(data, jdbc).withKekFile(kek)
        .withCheckpointInterval(Duration.ZERO).withStore(new StoreSettings(STORE_TIMEOUT, 100)));
  }

  private Path kek() throws IOException {
    Path kek = dir.resolve("kek-" + System.nanoTime());
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Files.writeString(kek, Base64.getEncoder().encodeToString(key));
    Files.setPosixFilePermissions(kek,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return kek;
  }

  static HttpResponse<String> post(TestServer s, String path, String token, String body,
      String idempotencyKey) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path)).timeout(DEADLINE)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(TestServer s, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + path)).timeout(DEADLINE)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String code(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body()).path("code").asText();
    } catch (IOException e) {
      return "unparsable: " + r.body();
    }
  }

  /** Calls to make at once. */
  @FunctionalInterface
  interface Call {
    HttpResponse<String> make(int i) throws Exception;
  }

  static List<HttpResponse<String>> inParallel(int n, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        fs.add(pool.submit(() -> call.make(k)));
      }
      List<HttpResponse<String>> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : fs) {
        out.add(f.get(1, TimeUnit.MINUTES));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + DEADLINE.toSeconds() + " s for " + what);
      }
      Thread.sleep(20);
    }
  }

  static long count(String jdbc, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static List<String> strings(String jdbc, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbc);
        PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
