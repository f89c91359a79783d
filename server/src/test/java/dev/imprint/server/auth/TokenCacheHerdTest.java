package dev.imprint.server.auth;

import static dev.imprint.server.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.ReadWaiters;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TableLock;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many connections presenting one token (the bench's 64) cost the store one read per token, not
 * one per connection, when the remembered token ages out: on PostgreSQL with {@code api_tokens}
 * locked by another transaction, so that a request that reads waits where the test can count it,
 * and on the service's clock, which the test moves. (The cache's rules, a change during a read
 * included: StateCacheTest.)
 */
class TokenCacheHerdTest {
  @TempDir Path dir;
  private final MovableClock clock = new MovableClock();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private ExecutorService requests;
  private Database db;
  private TokenService tokens;
  private IssuedToken token;

  @BeforeEach
  void remembered() throws Exception {
    requests = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "request-" + threads.size());
      threads.add(t);
      return t;
    });
    db = Stores.open(Stores.Kind.POSTGRESQL, dir);
    tokens = new TokenService(db, new AuditLog(db, clock), clock, Duration.ofHours(1));
    await(tokens.changes()::cacheable); // once the listener is connected
    token = tokens.create(Role.PIPELINE, "ci", "test");
    assertThat(tokens.authenticate(token.secret())).isPresent();
  }

  @AfterEach
  void close() {
    requests.shutdownNow();
    tokens.close();
    db.close();
  }

  /**
   * The first request for the expired token waits in the store; the 15 arriving meanwhile must
   * wait for its read, not start their own (the herd of reads every 2 s before).
   */
  @Test
  void concurrentRequestsWithAnExpiredTokenReadTheStoreOnce() throws Exception {
    clock.advance(TokenService.VERIFIED_TTL);
    long before = tokens.lookUps();
    List<Future<Optional<Caller>>> answers = new ArrayList<>();
    try (TableLock lock = TableLock.take(db, "api_tokens");
        Connection observer = db.dataSource().getConnection()) {
      answers.addAll(authenticate(16));
      await(() -> ReadWaiters.lockWaiters(observer, "api_tokens")
          + ReadWaiters.parked(threads) >= 16);
    }
    for (Future<Optional<Caller>> a : answers) {
      assertThat(a.get(30, TimeUnit.SECONDS)).isPresent();
    }
    assertThat(tokens.lookUps() - before).as("reads of the expired token").isEqualTo(1);
  }

  /**
   * Past half its time to live the remembered token keeps answering while one background read
   * confirms it (held up by the lock); requests that come once its time to live is over wait for
   * that read rather than read themselves, and what it read is remembered.
   */
  @Test
  void pastHalfItsLifeARememberedTokenAnswersWhileOneReadConfirmsIt() throws Exception {
    long before = tokens.lookUps();
    clock.advance(TokenService.VERIFIED_TTL.multipliedBy(6).dividedBy(10));
    List<Future<Optional<Caller>>> late;
    try (TableLock lock = TableLock.take(db, "api_tokens");
        Connection observer = db.dataSource().getConnection()) {
      Future<List<Optional<Caller>>> early = requests.submit(() -> {
        List<Optional<Caller>> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          out.add(tokens.authenticate(token.secret()));
        }
        return out;
      });
      // answered while the store is locked: from memory
      assertThat(early.get(30, TimeUnit.SECONDS)).hasSize(16).allMatch(Optional::isPresent);
      await(() -> ReadWaiters.lockWaiters(observer, "api_tokens") == 1); // the background read
      clock.advance(TokenService.VERIFIED_TTL.multipliedBy(45).dividedBy(100));
      late = authenticate(4);
      await(() -> ReadWaiters.parked(threads) >= 4);
    }
    for (Future<Optional<Caller>> a : late) {
      assertThat(a.get(30, TimeUnit.SECONDS)).isPresent();
    }
    assertThat(tokens.authenticate(token.secret())).as("remembered from that read").isPresent();
    assertThat(tokens.lookUps() - before).as("reads for 21 requests").isEqualTo(1);
  }

  private List<Future<Optional<Caller>>> authenticate(int n) {
    List<Future<Optional<Caller>>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(requests.submit(() -> tokens.authenticate(token.secret())));
    }
    return out;
  }
}
