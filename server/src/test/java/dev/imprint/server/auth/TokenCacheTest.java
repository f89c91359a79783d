package dev.imprint.server.auth;

import static dev.imprint.server.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token that authenticated is remembered by its hash for a short time: a revocation on this
 * server applies to the very next request, one on another replica within the time to live, and
 * nothing that failed is remembered. (Identities disabled, enabled and offboarded over HTTP:
 * TokenBindingTest, whose tokens are remembered when their identity changes. No herd of reads
 * when a busy token ages out: TokenCacheHerdTest.)
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
