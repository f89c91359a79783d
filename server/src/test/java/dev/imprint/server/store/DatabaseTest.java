package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.WriterStats;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void concurrentWritesAreAllCommittedAndShareCommits(Stores.Kind kind) throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String id = "t" + i;
        results.add(pool.submit(() -> db.write(c -> insert(c, id))));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(1);
      }
      pool.shutdown();
      assertThat(count(db)).isEqualTo(400);
      GroupCommit.Stats stats = db.writeStats();
      assertThat(stats.units()).isEqualTo(400);
      assertThat(stats.commits()).isLessThan(400);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void failingUnitRollsBackOnlyItselfAndRethrows(Stores.Kind kind) throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      db.write(c -> insert(c, "dup"));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Integer>> ok = new ArrayList<>();
      List<Future<Integer>> bad = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String id = "ok" + i;
        ok.add(pool.submit(() -> db.write(c -> insert(c, id))));
        bad.add(pool.submit(() -> db.write(c -> insert(c, "dup"))));
      }
      for (Future<Integer> f : ok) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(1);
      }
      for (Future<Integer> f : bad) {
        assertThatThrownBy(f::get).hasCauseInstanceOf(StoreException.class)
            .cause().extracting(e -> ((StoreException) e).code()).isEqualTo("store.conflict");
      }
      pool.shutdown();
      assertThat(count(db)).isEqualTo(51);
    }
  }

  @Test
  void aPostgresWriteTakesTheWritersLockOnlyWhenAskedAndHoldsItToTheCommit() throws Exception {
    String held = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
        + " AND pid = pg_backend_pid() AND granted";
    try (Database db = Stores.open(Stores.Kind.POSTGRESQL, dir)) {
      // a unit that does not ask runs without it: another replica's writes go on meanwhile
      long plain = db.write(c -> count(c, held));
      long[] asked = db.write(c -> {
        long before = count(c, held);
        db.lockWriters(c);
        db.lockWriters(c); // a second call costs nothing and takes nothing more
        return new long[] {before, count(c, held)};
      });
      // deferred work runs at the end of the batch, and what it takes lasts to the commit
      long[] deferred = new long[2];
      db.write(c -> {
        db.atCommit(c, (tx, items) -> {
          db.lockWriters(tx);
          deferred[0] = count(tx, held);
        }, "item");
        deferred[1] = count(c, held);
        return null;
      });
      long inRead = db.read(c -> count(c, held));
      assertThat(plain).isZero();
      assertThat(asked).containsExactly(0, 1);
      assertThat(deferred[1]).as("not while the unit runs").isZero();
      assertThat(deferred[0]).as("taken by the deferred work at the end").isEqualTo(1);
      assertThat(inRead).isZero();
      long afterExplicit = db.read(c -> {
        c.setAutoCommit(false);
        try {
          db.lockWriters(c);
          return count(c, held);
        } finally {
          c.rollback();
          c.setAutoCommit(true);
        }
      });
      assertThat(afterExplicit).as("a connection that is not the writer's takes the lock")
          .isEqualTo(1);
    }
  }

  private static long count(java.sql.Connection c, String sql) throws java.sql.SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void oneBatchWithFailingUnitsCommitsTheOthersAndUndoesWhatTheFailingOnesWrote(Stores.Kind kind)
      throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      db.write(c -> insert(c, "dup"));
      CountDownLatch inBlocker = new CountDownLatch(1);
      CountDownLatch hold = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      // the writer waits in this unit while the next four queue up behind it, one by one
      Future<Integer> blocker = pool.submit(() -> db.write(c -> {
        inBlocker.countDown();
        try {
          assertThat(hold.await(120, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return insert(c, "first");
      }));
      assertThat(inBlocker.await(120, TimeUnit.SECONDS)).isTrue();
      List<Future<Integer>> units = new ArrayList<>();
      AtomicInteger runsOfA = new AtomicInteger();
      AtomicInteger runsOfB = new AtomicInteger();
      units.add(pool.submit(() -> db.write(c -> {
        runsOfA.incrementAndGet();
        return insert(c, "a");
      })));
      WriterStats.awaitQueued(db, 1);
      units.add(pool.submit(() -> db.write(c -> insert(c, "dup"))));
      WriterStats.awaitQueued(db, 2);
      units.add(pool.submit(() -> db.write(c -> {
        insert(c, "written-then-failed");
        throw new IllegalStateException("refused after writing");
      })));
      WriterStats.awaitQueued(db, 3);
      units.add(pool.submit(() -> db.write(c -> {
        runsOfB.incrementAndGet();
        return insert(c, "b");
      })));
      WriterStats.awaitQueued(db, 4);
      GroupCommit.Stats before = db.writeStats();
      BatchSizes sizesBefore = db.writeBatchSizes();
      hold.countDown();
      assertThat(blocker.get(120, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(units.get(0).get(120, TimeUnit.SECONDS)).isEqualTo(1);
      assertThatThrownBy(() -> units.get(1).get(120, TimeUnit.SECONDS)).cause()
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> units.get(2).get(120, TimeUnit.SECONDS)).cause()
          .isInstanceOf(IllegalStateException.class);
      assertThat(units.get(3).get(120, TimeUnit.SECONDS)).isEqualTo(1);
      pool.shutdown();
      GroupCommit.Stats after = db.writeStats();
      assertThat(after.commits() - before.commits()).as("the four queued as one batch")
          .isEqualTo(2);
      assertThat(after.rolledBack() - before.rolledBack()).as("two refused inside it")
          .isEqualTo(2);
      assertThat(after.units() - before.units()).isEqualTo(3);
      assertThat(after.failedBatches() - before.failedBatches()).isZero();
      BatchSizes sizes = db.writeBatchSizes().since(sizesBefore);
      assertThat(sizes.commits()).isEqualTo(2);
      assertThat(sizes.counts()[1]).as("the blocker alone").isEqualTo(1);
      assertThat(sizes.counts()[4]).as("the four queued units together").isEqualTo(1);
      if (kind == Stores.Kind.POSTGRESQL) {
        // the batch ran without savepoints until the duplicate failed, then again with them
        assertThat(after.reruns() - before.reruns()).isEqualTo(1);
        assertThat(runsOfA).as("before the failure, then in the rerun").hasValue(2);
        assertThat(runsOfB).as("only in the rerun").hasValue(1);
      } else {
        assertThat(after.reruns() - before.reruns()).isZero();
        assertThat(runsOfA).hasValue(1);
        assertThat(runsOfB).hasValue(1);
      }
      assertThat(count(db)).isEqualTo(4); // dup, first, a, b
      long undone = db.read(c -> count(c, "SELECT COUNT(*) FROM api_tokens WHERE id ="
          + " 'written-then-failed'"));
      assertThat(undone).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aBatchWithoutFailuresRunsEachUnitOnceAndItsSizeIsCounted(Stores.Kind kind)
      throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      CountDownLatch inBlocker = new CountDownLatch(1);
      CountDownLatch hold = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      Future<Integer> blocker = pool.submit(() -> db.write(c -> {
        inBlocker.countDown();
        try {
          assertThat(hold.await(120, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return insert(c, "first");
      }));
      assertThat(inBlocker.await(120, TimeUnit.SECONDS)).isTrue();
      AtomicInteger runs = new AtomicInteger();
      List<Future<Integer>> units = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String id = "u" + i;
        units.add(pool.submit(() -> db.write(c -> {
          runs.incrementAndGet();
          return insert(c, id);
        })));
        WriterStats.awaitQueued(db, i + 1);
      }
      GroupCommit.Stats before = db.writeStats();
      BatchSizes sizesBefore = db.writeBatchSizes();
      hold.countDown();
      assertThat(blocker.get(120, TimeUnit.SECONDS)).isEqualTo(1);
      for (Future<Integer> f : units) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(1);
      }
      pool.shutdown();
      BatchSizes sizes = db.writeBatchSizes().since(sizesBefore);
      assertThat(sizes.counts()[1]).isEqualTo(1);
      assertThat(sizes.counts()[5]).isEqualTo(1);
      assertThat(sizes.commits()).isEqualTo(2);
      assertThat(sizes.units()).isEqualTo(6);
      assertThat(sizes.percentile(0)).isEqualTo(1);
      assertThat(sizes.percentile(100)).isEqualTo(5);
      assertThat(runs).hasValue(5);
      assertThat(db.writeStats().reruns() - before.reruns()).isZero();
      assertThat(count(db)).isEqualTo(6);
    }
  }

  @Test
  void sqliteStoreIsReopenedWithItsData() {
    try (Database db = Database.open(null, dir)) {
      db.write(c -> insert(c, "kept"));
    }
    try (Database db = Database.open(null, dir)) {
      assertThat(count(db)).isEqualTo(1);
      assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
    }
  }

  @Test
  void schemaVersionConstantIsTheHighestMigrationScript() throws Exception {
    List<Integer> versions;
    try (var files = java.nio.file.Files.list(Path.of("src/main/resources/db/migration"))) {
      versions = files.map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).toList();
    }
    assertThat(versions).as("migration scripts").isNotEmpty();
    int highest = versions.stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(Database.SCHEMA_VERSION).isEqualTo(highest);
    assertThat(versions).as("migrations numbered V1..V%d without a gap", highest)
        .hasSize(highest);
  }

  @Test
  void aStoreMigratedByAnOlderReleaseIsMigratedOnReopen() {
    try (Database db = Database.open(null, dir)) {
      db.write(c -> {
        try (var st = c.createStatement()) {
          // back to the schema of V2: undo V14, V13, V12, V11, V10 (its findings table made again
          // as V2 made it), V9, V8, V7, V6, V5, V4 (SQLite cannot drop a referencing column, so
          // the empty table is made again as V1 made it) and V3
          st.executeUpdate("DELETE FROM flyway_schema_history WHERE version IN ('3', '4', '5',"
              + " '6', '7', '8', '9', '10', '11', '12', '13', '14')");
          st.executeUpdate("DROP TABLE console_sessions");
          st.executeUpdate("DROP TABLE alert_activity");
          st.executeUpdate("DROP TABLE alerts");
          st.executeUpdate("DROP TABLE db_leases");
          st.executeUpdate("DROP TABLE db_servers");
          st.executeUpdate("DROP TABLE authz_decisions");
          st.executeUpdate("DROP TABLE grant_usage");
          st.executeUpdate("DROP TABLE grant_policies");
          st.executeUpdate("DROP TABLE finding_uploads");
          st.executeUpdate("DROP INDEX finding_reports_upload");
          st.executeUpdate("ALTER TABLE finding_reports DROP COLUMN upload_id");
          st.executeUpdate("DROP TABLE findings");
          st.executeUpdate("CREATE TABLE findings (repository TEXT NOT NULL, commit_sha TEXT NOT"
              + " NULL, position INTEGER NOT NULL, rule_id TEXT NOT NULL, title TEXT NOT NULL,"
              + " severity TEXT NOT NULL, category TEXT NOT NULL, path TEXT NOT NULL, line"
              + " INTEGER NOT NULL, col INTEGER NOT NULL, message TEXT NOT NULL, fingerprint TEXT"
              + " NOT NULL, secret_redacted TEXT, secret_fingerprint TEXT, PRIMARY KEY"
              + " (repository, commit_sha, position), FOREIGN KEY (repository, commit_sha)"
              + " REFERENCES finding_reports (repository, commit_sha))");
          st.executeUpdate("DROP TABLE idempotency_keys");
          st.executeUpdate("DROP TABLE k8s_pods");
          st.executeUpdate("DROP TABLE k8s_bindings");
          st.executeUpdate("DROP TABLE k8s_admission_tokens");
          st.executeUpdate("DROP TABLE k8s_clusters");
          st.executeUpdate("DROP INDEX images_repository_tag");
          st.executeUpdate("DROP TABLE join_tokens");
          st.executeUpdate("DROP TABLE signing_keys");
          st.executeUpdate("DROP TABLE identity_repositories");
          st.executeUpdate("ALTER TABLE identities DROP COLUMN repositories");
          st.executeUpdate("ALTER TABLE images DROP COLUMN suppliers");
          st.executeUpdate("ALTER TABLE finding_reports DROP COLUMN content_sha256");
          st.executeUpdate("DROP TABLE inventory_links");
          st.executeUpdate("DROP TABLE inventory_identities");
          st.executeUpdate("DROP TABLE inventories");
          st.executeUpdate("DROP TABLE api_tokens");
          st.executeUpdate("CREATE TABLE api_tokens (id TEXT PRIMARY KEY, role TEXT NOT NULL,"
              + " secret_hash TEXT NOT NULL, description TEXT NOT NULL, created_at BIGINT NOT"
              + " NULL, created_by TEXT NOT NULL, revoked_at BIGINT, last_used_at BIGINT)");
          st.executeUpdate("DROP TABLE audit_checkpoints");
          st.executeUpdate("DROP TABLE server_keys");
        }
        return null;
      });
    }
    try (Database db = Database.open(null, dir)) {
      long n = db.read(c -> {
        try (var st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM audit_checkpoints)"
                + " + (SELECT COUNT(identity_id) FROM api_tokens)"
                + " + (SELECT COUNT(*) FROM inventories)"
                + " + (SELECT COUNT(*) FROM inventory_identities)"
                + " + (SELECT COUNT(*) FROM inventory_links)"
                + " + (SELECT COUNT(*) FROM idempotency_keys)"
                + " + (SELECT COUNT(*) FROM finding_uploads)"
                + " + (SELECT COUNT(upload_id) FROM finding_reports)"
                + " + (SELECT COUNT(*) FROM identity_repositories)"
                + " + (SELECT COUNT(suppliers) FROM images)"
                + " + (SELECT COUNT(*) FROM signing_keys) + (SELECT COUNT(*) FROM join_tokens)"
                + " + (SELECT COUNT(*) FROM k8s_clusters) + (SELECT COUNT(*) FROM k8s_pods)"
                + " + (SELECT COUNT(*) FROM grant_policies) + (SELECT COUNT(*) FROM grant_usage)"
                + " + (SELECT COUNT(*) FROM authz_decisions)"
                + " + (SELECT COUNT(*) FROM console_sessions)"
                + " + (SELECT COUNT(*) FROM alerts) + (SELECT COUNT(*) FROM alert_activity)")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(n).as("what V3 to V14 add exists again, empty")
          .isZero();
    }
  }

  @Test
  void aHistoryWithAGapIsJudgedByFlywayNotTakenAsUpToDate() {
    try (Database db = Database.open(null, dir)) {
      db.write(c -> {
        try (var st = c.createStatement()) {
          st.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '3'");
        }
        return null;
      });
    }
    assertThatThrownBy(() -> Database.open(null, dir)).isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code()).isEqualTo("store.migration_failed");
  }

  @Test
  void aStoreAtThisVersionIsUpToDateOnlyWhileEveryRecordedChecksumIsItsScripts() {
    Database.open(null, dir).close();
    org.sqlite.SQLiteDataSource file = new org.sqlite.SQLiteDataSource();
    file.setUrl("jdbc:sqlite:" + dir.resolve("imprint.db"));
    assertThat(Database.upToDate(file)).as("the checksums Flyway recorded are this build's")
        .isTrue();
    try (Database db = Database.open(null, dir)) {
      db.write(c -> {
        try (var st = c.createStatement()) {
          // as if V5's script had been edited since it was applied
          st.executeUpdate("UPDATE flyway_schema_history SET checksum = checksum + 1"
              + " WHERE version = '5'");
        }
        return null;
      });
    }
    assertThat(Database.upToDate(file)).isFalse();
    assertThatThrownBy(() -> Database.open(null, dir)).as("Flyway's validation judges it")
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code()).isEqualTo("store.migration_failed");
  }

  @Test
  void nonPostgresUrlIsRefusedWithoutEchoingCredentials() {
    assertThatThrownBy(() -> Database.open("jdbc:mysql://u:hunter2@db/x", dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("expected a jdbc:postgresql:// URL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void writeAfterCloseIsRefused() {
    Database db = Database.open(null, dir);
    db.close();
    assertThatThrownBy(() -> db.write(c -> 1)).isInstanceOf(StoreException.class)
        .hasMessageContaining("shutting down");
  }

  private static int insert(java.sql.Connection c, String id) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (id, role,"
        + " secret_hash, description, created_at, created_by) VALUES (?, 'auditor', 'h', '', 0, 't')")) {
      ps.setString(1, id);
      return ps.executeUpdate();
    }
  }

  private static long count(Database db) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM api_tokens");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
