package dev.imprint.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.identity.Identity;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.StoreException;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When a token authenticates, its last use and its identity's last sighting reach the store. */
class TokenUsageTest {
  private static final String SPIFFE = "spiffe://imprint.local/payments/api";
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aBoundTokenThatAuthenticatesSetsItsLastUseAndItsIdentitysLastSightingWithinTheInterval(
      Stores.Kind kind) throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      IdentityService identities = new IdentityService(db, audit, Clock.systemUTC(),
          "imprint.local");
      Identity identity = identities.create(new IdentityService.NewIdentity(SPIFFE, "workload",
          "team-payments", "prod", null, Map.of()), "test");
      try (TokenService tokens = new TokenService(db, audit, Clock.systemUTC(),
          Duration.ofMillis(50))) {
        IssuedToken bound = tokens.create(Role.WORKLOAD, "api", SPIFFE, "test");
        IssuedToken idle = tokens.create(Role.WORKLOAD, "idle", identity.id(), "test");
        IssuedToken unbound = tokens.create(Role.PIPELINE, "ci", "test");
        Instant before = Instant.now().minusMillis(1);
        int writesBefore = (int) db.writeStats().units();

        for (int i = 0; i < 20; i++) {
          assertThat(tokens.authenticate(bound.secret())).isPresent();
        }
        assertThat(tokens.authenticate(unbound.secret())).isPresent();

        Instant used = eventually(() -> stored(db, bound.token().id()));
        assertThat(used).isAfter(before).isBeforeOrEqualTo(Instant.now());
        assertThat(eventually(() -> identities.get(SPIFFE).lastSeenAt())).isEqualTo(used);
        assertThat(eventually(() -> stored(db, unbound.token().id()))).isAfter(before);
        assertThat(tokens.find(idle.token().id()).orElseThrow().lastUsedAt()).isNull();
        assertThat(stored(db, idle.token().id())).isNull();
        assertThat(db.writeStats().units() - writesBefore)
            .as("twenty-one requests are written by a few flushes, not twenty-one writes")
            .isLessThan(21);
        assertThat(AuditActions.actions(db, "")).doesNotContain("token.used");
        assertThat(AuditActions.entries(db)).hasSize(4); // identity and three tokens created
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aFailedFlushNeitherFailsTheRequestNorLosesTheUseAndNeverMovesATimeBack(Stores.Kind kind)
      throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      IdentityService identities = new IdentityService(db, audit, Clock.systemUTC(),
          "imprint.local");
      identities.create(new IdentityService.NewIdentity(SPIFFE, "workload", "team-payments",
          "prod", null, Map.of()), "test");
      // an hour: only this test's explicit flushes write
      try (TokenService tokens = new TokenService(db, audit, Clock.systemUTC(),
          Duration.ofHours(1))) {
        IssuedToken t = tokens.create(Role.WORKLOAD, "api", SPIFFE, "test");
        sql(db, "ALTER TABLE identities RENAME COLUMN last_seen_at TO seen_at");
        assertThat(tokens.authenticate(t.secret())).isPresent();
        assertThatThrownBy(() -> tokens.usage().flush())
            .isInstanceOf(StoreException.class);
        assertThat(storedLastUse(db, t.token().id())).isNull();
        assertThat(tokens.find(t.token().id()).orElseThrow().lastUsedAt())
            .as("the use is still held and shown").isNotNull();

        sql(db, "ALTER TABLE identities RENAME COLUMN seen_at TO last_seen_at");
        assertThat(tokens.usage().flush()).isEqualTo(1);
        Instant used = tokens.find(t.token().id()).orElseThrow().lastUsedAt();
        assertThat(used).isNotNull();
        assertThat(identities.get(SPIFFE).lastSeenAt()).isEqualTo(used);
        assertThat(tokens.usage().flush()).as("nothing left to write").isZero();

        long later = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        sql(db, "UPDATE api_tokens SET last_used_at = " + later);
        sql(db, "UPDATE identities SET last_seen_at = " + later);
        assertThat(tokens.authenticate(t.secret())).isPresent();
        assertThat(tokens.usage().flush()).isEqualTo(1);
        assertThat(tokens.find(t.token().id()).orElseThrow().lastUsedAt().toEpochMilli())
            .isEqualTo(later);
        assertThat(identities.get(SPIFFE).lastSeenAt().toEpochMilli()).isEqualTo(later);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void closingWritesWhatIsStillHeldInMemory(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      TokenService tokens = new TokenService(db, audit, Clock.systemUTC(), Duration.ofHours(1));
      IssuedToken t = tokens.create(Role.AUDITOR, "export", "test");
      assertThat(tokens.authenticate(t.secret())).isPresent();
      assertThat(storedLastUse(db, t.token().id())).isNull();
      tokens.close();
      assertThat(storedLastUse(db, t.token().id())).isNotNull();
    }
  }

  private static Instant stored(Database db, String id) {
    Long at = storedLastUse(db, id);
    return at == null ? null : Instant.ofEpochMilli(at);
  }

  /** What the store holds, not what the service shows (which adds uses not yet written). */
  static Long storedLastUse(Database db, String id) {
    return db.read(c -> {
      try (var ps = c.prepareStatement("SELECT last_used_at FROM api_tokens WHERE id = ?")) {
        ps.setString(1, id);
        try (var rs = ps.executeQuery()) {
          rs.next();
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        }
      }
    });
  }

  private static void sql(Database db, String statement) {
    db.write(c -> {
      try (var st = c.createStatement()) {
        st.executeUpdate(statement);
      }
      return null;
    });
  }

  private static <T> T eventually(Supplier<T> read) throws InterruptedException {
    // generous for a loaded machine: the bound only ends a wait for a flush that never comes
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T value = read.get();
    while (value == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
      value = read.get();
    }
    assertThat(value).as("set within 30 s by a 50 ms flush").isNotNull();
    return value;
  }
}
