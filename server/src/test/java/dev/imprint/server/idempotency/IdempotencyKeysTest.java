package dev.imprint.server.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.idempotency.IdempotencyKeys.Answer;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IdempotencyKeysTest {
  static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anAnswerIsKeptForADayThenTheKeyIsFreeAgain(Stores.Kind kind) {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir)) {
      IdempotencyKeys keys = new IdempotencyKeys(db, clock);
      IdempotencyKeys.Key key = IdempotencyKeys.key("0123456789abcdef",
          "a-key-of-sixteen-or-more");
      store(db, keys, key, "first");
      assertThat(keys.find(key)).isPresent();
      assertThat(keys.open(key, keys.find(key).orElseThrow()).body()).isEqualTo("\"first\"");
      assertThatThrownBy(() -> store(db, keys, key, "second"))
          .as("a live record is another request's answer")
          .isInstanceOf(IdempotencyKeys.AlreadyAnswered.class);

      clock.advance(IdempotencyKeys.RETENTION.minusSeconds(1));
      assertThat(keys.find(key)).as("still within the day").isPresent();
      clock.advance(Duration.ofSeconds(1));
      assertThat(keys.find(key)).as("expired").isEmpty();
      store(db, keys, key, "second");
      assertThat(keys.open(key, keys.find(key).orElseThrow()).body()).isEqualTo("\"second\"");
    }
  }

  @Test
  void theSameKeyOfAnotherCallerIsAnotherRecordAndCannotOpenThisOne() {
    String key = "a-key-of-sixteen-or-more";
    IdempotencyKeys.Key mine = IdempotencyKeys.key("0123456789abcdef", key);
    IdempotencyKeys.Key theirs = IdempotencyKeys.key("fedcba9876543210", key);
    assertThat(mine.lookup()).isNotEqualTo(theirs.lookup());
    assertThat(mine.sealingKey()).isNotEqualTo(theirs.sealingKey());
    assertThat(mine.toString()).doesNotContain("a-key-of");
  }

  @Test
  void anAnswerSealedForOneKeyDoesNotOpenWithAnother() {
    try (Database db = Stores.open(Stores.Kind.SQLITE, dir)) {
      IdempotencyKeys keys = new IdempotencyKeys(db, new MovableClock(START));
      IdempotencyKeys.Key key = IdempotencyKeys.key("0123456789abcdef",
          "a-key-of-sixteen-or-more");
      store(db, keys, key, "secret answer");
      IdempotencyKeys.Stored stored = keys.find(key).orElseThrow();
      IdempotencyKeys.Key another = IdempotencyKeys.key("0123456789abcdef",
          "another-key-sixteen+");
      IdempotencyKeys.Key other = new IdempotencyKeys.Key(key.lookup(), another.sealingKey(),
          another.requestKey());
      assertThatThrownBy(() -> keys.open(other, stored)).isInstanceOf(IllegalStateException.class);
    }
  }

  private static void store(Database db, IdempotencyKeys keys, IdempotencyKeys.Key key,
      String value) {
    AtomicReference<Answer> rendered = new AtomicReference<>();
    Database.withRider(keys.rider(key, "hash", r -> Optional.of(Idempotent.answer(201, null, r)),
        rendered::set), () -> db.write(c -> value));
    assertThat(rendered.get().body()).isEqualTo("\"" + value + "\"");
  }
}
