package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Replicas;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The server signs checkpoints by itself: periodically when the log grew, and at shutdown. */
class CheckpointScheduleTest {
  private static final Duration SHORT = Duration.ofMillis(100);
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyEncryptionKey KEK = KeyEncryptionKey.of(new byte[32]);

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Logger scheduleLog;

  /** A stored checkpoint row. */
  private record Row(long size, String rootHex, String note) {}

  @BeforeEach
  void captureTheScheduleLog() {
    scheduleLog = (Logger) LoggerFactory.getLogger(CheckpointSchedule.class);
    logged.list = new CopyOnWriteArrayList<>(); // read here while the timer thread appends
    logged.start();
    scheduleLog.addAppender(logged);
  }

  @AfterEach
  void releaseTheScheduleLog() {
    scheduleLog.detachAppender(logged);
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void appendsGetAStoredCheckpointWithoutAnyoneAskingAndAnIdleLogGetsNoNewOne(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      AuditService audit = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      try (CheckpointSchedule schedule = CheckpointSchedule.start(audit, SHORT)) {
        append(db, 3);
        await("a checkpoint for 3 entries", () -> audit.latestCheckpointSize() == 3);
        List<Row> afterThree = rows(db);

        long rounds = schedule.rounds();
        await("three more rounds", () -> schedule.rounds() >= rounds + 3);
        assertThat(rows(db)).as("no entry was appended, so no checkpoint was signed")
            .isEqualTo(afterThree);

        append(db, 2);
        await("a checkpoint for 5 entries", () -> audit.latestCheckpointSize() == 5);
        assertSignedHeadsOfTheLog(audit, rows(db));
      }
      assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aFailingRoundIsLoggedAsAWarningAndTheNextRoundsRetryUntilOneSucceeds(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      AuditService audit = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      try (CheckpointSchedule schedule = CheckpointSchedule.start(audit, SHORT)) {
        rename(db, "audit_checkpoints", "audit_checkpoints_away");
        append(db, 2);
        await("a warning", () -> warnings() >= 1);
        long rounds = schedule.rounds();
        await("two more rounds after the failure", () -> schedule.rounds() >= rounds + 2);
        assertThat(warnings()).as("each failed round is logged").isGreaterThanOrEqualTo(2);

        rename(db, "audit_checkpoints_away", "audit_checkpoints");
        await("a checkpoint once the store works again", () -> audit.latestCheckpointSize() == 2);
      }
      ILoggingEvent first = logged.list.stream()
          .filter(e -> e.getLevel() == Level.WARN).findFirst().orElseThrow();
      assertThat(first.getFormattedMessage()).contains("audit checkpoint not signed");
      assertThat(first.getThrowableProxy()).as("the cause is logged").isNotNull();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void closingSignsTheFinalSizeAlsoWhenThePeriodicSigningIsOff(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      AuditService audit = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      CheckpointSchedule schedule = CheckpointSchedule.start(audit, Duration.ZERO);
      append(db, 4);
      assertThat(audit.latestCheckpointSize()).isZero();
      schedule.close();
      assertThat(schedule.rounds()).isZero();
      assertThat(rows(db)).extracting(Row::size).containsExactly(4L);
      assertSignedHeadsOfTheLog(audit, rows(db));

      CheckpointSchedule.start(audit, Duration.ZERO).close();
      assertThat(rows(db)).as("nothing new to sign").hasSize(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aReplicaSigningASizeAlreadyStoredKeepsTheOneRowAndAForeignHeadIsAnIntegrityFailure(
      Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      append(db, 3);
      AuditService a = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      AuditService b = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      a.refresh();
      b.refresh();
      AuditService.SignedCheckpoint first = a.signAndStore(3);
      AuditService.SignedCheckpoint second = b.signAndStore(3);
      assertThat(second.note()).isEqualTo(first.note());
      assertThat(rows(db)).extracting(Row::size).containsExactly(3L);

      AuditService other = new AuditService(db, "other.example", KEK, Clock.systemUTC());
      other.refresh();
      assertThatThrownBy(() -> other.signAndStore(3))
          .isInstanceOf(AuditIntegrityException.class)
          .hasMessageContaining("the checkpoint row for size 3 is not signed by this server's"
              + " key other.example/imprint-audit+")
          .hasMessageContaining("another --trust-domain");
      assertThat(other.integrityFailure()).isPresent();
      assertThat(rows(db)).singleElement().extracting(Row::note).isEqualTo(first.note());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aSizeReadBeforeAnotherReplicaAppendedAndSignedIsNoIntegrityFailure(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      append(db, 4);
      AuditService a = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      AuditService b = new AuditService(db, "example.org", KEK, Clock.systemUTC());
      long n = a.refresh();
      assertThat(n).isEqualTo(4);
      a.signAndStore(n);
      // between a's read of the size and its signing, replica b appends and signs a larger head
      append(db, 1);
      b.refresh();
      AuditService.SignedCheckpoint five = b.signAndStore(5);
      AuditService.SignedCheckpoint signed = a.signAndStore(n);
      assertThat(a.integrityFailure()).isEmpty();
      assertThat(signed.checkpoint().size()).isEqualTo(5);
      assertThat(signed.note()).isEqualTo(five.note());
      assertThat(rows(db)).extracting(Row::size).containsExactly(4L, 5L);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aServerSignsNewEntriesByItselfAndReportsTheSignedSizeOnMetrics(Stores.Kind kind) {
    String jdbc = Stores.jdbcUrl(kind);
    try (TestServer s = TestServer.start(config(jdbc, dir, null, SHORT))) {
      for (int i = 0; i < 3; i++) {
        assertThat(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"workload\"}")
            .statusCode()).isEqualTo(201);
      }
      Database db = s.server().database();
      await("a checkpoint for the bootstrap entry and three tokens",
          () -> latestSize(db) == 4);
      // the gauges are sampled in the background (a scrape never reads the store)
      await("metrics showing the signed size and the entries", () -> {
        String metrics = s.send("GET", "/metrics", null, null).body();
        return metrics.contains("imprint_audit_checkpoint_size 4.0")
            && metrics.contains("imprint_audit_entries 4.0");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aStoppedServerLeavesASignedCheckpointForItsLastEntry(Stores.Kind kind) {
    String jdbc = Stores.jdbcUrl(kind);
    VerifierKey key;
    try (TestServer s = TestServer.start(config(jdbc, dir, null, Duration.ofHours(1)))) {
      for (int i = 0; i < 5; i++) {
        assertThat(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"auditor\"}")
            .statusCode()).isEqualTo(201);
      }
      key = VerifierKey.parse(json(s.send("GET", "/v1/audit/key", s.adminToken(), null).body())
          .get("verifierKey").asText());
      assertThat(latestSize(s.server().database())).as("nobody asked yet").isZero();
    }
    try (Database db = Database.open(jdbc, dir)) {
      long entries = db.read(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_entries");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(entries).isEqualTo(6);
      List<Row> rows = rows(db);
      assertThat(rows).extracting(Row::size).containsExactly(entries);
      Checkpoint signed = key.verify(rows.get(0).note());
      assertThat(signed.size()).isEqualTo(entries);
      AuditService audit = new AuditService(db, "imprint.local", KeyEncryptionKey.of(
          readKek(dir)), Clock.systemUTC());
      assertThat(signed.rootHash()).isEqualTo(audit.root(entries));
    }
    assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  @Test
  void twoServersOnOnePostgresSigningTogetherStoreOneVerifiableCheckpointPerSize()
      throws Exception {
    try (Replicas pair = Replicas.start(dir, c -> c.withCheckpointInterval(SHORT))) {
      TestServer a = pair.a();
      TestServer b = pair.b();
      String admin = a.adminToken();
      List<Thread> threads = new ArrayList<>();
      for (TestServer s : List.of(a, b, a, b)) {
        Thread t = new Thread(() -> {
          for (int i = 0; i < 25; i++) {
            assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"pipeline\"}")
                .statusCode()).isEqualTo(201);
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join(120_000);
        assertThat(t.isAlive()).as("%s still running after two minutes", t.getName()).isFalse();
      }
      await("a checkpoint for all 101 entries", () -> latestSize(a.server().database()) == 101);
      VerifierKey key = VerifierKey.parse(json(a.send("GET", "/v1/audit/key", admin, null)
          .body()).get("verifierKey").asText());
      List<Row> rows = rows(a.server().database());
      assertThat(rows).extracting(Row::size).doesNotHaveDuplicates().isSorted();
      for (Row r : rows) {
        Checkpoint cp = key.verify(r.note());
        assertThat(cp.size()).isEqualTo(r.size());
        assertThat(cp.rootHex()).isEqualTo(r.rootHex());
      }
      String export = b.send("GET", "/v1/audit/export", admin, null).body();
      AuditVerifier.Result verified = AuditVerifier.verify(
          new BufferedReader(new StringReader(export)), key);
      assertThat(verified).isEqualTo(new AuditVerifier.Verified("imprint.local/imprint-audit",
          101, rows.size(), key.encoded(), true));
    }
    assertThat(logged.list).as("replicas signing the same size do not conflict")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  private static ServerConfig config(String jdbc, Path data, Path kek, Duration interval) {
    return Replicas.config(jdbc, data, kek).withCheckpointInterval(interval);
  }

  private static void assertSignedHeadsOfTheLog(AuditService audit, List<Row> rows) {
    assertThat(rows).isNotEmpty();
    assertThat(rows).extracting(Row::size).doesNotHaveDuplicates().isSorted();
    for (Row r : rows) {
      Checkpoint cp = audit.verifierKey().verify(r.note());
      assertThat(cp.size()).isEqualTo(r.size());
      assertThat(cp.rootHash()).isEqualTo(audit.root(r.size()));
    }
  }

  private long warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
  }

  private static void append(Database db, int n) {
    AuditLog log = new AuditLog(db, Clock.systemUTC());
    for (int i = 0; i < n; i++) {
      db.write(tx -> {
        log.append(tx, AuditEvent.of("test", "test.appended", "thing"));
        return null;
      });
    }
  }

  private static void rename(Database db, String from, String to) {
    db.write(c -> {
      try (var st = c.createStatement()) {
        st.executeUpdate("ALTER TABLE " + from + " RENAME TO " + to);
      }
      return null;
    });
  }

  private static List<Row> rows(Database db) {
    return db.read(c -> {
      List<Row> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT tree_size, root_hash, note FROM audit_checkpoints ORDER BY tree_size");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
      return out;
    });
  }

  private static long latestSize(Database db) {
    List<Row> rows = rows(db);
    return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).size();
  }

  private static byte[] readKek(Path data) {
    try {
      return Base64.getDecoder().decode(Files.readString(data.resolve("kek")).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for {@code condition}; the deadline only bounds a broken run, it times nothing. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
