package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Someone who can write the store (the SQLite file, or the PostgreSQL database) tampers with
 * the audit log, while the server is stopped or while it runs. Each kind of tampering is found
 * (at the restart, or at the next signing), the server refuses to sign, {@code /readyz} says
 * why, the metrics move, the audit routes answer a named problem instead of 500 {@code
 * internal}, and other writes go on.
 */
class AuditTamperTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CODE = "audit.integrity_failure";

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Logger serviceLog;

  /** What the tamperer does to a log of 8 entries with signed checkpoints for 5 and 8. */
  enum Tamper {
    /** Entry 2 gets another role, and its leaf hash is recomputed to match. */
    REWRITE_AN_ENTRY_WITH_ITS_LEAF_HASH,
    /** Entries 5 to 7 go, with the checkpoint that covers them: the rest verifies alone. */
    DELETE_THE_TAIL_AND_ITS_CHECKPOINTS,
    /** Every checkpoint row goes. */
    DELETE_THE_CHECKPOINT_ROWS,
    /** A row for size 3 signed by some other key. */
    INSERT_A_FOREIGN_CHECKPOINT_ROW,
    /** Entry 3 goes. */
    LEAVE_A_GAP_IN_SEQ,
    /**
     * Entry 7's row is copied, text and genuine leaf hash unchanged, as a new row 8 past the
     * last checkpoint: the leaf hash matches, only the text's own seq (7) tells.
     */
    REPLAY_AN_ENTRY_AS_A_NEW_ROW,
    /** The genuine row for size 5 is moved to size 6, which the tree does not have there. */
    MOVE_A_CHECKPOINT_TO_A_SIZE_THE_TREE_DISAGREES_WITH
  }

  static Stream<Arguments> cases() {
    return Stores.kinds().flatMap(k -> Arrays.stream(Tamper.values())
        .map(t -> Arguments.of(k, t)));
  }

  @BeforeEach
  void captureTheServiceLog() {
    serviceLog = (Logger) LoggerFactory.getLogger(AuditService.class);
    logged.list = new CopyOnWriteArrayList<>();
    logged.start();
    serviceLog.addAppender(logged);
  }

  @AfterEach
  void releaseTheServiceLog() {
    serviceLog.detachAppender(logged);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void tamperingWhileTheServerIsStoppedIsFoundWhenItStartsAgain(Stores.Kind kind, Tamper tamper)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    String admin = populatedAndStopped(config(jdbc));
    try (Connection c = connect(jdbc)) {
      tamper(c, tamper);
    }
    long signedBefore = latestCheckpointSize(jdbc);
    try (TestServer s = TestServer.start(config(jdbc))) {
      await("the start-up check to fail", () -> s.send("GET", "/readyz", null, null)
          .statusCode() == 503);
      assertRefusesAndReports(s, admin);
      assertThat(latestCheckpointSize(jdbc)).as("nothing was signed").isEqualTo(signedBefore);
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void tamperingWhileTheServerRunsIsFoundAtTheNextSigning(Stores.Kind kind, Tamper tamper)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    try (TestServer s = TestServer.start(config(jdbc))) {
      String admin = s.adminToken();
      populate(s, admin);
      try (Connection c = connect(jdbc)) {
        tamper(c, tamper);
      }
      long signedBefore = latestCheckpointSize(jdbc);
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
          .as("a write gives the next checkpoint something to sign").isEqualTo(201);
      problem(s.send("GET", "/v1/audit/checkpoint", admin, null));
      assertRefusesAndReports(s, admin);
      assertThat(latestCheckpointSize(jdbc)).as("nothing was signed").isEqualTo(signedBefore);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void anUntouchedStoreRestartsReadyAndKeepsSigningFromTheCheckpointInItsFile(Stores.Kind kind)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    Path file = dir.resolve("data").resolve("audit-checkpoint");
    String admin;
    try (TestServer s = TestServer.start(config(jdbc))) {
      admin = s.adminToken();
      populate(s, admin);
      assertThat(Files.readString(file)).startsWith("imprint.local/imprint-audit\n8\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    try (TestServer s = TestServer.start(config(jdbc))) {
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
          .isEqualTo(201);
      JsonNode cp = JSON.readTree(s.send("GET", "/v1/audit/checkpoint", admin, null).body());
      assertThat(cp.get("size").asLong()).isEqualTo(9);
      assertThat(Files.readString(file)).isEqualTo(cp.get("note").asText());
      assertThat(s.send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
      assertThat(s.send("GET", "/metrics", null, null).body())
          .contains("imprint_audit_integrity_ok 1.0")
          .contains("imprint_audit_integrity_failures_total 0.0");
    }
    assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void withoutACheckpointFileTheServerAdoptsTheCheckedStoreAndSaysSo(Stores.Kind kind)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    Path file = dir.resolve("data").resolve("audit-checkpoint");
    String admin = populatedAndStopped(config(jdbc));
    String signed = Files.readString(file);
    Files.delete(file);
    try (TestServer s = TestServer.start(config(jdbc))) {
      assertThat(s.send("GET", "/v1/audit/checkpoint", admin, null).statusCode())
          .isEqualTo(200);
      assertThat(Files.readString(file)).isEqualTo(signed);
      assertThat(s.send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    }
    assertThat(logged.list).anyMatch(e -> e.getLevel() == Level.WARN
        && e.getFormattedMessage().contains("no audit checkpoint file at " + file
            + ": adopted the store's latest checkpoint (size 8)"));
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void theCheckpointFileIsKeptWhereTheOperatorSaysAndChecksTheStoreFromThere(Stores.Kind kind)
      throws Exception {
    String jdbc = Stores.jdbcUrl(kind);
    Path elsewhere = dir.resolve("elsewhere").resolve("replica-a.checkpoint");
    String admin = populatedAndStopped(config(jdbc).withAuditCheckpointFile(elsewhere));
    assertThat(dir.resolve("data").resolve("audit-checkpoint")).doesNotExist();
    assertThat(Files.readString(elsewhere)).startsWith("imprint.local/imprint-audit\n8\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        elsewhere.getParent()))).isEqualTo("rwx------");
    try (Connection c = connect(jdbc)) {
      tamper(c, Tamper.DELETE_THE_CHECKPOINT_ROWS);
    }
    try (TestServer s = TestServer.start(config(jdbc).withAuditCheckpointFile(elsewhere))) {
      problem(s.send("GET", "/v1/audit/checkpoint", admin, null));
    }
  }

  @org.junit.jupiter.api.Test
  void aCheckpointFileThatCannotBeWrittenFailsReadinessUntilAWriteSucceedsAgain()
      throws Exception {
    Path file = dir.resolve("data").resolve("audit-checkpoint");
    try (TestServer s = TestServer.start(config(null))) {
      String admin = s.adminToken();
      populate(s, admin);
      Files.delete(file);
      Files.createDirectory(file);
      Files.writeString(file.resolve("in-the-way"), "x");
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
          .isEqualTo(201);
      HttpResponse<String> cp = s.send("GET", "/v1/audit/checkpoint", admin, null);
      assertThat(cp.statusCode()).as("signing goes on").isEqualTo(200);
      assertThat(JSON.readTree(cp.body()).get("size").asLong()).isEqualTo(9);
      HttpResponse<String> ready = s.send("GET", "/readyz", null, null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(ready.body()).get("reasons")).singleElement().satisfies(r -> {
        assertThat(r.get("code").asText()).isEqualTo("audit.checkpoint_file_unwritable");
        assertThat(r.get("detail").asText()).contains("cannot write the audit checkpoint file "
            + file);
      });
      assertThat(logged.list).anyMatch(e -> e.getLevel() == Level.ERROR
          && e.getFormattedMessage().startsWith("cannot write the audit checkpoint file"));
      assertThat(s.send("GET", "/metrics", null, null).body())
          .contains("imprint_audit_integrity_ok 1.0");

      Files.delete(file.resolve("in-the-way"));
      Files.delete(file);
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
          .isEqualTo(201);
      cp = s.send("GET", "/v1/audit/checkpoint", admin, null);
      assertThat(cp.statusCode()).isEqualTo(200);
      assertThat(Files.readString(file)).isEqualTo(JSON.readTree(cp.body()).get("note")
          .asText());
      assertThat(s.send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    }
  }

  /** Entries 0 (bootstrap) to 7, signed at sizes 5 and 8. */
  /** Starts a server on {@code c}, {@link #populate}s it and stops it; its admin token. */
  private static String populatedAndStopped(ServerConfig c) throws Exception {
    try (TestServer s = TestServer.start(c)) {
      populate(s, s.adminToken());
      return s.adminToken();
    }
  }

  private static void populate(TestServer s, String admin) throws Exception {
    for (int i = 1; i <= 7; i++) {
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
          .isEqualTo(201);
      if (i == 4 || i == 7) {
        HttpResponse<String> cp = s.send("GET", "/v1/audit/checkpoint", admin, null);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        assertThat(JSON.readTree(cp.body()).get("size").asLong()).isEqualTo(i + 1);
      }
    }
  }

  private void assertRefusesAndReports(TestServer s, String admin) throws Exception {
    HttpResponse<String> ready = s.send("GET", "/readyz", null, null);
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode reasons = JSON.readTree(ready.body()).get("reasons");
    assertThat(reasons).anySatisfy(r -> {
      assertThat(r.get("code").asText()).isEqualTo(CODE);
      assertThat(r.get("detail").asText()).isNotBlank();
    });
    for (String path : List.of("/v1/audit/checkpoint", "/v1/audit/entries?start=0&end=2",
        "/v1/audit/proof/inclusion?index=0&size=2", "/v1/audit/proof/consistency?first=1&second=2",
        "/v1/audit/export")) {
      problem(s.send("GET", path, admin, null));
    }
    assertThat(s.send("GET", "/v1/audit/key", admin, null).statusCode()).isEqualTo(200);
    assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
        .as("other writes go on").isEqualTo(201);
    assertThat(s.send("GET", "/metrics", null, null).body())
        .contains("imprint_audit_integrity_ok 0.0")
        .contains("imprint_audit_integrity_failures_total 1.0");
    assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR)
        .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
            .startsWith("audit log integrity failure: "));
  }

  private static void problem(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo(CODE);
  }

  private static void tamper(Connection c, Tamper tamper) throws Exception {
    try (Statement st = c.createStatement()) {
      switch (tamper) {
        case REWRITE_AN_ENTRY_WITH_ITS_LEAF_HASH -> {
          String entry = entry(c, 2);
          assertThat(entry).contains("\"role\":\"auditor\"");
          String forged = entry.replace("\"role\":\"auditor\"", "\"role\":\"admin\"");
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE audit_entries SET entry = ?, leaf_hash = ? WHERE seq = 2")) {
            ps.setString(1, forged);
            ps.setString(2, HexFormat.of().formatHex(AuditLog.leafHash(
                forged.getBytes(StandardCharsets.UTF_8))));
            assertThat(ps.executeUpdate()).isEqualTo(1);
          }
        }
        case DELETE_THE_TAIL_AND_ITS_CHECKPOINTS -> {
          assertThat(st.executeUpdate("DELETE FROM audit_entries WHERE seq >= 5")).isEqualTo(3);
          assertThat(st.executeUpdate("DELETE FROM audit_checkpoints WHERE tree_size > 5"))
              .isEqualTo(1);
        }
        case DELETE_THE_CHECKPOINT_ROWS ->
            assertThat(st.executeUpdate("DELETE FROM audit_checkpoints")).isEqualTo(2);
        case INSERT_A_FOREIGN_CHECKPOINT_ROW -> {
          byte[] seed = new byte[32];
          seed[0] = 7;
          CheckpointSigner other = new CheckpointSigner("imprint.local/imprint-audit", seed);
          Checkpoint cp = new Checkpoint("imprint.local/imprint-audit", 3, new byte[32]);
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints"
              + " (tree_size, root_hash, note, created_at) VALUES (3, ?, ?, 0)")) {
            ps.setString(1, cp.rootHex());
            ps.setString(2, other.sign(cp));
            assertThat(ps.executeUpdate()).isEqualTo(1);
          }
        }
        case LEAVE_A_GAP_IN_SEQ ->
            assertThat(st.executeUpdate("DELETE FROM audit_entries WHERE seq = 3")).isEqualTo(1);
        case REPLAY_AN_ENTRY_AS_A_NEW_ROW -> assertThat(st.executeUpdate("INSERT INTO"
            + " audit_entries (seq, logged_at, entry, leaf_hash) SELECT 8, logged_at, entry,"
            + " leaf_hash FROM audit_entries WHERE seq = 7")).isEqualTo(1);
        case MOVE_A_CHECKPOINT_TO_A_SIZE_THE_TREE_DISAGREES_WITH ->
            assertThat(st.executeUpdate(
                "UPDATE audit_checkpoints SET tree_size = 6 WHERE tree_size = 5")).isEqualTo(1);
        default -> throw new IllegalArgumentException(tamper.name());
      }
    }
  }

  private static String entry(Connection c, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT entry FROM audit_entries WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private long latestCheckpointSize(String jdbc) throws SQLException {
    try (Connection c = connect(jdbc); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(tree_size), 0) FROM"
            + " audit_checkpoints")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A connection of the tamperer's own, beside the server's pool. */
  private Connection connect(String jdbc) throws SQLException {
    return DriverManager.getConnection(jdbc != null ? jdbc
        : "jdbc:sqlite:" + dir.resolve("data").resolve("imprint.db"));
  }

  private ServerConfig config(String jdbc) {
    return TestServer.config(dir.resolve("data"), jdbc).withCheckpointInterval(Duration.ZERO);
  }

  /** Waits for {@code condition}; the deadline only bounds a broken run, it times nothing. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
