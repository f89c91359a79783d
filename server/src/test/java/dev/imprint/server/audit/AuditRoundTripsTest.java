package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.store.BatchSizes;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.HeldWriter;
import dev.imprint.server.testing.RoundTrips;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a group commit of audit appends costs PostgreSQL in round trips, counted on the wire by
 * a proxy: the transaction's id in one; the lock, the numbering, the insert of the whole batch
 * and the commit in the other, so that the writers' lock is held across no round trip, whoever
 * appended last.
 */
class AuditRoundTripsTest {
  @TempDir Path dir;

  @Test
  void aBatchOfAppendsCostsOneRoundTripAndTheCommit() throws Exception {
    try (RoundTrips wire = RoundTrips.to("localhost", Stores.postgres().getPort());
        Database db = Database.open(textual(wire), dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      append(db, audit, "s0");
      int from = wire.ended();
      BatchSizes before = db.writeBatchSizes();
      List<Future<?>> queued = new ArrayList<>();
      // the writer waits in the held unit while five more queue up behind it: one batch of five
      try (HeldWriter writer = HeldWriter.hold(db, c -> appended(c, audit, "s1"))) {
        for (int i = 0; i < 5; i++) {
          String subject = "s" + (i + 2);
          queued.add(writer.queue(c -> appended(c, audit, subject)));
        }
        writer.release();
      }
      for (Future<?> f : queued) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(db.writeBatchSizes().since(before).counts()).satisfies(c -> {
        assertThat(c[1]).as("the blocker's commit").isEqualTo(1);
        assertThat(c[5]).as("the five queued units' commit").isEqualTo(1);
      });
      assertThat(wire.since(from)).as("round trips of each transaction: the transaction's id;"
          + " the lock, the numbering, the insert and the commit").containsExactly(2, 2);
      assertThat(wire.lockHeldSince(from)).as("round trips after the one that took the lock")
          .containsExactly(0, 0);
      assertThat(AuditActions.entries(db)).extracting(e -> e.get("subject").asText())
          .containsExactly("s0", "s1", "s2", "s3", "s4", "s5", "s6");
      assertVerifies(db, 7);
    }
  }

  @Test
  void twoReplicasTakingTurnsNumberAfterEachOtherInTheSameRoundTrips() throws Exception {
    try (RoundTrips wire = RoundTrips.to("localhost", Stores.postgres().getPort())) {
      String url = textual(wire); // one database, two replicas
      try (Database a = Database.open(url, dir.resolve("a"));
          Database b = Database.open(url, dir.resolve("b"))) {
        takeTurns(wire, a, b);
      }
    }
  }

  private void takeTurns(RoundTrips wire, Database a, Database b) throws Exception {
    AuditLog logA = new AuditLog(a, Clock.systemUTC());
    AuditLog logB = new AuditLog(b, Clock.systemUTC());
    append(a, logA, "a0");
    int from = wire.ended();
    append(a, logA, "a1");
    append(b, logB, "b2"); // b has not seen a's entries: the statement numbers after them
    append(b, logB, "b3");
    append(a, logA, "a4"); // and after b's
    assertThat(wire.since(from)).containsExactly(2, 2, 2, 2);
    assertThat(wire.lockHeldSince(from)).containsExactly(0, 0, 0, 0);
    List<JsonNode> entries = AuditActions.entries(a);
    assertThat(entries).extracting(e -> e.get("seq").asLong()).containsExactly(0L, 1L, 2L, 3L,
        4L);
    assertThat(entries).extracting(e -> e.get("subject").asText())
        .containsExactly("a0", "a1", "b2", "b3", "a4");
    assertVerifies(b, 5);
  }

  @Test
  void aUnitThatTakesTheWritersLockNotesTheTransactionInTheSameRoundTrip() throws Exception {
    try (RoundTrips wire = RoundTrips.to("localhost", Stores.postgres().getPort());
        Database db = Database.open(textual(wire), dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      append(db, audit, "s0");
      int from = wire.ended();
      db.write(c -> {
        db.lockWriters(c);
        insertSetting(c);
        audit.append(c, AuditEvent.of("t", "test.locked", "s1"));
        return null;
      });
      db.write(c -> {
        insertSetting(c); // no lock, no entry: the transaction's id is noted before the commit
        return null;
      });
      assertThat(wire.since(from)).as("lock and id; the insert; the entries and the commit, then"
          + " the insert; the id; the commit").containsExactly(3, 3);
      assertThat(wire.lockHeldSince(from)).as("a unit that locks holds the lock over its own"
          + " round trips only").containsExactly(2, -1);
    }
  }

  @Test
  void anEntrysTextIsTheCanonicalJsonOfItsFieldsWithKeysSorted() throws Exception {
    Instant at = Instant.parse("2026-12-06T22:00:00.123Z");
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("zeta", List.of(1, "two"));
    details.put("alpha", Map.of("seq", 7, "b", "quote \" and \\ and \u00e9"));
    AuditEvent e = new AuditEvent("token:x", "image.approved", "sha256:ab", details);
    assertThat(AuditLog.canonical(42, at, e)).isEqualTo("{\"action\":\"image.approved\","
        + "\"actor\":\"token:x\",\"details\":{\"alpha\":{\"b\":\"quote \\\" and \\\\ and \u00e9\","
        + "\"seq\":7},\"zeta\":[1,\"two\"]},\"seq\":42,\"subject\":\"sha256:ab\","
        + "\"time\":\"2026-12-06T22:00:00.123Z\"}");
    Map<String, Object> whole = new TreeMap<>();
    whole.put("action", "a");
    whole.put("actor", "b");
    whole.put("details", Map.of());
    whole.put("seq", 0L);
    whole.put("subject", "c");
    whole.put("time", Instant.EPOCH.toString());
    assertThat(AuditLog.canonical(0, Instant.EPOCH, AuditEvent.of("b", "a", "c")))
        .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(whole));
  }

  /**
   * A new database's URL through {@code wire}, the driver sending every statement's text (no
   * named statements), so that the wire shows which round trip takes the writers' lock.
   */
  private static String textual(RoundTrips wire) {
    return wire.route(Stores.jdbcUrl(Stores.Kind.POSTGRESQL)) + "&prepareThreshold=0";
  }

  private static void insertSetting(Connection c) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement("CREATE TEMP TABLE IF NOT EXISTS rt_probe"
        + " (n INT) ON COMMIT DROP; INSERT INTO rt_probe VALUES (1)")) {
      ps.execute();
    }
  }

  private void assertVerifies(Database db, long size) {
    AuditService service = new AuditService(db, "imprint.local",
        KeyEncryptionKey.resolve(null, null, dir, m -> { }), Clock.systemUTC());
    assertThat(service.size()).isEqualTo(size);
  }

  private static Void append(Database db, AuditLog log, String subject) {
    return db.write(c -> appended(c, log, subject));
  }

  private static Void appended(Connection c, AuditLog log, String subject)
      throws java.sql.SQLException {
    log.append(c, AuditEvent.of("t", "test.append", subject));
    return null;
  }
}
