package dev.imprint.server.auth;

import static dev.imprint.server.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TableLock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token that authenticated is remembered by its hash for a short time: a revocation on this
 * server applies to the very next request, one on another replica within the time to live, and
 * nothing that failed is remembered; a busy token is confirmed again by one read in the
 * background, and requests that find it expired share one read. (Identities disabled, enabled
 * and offboarded over HTTP: TokenBindingTest, whose tokens are remembered when their identity
 * changes. The cache's own rules, a change during a read included: StateCacheTest.)
 */
class TokenCacheTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRememberedTokenIsRefusedOnTheNextRequestOnceRevokedHere(Stores.Kind kind)
      throws Exception {
    try (Database db = Stores.open(kind, dir);
        TokenService tokens = tokens(db)) {
      await(tokens.changes()::cacheable); // PostgreSQL: once the listener is connected
      IssuedToken admin = tokens.create(Role.ADMIN, "admin", "test");
      IssuedToken t = tokens.create(Role.PIPELINE, "ci", "test");
      assertThat(tokens.authenticate(t.secret())).isPresent();
      assertThat(tokens.remembered()).isEqualTo(1);
      // the store no longer knows the token: only the remembered caller can answer
      sql(db, "UPDATE api_tokens SET secret_hash = 'x' WHERE id = '" + t.token().id() + "'");
      assertThat(tokens.authenticate(t.secret())).as("remembered").isPresent();
      sql(db, "UPDATE api_tokens SET secret_hash = '" + TokenService.hash(t.secret())
          + "' WHERE id = '" + t.token().id() + "'");

      assertThat(tokens.revoke(t.token().id(), "token:" + admin.token().id())).isTrue();

      assertThat(tokens.authenticate(t.secret())).isEmpty();
      assertThat(tokens.remembered()).isZero();
      assertThat(tokens.authenticate(admin.secret())).isPresent();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRevocationOnAnotherReplicaReachesThisOneWithinTheTimeToLive(Stores.Kind kind)
      throws Exception {
    MovableClock clock = new MovableClock();
    try (Database db = Stores.open(kind, dir);
        TokenService here = tokens(db, clock);
        TokenService there = tokens(db, clock)) {
      here.create(Role.ADMIN, "admin", "test");
      IssuedToken t = here.create(Role.PIPELINE, "ci", "test");
      assertThat(here.authenticate(t.secret())).isPresent();

      assertThat(there.revoke(t.token().id(), "test")).isTrue();
      assertThat(there.authenticate(t.secret())).isEmpty();
      // the staleness the cache allows between replicas (SQLite has no notification; on
      // PostgreSQL this service's listener may not have heard of it yet), and no more
      clock.advance(TokenService.VERIFIED_TTL);
      assertThat(here.authenticate(t.secret())).isEmpty();
    }
  }

  /**
   * Replicas of one PostgreSQL: a revocation on one reaches the other through the store's
   * notification of the change (the one every cache of state follows), which forgets what it
   * remembered, so the revoked token is refused there from the notification on, not only after
   * the time to live.
   */
  @Test
  void aRevocationOnAnotherReplicaIsForgottenHereWhenItsNotificationArrives() throws Exception {
    try (Database db = Stores.open(Stores.Kind.POSTGRESQL, dir);
        TokenService here = tokens(db);
        TokenService there = tokens(db)) {
      await(() -> here.changes().cacheable() && there.changes().cacheable());
      here.create(Role.ADMIN, "admin", "test");
      IssuedToken t = here.create(Role.PIPELINE, "ci", "test");
      assertThat(here.authenticate(t.secret())).isPresent();
      assertThat(here.remembered()).isEqualTo(1);
      long epoch = here.changes().epoch();

      assertThat(there.revoke(t.token().id(), "test")).isTrue();

      await(() -> here.changes().epoch() != epoch);
      assertThat(here.remembered()).as("forgotten on the notification").isZero();
      assertThat(here.authenticate(t.secret())).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aWrongSecretAnUnknownIdAndAChangeInFlightAreNeverRemembered(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir);
        TokenService tokens = tokens(db)) {
      IssuedToken t = tokens.create(Role.PIPELINE, "ci", "test");
      String wrong = t.secret().substring(0, t.secret().length() - 1)
          + (t.secret().endsWith("A") ? "B" : "A");
      assertThat(tokens.authenticate(wrong)).isEmpty();
      assertThat(tokens.authenticate("imp_0123456789abcdef_" + "A".repeat(43))).isEmpty();
      assertThat(tokens.remembered()).isZero();

      // a change whose transaction has not been decided yet: answered from the store, but not
      // remembered, so the change cannot be missed once it commits
      db.write(c -> {
        tokens.changes().changed(c);
        assertThat(tokens.authenticate(t.secret())).isPresent();
        assertThat(tokens.remembered()).isZero();
        return null;
      });
    }
  }

  /**
   * With {@code api_tokens} locked by another transaction, the first request for the expired
   * token waits in the store; the 15 arriving meanwhile must wait for its read, not start their
   * own (the herd of 64 reads the bench's 64 connections of one token caused every 2 s).
   */
  @Test
  void concurrentRequestsWithAnExpiredTokenReadTheStoreOnce() throws Exception {
    MovableClock clock = new MovableClock();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ExecutorService requests = pool(threads);
    try (Database db = Stores.open(Stores.Kind.POSTGRESQL, dir);
        TokenService tokens = tokens(db, clock)) {
      await(tokens.changes()::cacheable);
      IssuedToken t = tokens.create(Role.PIPELINE, "ci", "test");
      assertThat(tokens.authenticate(t.secret())).isPresent();
      clock.advance(TokenService.VERIFIED_TTL);
      long before = tokens.lookUps();
      List<Future<Optional<Caller>>> answers = new ArrayList<>();
      try (TableLock lock = TableLock.take(db, "api_tokens");
          Connection observer = db.dataSource().getConnection()) {
        for (int i = 0; i < 16; i++) {
          answers.add(requests.submit(() -> tokens.authenticate(t.secret())));
        }
        await(() -> lockWaiters(observer) + waitingForARead(threads) >= 16);
      }
      for (Future<Optional<Caller>> a : answers) {
        assertThat(a.get(30, TimeUnit.SECONDS)).isPresent();
      }
      assertThat(tokens.lookUps() - before).as("reads of the expired token").isEqualTo(1);
    } finally {
      requests.shutdownNow();
    }
  }

  /**
   * Past half its time to live a remembered token keeps answering, with {@code api_tokens}
   * locked, while one background read confirms it; requests that come once its time to live is
   * over wait for that read rather than read themselves, and what it read is remembered.
   */
  @Test
  void pastHalfItsLifeARememberedTokenAnswersWhileOneReadConfirmsIt() throws Exception {
    MovableClock clock = new MovableClock();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ExecutorService requests = pool(threads);
    try (Database db = Stores.open(Stores.Kind.POSTGRESQL, dir);
        TokenService tokens = tokens(db, clock)) {
      await(tokens.changes()::cacheable);
      IssuedToken t = tokens.create(Role.PIPELINE, "ci", "test");
      assertThat(tokens.authenticate(t.secret())).isPresent();
      long before = tokens.lookUps();
      clock.advance(TokenService.VERIFIED_TTL.multipliedBy(6).dividedBy(10));
      List<Future<Optional<Caller>>> late = new ArrayList<>();
      try (TableLock lock = TableLock.take(db, "api_tokens");
          Connection observer = db.dataSource().getConnection()) {
        Future<List<Optional<Caller>>> early = requests.submit(() -> {
          List<Optional<Caller>> out = new ArrayList<>();
          for (int i = 0; i < 16; i++) {
            out.add(tokens.authenticate(t.secret()));
          }
          return out;
        });
        // answered while the store is locked: from memory
        assertThat(early.get(30, TimeUnit.SECONDS)).hasSize(16).allMatch(Optional::isPresent);
        await(() -> lockWaiters(observer) == 1); // the one background read
        clock.advance(TokenService.VERIFIED_TTL.multipliedBy(45).dividedBy(100));
        for (int i = 0; i < 4; i++) {
          late.add(requests.submit(() -> tokens.authenticate(t.secret())));
        }
        await(() -> waitingForARead(threads) >= 4);
      }
      for (Future<Optional<Caller>> a : late) {
        assertThat(a.get(30, TimeUnit.SECONDS)).isPresent();
      }
      assertThat(tokens.authenticate(t.secret())).as("remembered from that read").isPresent();
      assertThat(tokens.lookUps() - before).as("reads for 21 requests").isEqualTo(1);
    } finally {
      requests.shutdownNow();
    }
  }

  private static ExecutorService pool(List<Thread> threads) {
    return Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "request-" + threads.size());
      threads.add(t);
      return t;
    });
  }

  /** Requests parked on another's read of the token (a future), or on the connection pool. */
  private static long waitingForARead(List<Thread> threads) {
    return threads.stream().filter(t -> t.getState() != Thread.State.RUNNABLE
        && Arrays.stream(t.getStackTrace()).map(StackTraceElement::getClassName)
            .anyMatch(c -> c.equals(java.util.concurrent.CompletableFuture.class.getName())
                || c.startsWith("com.zaxxer.hikari."))).count();
  }

  private static long lockWaiters(Connection c) {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*)"
        + " FROM pg_locks WHERE NOT granted AND relation = 'api_tokens'::regclass")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenService tokens(Database db) {
    return tokens(db, Clock.systemUTC());
  }

  private static TokenService tokens(Database db, Clock clock) {
    return new TokenService(db, new AuditLog(db, clock), clock, Duration.ofHours(1));
  }

  private static void sql(Database db, String sql) {
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.executeUpdate();
      }
      return null;
    });
  }
}
