package dev.imprint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.Together;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scheduled rotation with overlap (SPIRE's pattern), on both stores and across two replicas. */
class KeyRotationTest {
  static final Duration L = Duration.ofHours(24);
  static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);
  static final Instant START = Instant.parse("2026-12-05T00:00:00Z");
  @TempDir Path dir;

  KeyRing ring(Database db, Clock clock) {
    return new KeyRing(db, new AuditLog(db, clock), KeyEncryptionKey.resolve(null, KEK, dir,
        s -> { }), clock, "imprint.local", L, true);
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aKeyIsPreparedAtHalfItsPredecessorsLifeActiveAtTwoThirdsAndPublishedUntilItExpires(
      Stores.Kind kind) {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir)) {
      KeyRing ring = ring(db, clock);
      ring.rotateIfDue();
      SigningKey first = ring.active(KeyPurpose.JWT_ES256);
      assertThat(ring.published(KeyPurpose.JWT_ES256)).containsExactly(first);
      assertThat(ring.active(KeyPurpose.JWT_RS256)).isNotNull();
      assertThat(ring.active(KeyPurpose.X509_CA).issuing()).isNotNull();
      long seq = ring.sequence();

      clock.advance(L.dividedBy(2).minusMinutes(1));
      ring.rotateIfDue();
      assertThat(ring.published(KeyPurpose.JWT_ES256)).as("not yet half").hasSize(1);

      clock.advance(Duration.ofMinutes(1));
      ring.rotateIfDue();
      List<SigningKey> published = ring.published(KeyPurpose.JWT_ES256);
      assertThat(published).hasSize(2);
      SigningKey next = published.get(1);
      assertThat(ring.active(KeyPurpose.JWT_ES256)).as("prepared, not signing").isEqualTo(first);
      assertThat(next.activatesAt()).isEqualTo(first.createdAt().plus(L.multipliedBy(2)
          .dividedBy(3)));
      assertThat(ring.sequence()).isGreaterThan(seq);

      clock.set(next.activatesAt().minusSeconds(1));
      assertThat(ring.active(KeyPurpose.JWT_ES256)).isEqualTo(first);
      clock.set(next.activatesAt());
      assertThat(ring.active(KeyPurpose.JWT_ES256)).isEqualTo(next);
      assertThat(ring.published(KeyPurpose.JWT_ES256)).as("the old key is still published")
          .contains(first, next);

      clock.set(first.notAfter());
      ring.rotateIfDue();
      assertThat(ring.published(KeyPurpose.JWT_ES256)).doesNotContain(first).contains(next);

      List<JsonNode> rotations = AuditActions.entries(db).stream()
          .filter(e -> e.get("action").asText().equals("keys.rotated")).toList();
      assertThat(rotations).as("successors prepared at 12 h and at 24 h (when the second keys"
          + " were half their life old); the first keys are no rotation").hasSize(6);
      assertThat(rotations).anySatisfy(e -> {
        assertThat(e.get("subject").asText()).isEqualTo("key:" + next.kid());
        assertThat(e.at("/details/previousKid").asText()).isEqualTo(first.kid());
        assertThat(e.at("/details/trigger").asText()).isEqualTo("scheduled");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aKeyReplacingOneThatLapsedWhileEveryServerWasDownIsAuditedAsARotation(Stores.Kind kind) {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir)) {
      KeyRing ring = ring(db, clock);
      ring.rotateIfDue();
      SigningKey first = ring.active(KeyPurpose.JWT_ES256);
      assertThat(AuditActions.entries(db)).as("a trust domain's first keys are no rotation")
          .noneMatch(e -> e.get("action").asText().equals("keys.rotated"));

      clock.advance(L.plusHours(1)); // no server ran from L/2 to L: no successor was prepared
      ring.rotateIfDue();
      SigningKey next = ring.active(KeyPurpose.JWT_ES256);
      assertThat(next).isNotEqualTo(first);
      assertThat(AuditActions.entries(db)).filteredOn(e -> e.get("action").asText()
          .equals("keys.rotated") && e.get("subject").asText().equals("key:" + next.kid()))
          .singleElement().satisfies(e -> {
            assertThat(e.at("/details/previousKid").asText()).isEqualTo(first.kid());
            assertThat(e.at("/details/trigger").asText()).isEqualTo("no active key");
          });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aKeysRowIsDeletedALifetimeAfterItExpiredItsAuditEntriesStayAndTheSequenceOnlyGrows(
      Stores.Kind kind) {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir)) {
      KeyRing ring = ring(db, clock);
      ring.rotateIfDue();
      SigningKey first = ring.active(KeyPurpose.JWT_ES256);
      long sequence = ring.sequence();
      for (int hour = 1; hour <= 72; hour++) { // three lifetimes, as the ring's ticks walk them
        clock.advance(Duration.ofHours(1));
        ring.rotateIfDue();
        assertThat(ring.sequence()).as("at hour " + hour).isGreaterThanOrEqualTo(sequence);
        sequence = ring.sequence();
        boolean kept = clock.instant().isBefore(first.notAfter().plus(L));
        assertThat(ring.all()).as("at hour " + hour).extracting(SigningKey::kid)
            .matches(kids -> kids.contains(first.kid()) == kept);
      }
      assertThat(stored(db)).as("the keys of the last lifetime and a half, not all 72 hours'")
          .isLessThanOrEqualTo(4 * 3 + 1);
      List<JsonNode> audit = AuditActions.entries(db);
      assertThat(audit).filteredOn(e -> e.get("action").asText().equals("keys.deleted")
          && e.get("subject").asText().equals("key:" + first.kid())).singleElement()
          .satisfies(e -> assertThat(e.get("actor").asText()).isEqualTo("system:key-retention"));
      assertThat(audit).as("the rotation away from it is still on record").anyMatch(e -> e.get(
          "action").asText().equals("keys.rotated")
          && e.at("/details/previousKid").asText().equals(first.kid()));
    }
  }

  private static int stored(Database db) {
    return db.read(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM signing_keys");
          var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  @Test
  void twoReplicasOnOnePostgresqlRotateOnceAndEachPublishesAKeyBeforeAnySignsWithIt() {
    MovableClock clock = new MovableClock(START);
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    try (Database a = Database.open(url, dir.resolve("a"));
        Database b = Database.open(url, dir.resolve("b"))) {
      List<KeyRing> rings = List.of(ring(a, clock), ring(b, clock));
      Together.run(2, i -> {
        rings.get(i).rotateIfDue();
        return null;
      });
      assertThat(rings.get(0).all()).hasSize(3).isEqualTo(rings.get(1).all());
      clock.advance(L.dividedBy(2));
      Together.run(2, i -> {
        rings.get(i).rotateIfDue();
        return null;
      });
      List<SigningKey> inA = rings.get(0).published(KeyPurpose.JWT_ES256);
      assertThat(inA).as("one successor, not two").hasSize(2);
      SigningKey next = inA.get(1);
      assertThat(Duration.between(next.createdAt(), next.activatesAt()))
          .isGreaterThanOrEqualTo(KeyRing.PROPAGATION);
      clock.set(next.activatesAt());
      assertThat(rings.get(0).active(KeyPurpose.JWT_ES256)).isEqualTo(next);
      assertThat(rings.get(1).published(next.kid())).as("B publishes what A signs with")
          .isPresent();
      assertThat(rings.get(1).active(KeyPurpose.JWT_ES256)).isEqualTo(next);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anOperatorRotationActivatesThePreparedKeyEarlyButNeverBeforeEveryReplicaPublishesIt(
      Stores.Kind kind) {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir)) {
      KeyRing ring = ring(db, clock);
      ring.rotateIfDue();
      SigningKey first = ring.active(KeyPurpose.JWT_ES256);
      assertThatThrownBy(() -> ring.rotate(Duration.ofSeconds(5), "token:x"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 20s");
      assertThat(ring.maxActivation()).as("a sixth of 24h, plus 20s")
          .isEqualTo(Duration.ofHours(4).plusSeconds(20));
      assertThatThrownBy(() -> ring.rotate(Duration.ofDays(365), "token:x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("from 20s to 4h20s").hasMessageContaining("got 8760h");
      assertThatThrownBy(() -> ring.rotate(ring.maxActivation().plusSeconds(1), "token:x"))
          .isInstanceOf(IllegalArgumentException.class);
      List<KeyRing.Rotation> done = ring.rotate(Duration.ofMinutes(5), "token:op");
      assertThat(done).extracting(KeyRing.Rotation::purpose).containsExactlyInAnyOrder(
          KeyPurpose.JWT_ES256, KeyPurpose.JWT_RS256, KeyPurpose.X509_CA);
      KeyRing.Rotation es = done.stream().filter(r -> r.purpose() == KeyPurpose.JWT_ES256)
          .findFirst().orElseThrow();
      assertThat(es.previousKid()).isEqualTo(first.kid());
      assertThat(es.activatesAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
      clock.advance(Duration.ofMinutes(5));
      assertThat(ring.active(KeyPurpose.JWT_ES256).kid()).isEqualTo(es.kid());
      assertThat(ring.published(first.kid())).as("still published").isPresent();
      assertThat(AuditActions.entries(db)).filteredOn(e -> e.get("action").asText()
          .equals("keys.rotated") && e.get("actor").asText().equals("token:op")).hasSize(3);
    }
  }
}
