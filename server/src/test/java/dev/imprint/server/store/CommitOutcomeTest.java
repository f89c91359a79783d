package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.testing.FaultyLink;
import dev.imprint.server.testing.RestartablePostgres;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection to PostgreSQL breaks during a commit, for real (a proxy cuts it right after
 * passing the COMMIT on, or instead of passing it on): the server finds out whether the commit
 * landed before it answers, and says {@code store.outcome_unknown} only when the store cannot
 * tell it in time, after which an idempotent retry gets the original answer.
 */
class CommitOutcomeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aCommitThatLandedButWhoseAnswerWasLostIsAnsweredAsTheSuccessItIs() throws Exception {
    try (FaultyLink link = link(); TestServer s = start(link)) {
      link.arm(FaultyLink.CommitFault.LOSE_ANSWER);
      HttpResponse<String> r = StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"pipeline\",\"description\":\"landed\"}", null);
      assertThat(link.fired()).isTrue();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      assertThat(tokens(s, "landed")).isEqualTo(1);
    }
  }

  @Test
  void aCommitThatNeverReachedTheStoreIsAnsweredUnavailableAndNothingIsStored()
      throws Exception {
    try (FaultyLink link = link(); TestServer s = start(link)) {
      link.arm(FaultyLink.CommitFault.LOSE_COMMIT);
      HttpResponse<String> r = StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"pipeline\",\"description\":\"lost\"}", null);
      assertThat(link.fired()).isTrue();
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(StoreFaultsTest.code(r)).isEqualTo("store.unavailable");
      StoreFaultsTest.awaitTrue("ready", () -> StoreFaultsTest.get(s, "/readyz")
          .statusCode() == 200);
      assertThat(tokens(s, "lost")).isZero();
    }
  }

  @Test
  void aRequestWhoseWriteCommittedIsNeverToldThatNothingWasWritten() throws Exception {
    ExecutorService requestThread = Executors.newSingleThreadExecutor();
    try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"));
        Database db = Database.open(pg.jdbcUrl(), dir.resolve("data"),
            new StoreSettings(Duration.ofSeconds(1), 10))) {
      // a request writes, the store goes away, and the request then reads its change back
      Future<Integer> request = requestThread.submit(() -> {
        Database.servingRequests();
        db.write(c -> {
          try (Statement st = c.createStatement()) {
            return st.executeUpdate("UPDATE api_tokens SET description = description");
          }
        });
        pg.stop();
        return db.read(CommitOutcomeTest::selectOne);
      });
      assertThatThrownBy(request::get).cause().isInstanceOf(StoreException.class)
          .extracting(e -> ((StoreException) e).code()).isEqualTo("store.outcome_unknown");
      // the next request on the same thread wrote nothing: it hears that
      Future<Integer> next = requestThread.submit(() -> {
        Database.servingRequests();
        return db.read(CommitOutcomeTest::selectOne);
      });
      assertThatThrownBy(next::get).cause().isInstanceOf(StoreException.class)
          .extracting(e -> ((StoreException) e).code()).isEqualTo("store.unavailable");
    } finally {
      requestThread.shutdownNow();
    }
  }

  /** A read that reaches the store (a pooled connection alone may not). */
  private static int selectOne(java.sql.Connection c) throws java.sql.SQLException {
    try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void anIdempotentRetryAfterAnUnknownOutcomeGetsTheOriginalAnswerAndOneToken()
      throws Exception {
    try (FaultyLink link = link(); TestServer s = start(link)) {
      String key = UUID.randomUUID().toString();
      String body = "{\"role\":\"admin\",\"description\":\"unknown outcome\"}";
      // the commit lands, its answer is lost, and the store cannot be asked in time
      link.arm(FaultyLink.CommitFault.LOSE_ANSWER);
      link.refuseNewConnections(true);
      HttpResponse<String> unknown = StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(), body,
          key);
      assertThat(link.fired()).isTrue();
      assertThat(unknown.statusCode()).isEqualTo(503);
      assertThat(StoreFaultsTest.code(unknown)).isEqualTo("store.outcome_unknown");
      assertThat(unknown.headers().firstValue("Retry-After")).isPresent();
      link.refuseNewConnections(false);
      StoreFaultsTest.awaitTrue("ready", () -> StoreFaultsTest.get(s, "/readyz")
          .statusCode() == 200);

      HttpResponse<String> retry = StoreFaultsTest.post(s, "/v1/tokens", s.adminToken(), body,
          key);
      assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
      assertThat(retry.headers().firstValue(Idempotent.REPLAYED))
          .as("the first attempt had landed: its answer, not a second token").hasValue("true");
      JsonNode original = JSON.readTree(retry.body());
      assertThat(tokens(s, "unknown outcome")).isEqualTo(1);
      String storedId = s.server().database().read(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery(
            "SELECT id FROM api_tokens WHERE description = 'unknown outcome'")) {
          rs.next();
          return rs.getString(1);
        }
      });
      assertThat(original.get("id").asText()).isEqualTo(storedId);
      HttpResponse<String> withIt = IdempotencyCalls.get(s, "/v1/tokens/" + storedId,
          original.get("token").asText());
      assertThat(withIt.statusCode()).as("the secret in the original answer is the token's")
          .isEqualTo(200);
    }
  }

  private static FaultyLink link() throws Exception {
    return FaultyLink.to("localhost", Stores.postgres().getPort());
  }

  private TestServer start(FaultyLink link) {
    // prepareThreshold=0: the driver sends every statement's text, COMMIT included, so the
    // proxy can tell a commit on the wire (it would otherwise become a named statement)
    String jdbc = link.route(Stores.jdbcUrl(Stores.Kind.POSTGRESQL)) + "&prepareThreshold=0";
    return TestServer.start(TestServer.config(dir, jdbc).withCheckpointInterval(Duration.ZERO)
        .withStore(new StoreSettings(Duration.ofSeconds(1), 100)));
  }

  private static long tokens(TestServer s, String description) {
    return s.server().database().read(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM api_tokens WHERE description = ?")) {
        ps.setString(1, description);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** A GET with a bearer token. */
  static final class IdempotencyCalls {
    static HttpResponse<String> get(TestServer s, String path, String token) throws Exception {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(s.url() + path)).timeout(Duration.ofSeconds(20))
          .header("Authorization", "Bearer " + token).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
