package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sequence numbers stay contiguous when appends share one group-commit transaction. */
class AuditLogTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void appendsOfOneBatchAreNumberedInOrderAndARolledBackUnitLeavesNoGap(Stores.Kind kind)
      throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      AuditLog another = new AuditLog(db, Clock.systemUTC()); // what it remembers is shared
      db.write(c -> audit.append(c, AuditEvent.of("t", "test.before", "s0")));
      CountDownLatch hold = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      Future<Long> blocker = pool.submit(() -> db.write(c -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return audit.append(c, AuditEvent.of("t", "test.blocker", "s1"));
      }));
      Thread.sleep(100);
      List<Future<Long>> units = new ArrayList<>();
      units.add(pool.submit(() -> db.write(c -> another.append(c, AuditEvent.of("t", "test.a",
          "s2")))));
      Thread.sleep(20);
      units.add(pool.submit(() -> db.write(c -> {
        audit.append(c, AuditEvent.of("t", "test.b", "s3"));
        return audit.append(c, AuditEvent.of("t", "test.b", "s4"));
      })));
      Thread.sleep(20);
      units.add(pool.submit(() -> db.write(c -> {
        audit.append(c, AuditEvent.of("t", "test.rolled_back", "x"));
        another.append(c, AuditEvent.of("t", "test.rolled_back", "y"));
        throw new IllegalStateException("refused after appending");
      })));
      Thread.sleep(20);
      units.add(pool.submit(() -> db.write(c -> another.append(c, AuditEvent.of("t", "test.d",
          "s5")))));
      Thread.sleep(100);
      hold.countDown();
      assertThat(blocker.get()).isEqualTo(1);
      assertThat(units.get(0).get()).isEqualTo(2);
      assertThat(units.get(1).get()).as("another log's append in the same transaction counts")
          .isEqualTo(4);
      assertThatThrownBy(() -> units.get(2).get()).cause()
          .isInstanceOf(IllegalStateException.class);
      assertThat(units.get(3).get()).as("numbered after the rolled-back unit, without a gap")
          .isEqualTo(5);
      pool.shutdown();
      db.write(c -> audit.append(c, AuditEvent.of("t", "test.after", "s6")));

      List<JsonNode> entries = AuditActions.entries(db);
      assertThat(entries).extracting(e -> e.get("seq").asLong()).containsExactly(0L, 1L, 2L, 3L,
          4L, 5L, 6L);
      assertThat(entries).extracting(e -> e.get("subject").asText())
          .containsExactly("s0", "s1", "s2", "s3", "s4", "s5", "s6");
      // the store and the in-memory tree agree: every entry verifies
      AuditService service = new AuditService(db, "imprint.local",
          KeyEncryptionKey.resolve(null, null, dir, m -> { }), Clock.systemUTC());
      assertThat(service.size()).isEqualTo(7);
    }
  }
}
