package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AuditServiceTest {
  private static final int LARGE = 100_000;
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aLargeLogIsLoadedOnceThenExtendedWithNewRowsAndItsProofsVerify(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      insert(db, 0, LARGE);
      KeyEncryptionKey kek = KeyEncryptionKey.of(new byte[32]);
      AuditService audit = new AuditService(db, "example.org", kek, Clock.systemUTC());
      AuditService.SignedCheckpoint cp = audit.checkpoint();
      assertThat(cp.checkpoint().size()).isEqualTo(LARGE);
      assertThat(audit.verifierKey().verify(cp.note())).isEqualTo(cp.checkpoint());
      Random random = new Random(7);
      for (int i = 0; i < 200; i++) {
        long index = random.nextInt(LARGE);
        byte[] leaf = AuditLog.leafHash(entry(index).getBytes(StandardCharsets.UTF_8));
        assertThat(MerkleTree.verifyInclusion(index, LARGE, leaf,
            audit.inclusionProof(index, LARGE), cp.checkpoint().rootHash())).isTrue();
      }

      insert(db, LARGE, LARGE + 5);
      AuditService.SignedCheckpoint next = audit.checkpoint();
      assertThat(next.checkpoint().size()).isEqualTo(LARGE + 5);
      assertThat(MerkleTree.verifyConsistency(LARGE, LARGE + 5, cp.checkpoint().rootHash(),
          next.checkpoint().rootHash(), audit.consistencyProof(LARGE, LARGE + 5))).isTrue();

      AuditService replica = new AuditService(db, "example.org", kek, Clock.systemUTC());
      assertThat(replica.verifierKey()).isEqualTo(audit.verifierKey());
      assertThat(replica.checkpoint().note()).isEqualTo(next.note());
      assertThat(replica.checkpoints(LARGE + 5)).hasSize(2);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aReplicasRowThatLandsBelowTheRowsCheckedIsCheckedAndItsLaterDeletionIsFound(
      Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      KeyEncryptionKey kek = KeyEncryptionKey.of(new byte[32]);
      insert(db, 0, 5);
      AuditService audit = new AuditService(db, "example.org", kek, Clock.systemUTC());
      assertThat(audit.checkpoint().checkpoint().size()).isEqualTo(5);
      insert(db, 5, 6);
      assertThat(audit.checkpointIfGrown()).isPresent();
      // a replica that read size 3 signs it after this server stored 5 and 6: its insert lands
      // below the rows already checked
      CheckpointSigner replica = AuditKeys.loadOrCreate(db, kek, "example.org/imprint-audit",
          Clock.systemUTC());
      Checkpoint three = new Checkpoint("example.org/imprint-audit", 3, audit.root(3));
      row(db, "INSERT INTO audit_checkpoints (tree_size, root_hash, note, created_at)"
          + " VALUES (3, '" + three.rootHex() + "', '" + replica.sign(three) + "', 0)");
      insert(db, 6, 7);
      assertThat(audit.checkpointIfGrown()).isPresent();
      assertThat(audit.integrityFailure()).isEmpty();

      row(db, "DELETE FROM audit_checkpoints WHERE tree_size = 3");
      insert(db, 7, 8);
      assertThatThrownBy(audit::checkpointIfGrown).isInstanceOf(AuditIntegrityException.class)
          .hasMessageContaining("the checkpoint row for size 3, checked before, is missing");
    }
  }

  private static void row(Database db, String sql) {
    db.write(c -> {
      try (var st = c.createStatement()) {
        st.executeUpdate(sql);
      }
      return null;
    });
  }

  private static void insert(Database db, long from, long to) {
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) VALUES (?, ?, ?, ?)")) {
        for (long i = from; i < to; i++) {
          String e = entry(i);
          ps.setLong(1, i);
          ps.setLong(2, 0);
          ps.setString(3, e);
          ps.setString(4, HexFormat.of().formatHex(AuditLog.leafHash(
              e.getBytes(StandardCharsets.UTF_8))));
          ps.addBatch();
          if (i % 5000 == 4999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  private static String entry(long i) {
    return "{\"action\":\"bulk\",\"actor\":\"test\",\"details\":{},\"seq\":" + i
        + ",\"subject\":\"x\",\"time\":\"2026-01-01T00:00:00Z\"}";
  }
}
