package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.store.BatchSizes;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.GroupCommit;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.HeldWriter;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
      AuditLog another = new AuditLog(db, Clock.systemUTC()); // its entries are numbered with ours
      append(db, audit, "test.before", "s0");
      GroupCommit.Stats before;
      BatchSizes sizesBefore;
      List<Future<?>> units = new ArrayList<>();
      // the writer waits in the held unit while the next four queue up behind it, one by one
      try (HeldWriter writer = HeldWriter.hold(db, c -> {
        audit.append(c, AuditEvent.of("t", "test.blocker", "s1"));
        return null;
      })) {
        units.add(writer.queue(c -> {
          another.append(c, AuditEvent.of("t", "test.a", "s2"));
          return null;
        }));
        units.add(writer.queue(c -> {
          audit.append(c, AuditEvent.of("t", "test.b", "s3"));
          another.append(c, AuditEvent.of("t", "test.b", "s4"));
          return null;
        }));
        units.add(writer.queue(c -> {
          audit.append(c, AuditEvent.of("t", "test.rolled_back", "x"));
          another.append(c, AuditEvent.of("t", "test.rolled_back", "y"));
          throw new IllegalStateException("refused after appending");
        }));
        units.add(writer.queue(c -> {
          another.append(c, AuditEvent.of("t", "test.d", "s5"));
          return null;
        }));
        before = db.writeStats();
        sizesBefore = db.writeBatchSizes();
        writer.release();
      }
      units.get(0).get();
      units.get(1).get();
      assertThatThrownBy(() -> units.get(2).get()).cause()
          .isInstanceOf(IllegalStateException.class);
      units.get(3).get();
      GroupCommit.Stats after = db.writeStats();
      assertThat(after.commits() - before.commits())
          .as("the blocker's commit, then one commit for the four queued units").isEqualTo(2);
      assertThat(after.units() - before.units()).as("the blocker, a, b and d committed")
          .isEqualTo(4);
      assertThat(after.rolledBack() - before.rolledBack())
          .as("the refused unit was rolled back to its savepoint inside the shared commit")
          .isEqualTo(1);
      BatchSizes sizes = db.writeBatchSizes().since(sizesBefore);
      assertThat(sizes.counts()[1]).as("the blocker's commit").isEqualTo(1);
      assertThat(sizes.counts()[4]).as("the four queued units' commit").isEqualTo(1);
      // on PostgreSQL the batch ran first without savepoints, a and b buffering their entries,
      // then, the refused unit having failed, again with them: nothing of the first run stays
      assertThat(after.reruns() - before.reruns())
          .isEqualTo(kind == Stores.Kind.POSTGRESQL ? 1 : 0);
      append(db, audit, "test.after", "s6");

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

  private static Void append(Database db, AuditLog log, String action, String subject) {
    return db.write(c -> {
      log.append(c, AuditEvent.of("t", action, subject));
      return null;
    });
  }
}
