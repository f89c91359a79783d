package dev.imprint.server.finding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A big upload is written in chunks, each its own transaction: small writes commit between
 * them, and no reader sees an upload before all of it is there. One that fails or is left
 * behind by a stopped server leaves nothing visible and is cleaned up.
 */
class FindingChunksTest {
  private static final Caller PIPELINE = new Caller("0123456789abcdef", Role.PIPELINE,
      "fedcba9876543210", "spiffe://imprint.local/ci");
  private static final Caller ADMIN = new Caller("00000000000000aa", Role.ADMIN);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPO = "acme/payments";
  private static final String SHA = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aSmallWriteCommitsWhileABigUploadWaitsBetweenChunksAndNoReaderSeesHalfOfIt(
      Stores.Kind kind) throws Exception {
    try (Database db = Stores.open(kind, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      FindingService findings = new FindingService(db, audit, Clock.systemUTC(), (tx, id, repo) -> true);
      CountDownLatch paused = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      AtomicInteger boundaries = new AtomicInteger();
      findings.betweenChunks(() -> {
        if (boundaries.incrementAndGet() == 2) {
          paused.countDown();
          await(resume);
        }
      });
      int n = FindingService.CHUNK * 3 + 17;
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<FindingService.Uploaded> big = pool.submit(() -> findings.upload(REPO, SHA,
          report(n), inventory(5), FindingService.Replacement.NONE, PIPELINE));
      await(paused);
      // the upload has two chunks written and waits: a small write goes through meanwhile
      db.write(c -> {
        audit.append(c, AuditEvent.of("token:other", "test.small", "small"));
        return null;
      });
      assertThat(count(db, "SELECT COUNT(*) FROM audit_entries WHERE entry LIKE '%test.small%'"))
          .isEqualTo(1);
      assertThat(count(db, "SELECT COUNT(*) FROM findings")).as("staged so far")
          .isEqualTo(2L * FindingService.CHUNK);
      assertThat(findings.report(REPO, SHA)).as("no reader sees half an upload").isEmpty();
      assertThat(findings.findings(REPO, SHA)).isEmpty();
      resume.countDown();
      FindingService.Report done = big.get(2, TimeUnit.MINUTES).report();
      pool.shutdown();
      assertThat(done.bySeverity().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(n);
      assertThat(findings.report(REPO, SHA)).isPresent();
      assertThat(findings.findings(REPO, SHA)).hasSize(n)
          .extracting(FindingService.StoredFinding::line).startsWith(0, 1, 2);
      InventoryService.Page inventory = new InventoryService(db).list(REPO, null, null, null, 50);
      assertThat(inventory.items()).hasSize(5);
      assertThat(inventory.items().get(0).links()).hasSize(1);
      assertThat(inventory.items().get(0).findings().get("critical"))
          .as("the findings of svc-0/sa.yaml: none (they are in svc-0/Dockerfile)").isZero();
      assertThat(count(db, "SELECT COUNT(*) FROM finding_uploads")).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anUploadThatFailsBetweenChunksLeavesNothingVisibleAndNothingBehind(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      FindingService findings = new FindingService(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), (tx, id, repo) -> true);
      findings.betweenChunks(() -> {
        throw new IllegalStateException("the server stops here");
      });
      assertThatThrownBy(() -> findings.upload(REPO, SHA, report(FindingService.CHUNK * 2),
          inventory(3), FindingService.Replacement.NONE, PIPELINE))
          .hasMessage("the server stops here");
      assertThat(findings.report(REPO, SHA)).isEmpty();
      assertThat(count(db, "SELECT COUNT(*) FROM findings")).isZero();
      assertThat(count(db, "SELECT COUNT(*) FROM finding_uploads")).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void rowsLeftStagingByAStoppedServerAreSweptAndAReplacedUploadsRowsGo(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      FindingService findings = new FindingService(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), (tx, id, repo) -> true);
      // what a server killed while staging leaves: marked rows nobody points at, two hours old
      db.write(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO finding_uploads (upload_id,"
            + " state, since) VALUES ('crashed', 'staging', ?)")) {
          ps.setLong(1, System.currentTimeMillis() - FindingService.ABANDONED.toMillis() * 2);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO findings (upload_id,"
            + " position, rule_id, title, severity, category, path, line, col, message,"
            + " fingerprint) VALUES ('crashed', ?, 'R', 't', 'low', 'c', 'p', 1, 1, 'm', 'f')")) {
          for (int i = 0; i < 3; i++) {
            ps.setInt(1, i);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
      findings.upload(REPO, SHA, report(FindingService.CHUNK + 1), null,
          FindingService.Replacement.NONE, ADMIN);
      assertThat(count(db, "SELECT COUNT(*) FROM findings WHERE upload_id = 'crashed'"))
          .as("swept").isZero();
      findings.upload(REPO, SHA, report(7), null,
          new FindingService.Replacement(true, "the first scan was wrong"), ADMIN);
      assertThat(findings.findings(REPO, SHA)).hasSize(7);
      assertThat(count(db, "SELECT COUNT(*) FROM findings")).as("the replaced upload's rows went")
          .isEqualTo(7);
      assertThat(count(db, "SELECT COUNT(*) FROM finding_uploads")).isZero();
    }
  }

  /** An Imprint JSON report of {@code n} findings, finding {@code i} on line {@code i}. */
  static JsonNode report(int n) {
    ObjectNode r = JSON.createObjectNode();
    r.put("schemaVersion", 1);
    r.putObject("tool").put("version", "test");
    ArrayNode list = r.putArray("findings");
    String[] severities = {"critical", "high", "medium", "low", "info"};
    for (int i = 0; i < n; i++) {
      ObjectNode f = list.addObject();
      f.put("ruleId", "IMP-DOCKER-001");
      f.put("title", "Base image not pinned by digest");
      f.put("severity", severities[i % 5]);
      f.put("category", "immutability");
      f.put("path", "svc-" + (i % 5) + "/Dockerfile");
      f.put("line", i);
      f.put("column", 1);
      f.put("message", "mutable tag");
      f.put("fingerprint", String.format(Locale.ROOT, "%016x", i));
    }
    return r;
  }

  /** An inventory document of {@code n} service accounts, one per service directory. */
  static JsonNode inventory(int n) throws Exception {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < n; i++) {
      ids.append(i == 0 ? "" : ",").append("{\"id\":\"k8s:svc-").append(i)
          .append("\",\"kind\":\"kubernetes-service-account\",\"name\":\"svc-").append(i)
          .append("\",\"location\":{\"path\":\"svc-").append(i).append("/sa.yaml\",\"line\":1},")
          .append("\"access\":\"none\",\"credential\":\"none\",\"flags\":[],\"permissions\":[],")
          .append("\"trustedBy\":[],\"usedBy\":[],\"details\":[]}");
    }
    String link = n < 2 ? "" : "{\"kind\":\"uses\",\"from\":\"k8s:svc-0\",\"to\":\"k8s:svc-1\","
        + "\"fromLocation\":{\"path\":\"svc-0/sa.yaml\",\"line\":1},"
        + "\"toLocation\":{\"path\":\"svc-1/sa.yaml\",\"line\":1},\"reason\":\"test\"}";
    return JSON.readTree("{\"schemaVersion\":1,\"identities\":[" + ids + "],\"links\":["
        + link + "]}");
  }

  private static long count(Database db, String sql) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not released within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
