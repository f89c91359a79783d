package dev.imprint.server.finding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Uploads stored before V10 (rows keyed by repository and commit) read the same after it. */
class FindingMigrationTest {
  private static final Caller ADMIN = new Caller("00000000000000aa", Role.ADMIN);
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void uploadsStoredBeforeTheirRowsHadAnUploadIdAreReadTheSameAfterTheMigration(
      Stores.Kind kind) throws Exception {
    String pg = Stores.jdbcUrl(kind);
    Files.createDirectories(dir);
    String url = pg != null ? pg : "jdbc:sqlite:" + dir.resolve("imprint.db").toAbsolutePath();
    Flyway.configure().dataSource(url, pg != null ? "postgres" : null, null)
        .locations("classpath:db/migration").target("9").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO finding_reports (repository, commit_sha, uploaded_at,"
          + " uploaded_by, tool_version, critical, high, medium, low, info) VALUES"
          + " ('acme/old', 'abc1234', 1, 'token:a', 'v', 0, 1, 1, 0, 0)");
      st.executeUpdate("INSERT INTO findings (repository, commit_sha, position, rule_id, title,"
          + " severity, category, path, line, col, message, fingerprint) VALUES"
          + " ('acme/old', 'abc1234', 0, 'R1', 't', 'high', 'c', 'sa.yaml', 3, 1, 'm', 'f0'),"
          + " ('acme/old', 'abc1234', 1, 'R2', 't', 'medium', 'c', 'sa.yaml', 9, 1, 'm', 'f1')");
      st.executeUpdate("INSERT INTO inventories (repository, commit_sha, identities, links)"
          + " VALUES ('acme/old', 'abc1234', 2, 1)");
      for (int i = 0; i < 2; i++) {
        st.executeUpdate("INSERT INTO inventory_identities (repository, commit_sha, position,"
            + " identity_id, kind, name, path, line, access, credential, flags, facts, critical,"
            + " high, medium, low, info) VALUES ('acme/old', 'abc1234', " + i + ", 'k8s:sa-" + i
            + "', 'kubernetes-service-account', 'sa-" + i + "', 'sa.yaml', 1, 'none', 'none',"
            + " ',,', '{}', 0, 1, 1, 0, 0)");
      }
      st.executeUpdate("INSERT INTO inventory_links (repository, commit_sha, position, kind,"
          + " from_id, to_id, from_path, from_line, to_path, to_line, reason) VALUES"
          + " ('acme/old', 'abc1234', 0, 'uses', 'k8s:sa-0', 'k8s:sa-1', 'sa.yaml', 1,"
          + " 'sa.yaml', 1, 'r')");
    }
    try (Database db = Database.open(pg, dir)) {
      FindingService findings = new FindingService(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), (tx, id, repo) -> true);
      assertThat(findings.findings("acme/old", "abc1234"))
          .extracting(FindingService.StoredFinding::ruleId).containsExactly("R1", "R2");
      InventoryService.Page page = new InventoryService(db).list("acme/old", null, null, null,
          10);
      assertThat(page.items()).extracting(e -> e.nhi().name()).containsExactly("sa-0", "sa-1");
      assertThat(page.items().get(0).links()).hasSize(1);
      // and an admin's replacement for the same commit replaces it, old rows and all
      findings.upload("acme/old", "abc1234", FindingChunksTest.report(1), null,
          new FindingService.Replacement(true, "rescanned"), ADMIN);
      assertThat(findings.findings("acme/old", "abc1234")).hasSize(1);
      long left = db.read(c -> {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM"
            + " findings) + (SELECT COUNT(*) FROM inventory_identities) + (SELECT COUNT(*) FROM"
            + " inventory_links)")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(left).isEqualTo(1);
    }
  }
}
