package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  @TempDir Path dir;
  ImprintServer server;
  Supplier<String> previous;
  String admin;

  @BeforeEach
  void start() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerConfig d = ServerConfig.defaults();
    // checkpoints only when asked: the tests count them
    server = ImprintServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null,
        d.trustDomain(), null, null, false, d.logFormat(), d.maxBodyBytes())
        .withCheckpointInterval(java.time.Duration.ZERO),
        new PrintStream(console, true, StandardCharsets.UTF_8));
    admin = console.toString(StandardCharsets.UTF_8)
        .replaceAll("(?s).*admin token: (\\S+).*", "$1");
    previous = RemoteOptions.useTokenSource(() -> admin);
    for (String role : new String[] {"workload", "pipeline", "auditor", "workload"}) {
      assertThat(Cli.run("token", "create", "--role", role, "--server", server.url()).code())
          .isZero();
    }
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previous);
    server.close();
  }

  @Test
  void exportThenVerifySucceedsAsTheReadmeSays() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Cli export = Cli.run("audit", "export", file.toString(), "--server", server.url());
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(export.out()).contains("exported 5 entries to " + file.toAbsolutePath());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "data", "audit.jsonl");
    }
    Cli verify = Cli.run("audit", "verify", file.toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("verified: 5 entries, 1 signed checkpoint(s), origin"
        + " imprint.local/imprint-audit");

    String key = new ObjectMapper().readTree(Cli.run("audit", "export", file.toString(),
        "-o", "json", "--server", server.url()).out()).get("verifierKey").asText();
    assertThat(Cli.run("audit", "verify", file.toString(), "--key", key).code()).isZero();
  }

  @Test
  void verifyWithoutKeySaysTheCheckpointsWereCheckedOnlyWithTheKeyInTheFile() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Cli export = Cli.run("audit", "export", file.toString(), "-o", "json", "--server",
        server.url());
    assertThat(export.code()).as(export.err()).isZero();
    String key = new ObjectMapper().readTree(export.out()).get("verifierKey").asText();

    Cli unpinned = Cli.run("audit", "verify", file.toString());
    assertThat(unpinned.code()).isZero();
    assertThat(unpinned.out()).contains("checkpoints verified with the key in the file, " + key)
        .contains("pass --key <verifier key> to pin the server's key");

    Cli pinned = Cli.run("audit", "verify", file.toString(), "--key", key);
    assertThat(pinned.code()).isZero();
    assertThat(pinned.out()).contains("checkpoints verified with the pinned key " + key)
        .doesNotContain("key in the file");
  }

  @Test
  void verifyNamesTheFirstBadEntryAndSeparatesUnreadableFiles() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    assertThat(Cli.run("audit", "export", file.toString(), "--server", server.url()).code())
        .isZero();
    String text = Files.readString(file);
    Files.writeString(file, text.replace("\"role\\\":\\\"pipeline", "\"role\\\":\\\"admin"));
    assertThat(Files.readString(file)).isNotEqualTo(text);
    Cli bad = Cli.run("audit", "verify", file.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).contains("FAILED at entry 2: entry 2 was altered");

    Files.writeString(file, "not an export\n");
    assertThat(Cli.run("audit", "verify", file.toString()).code()).isEqualTo(2);
    assertThat(Cli.run("audit", "verify", dir.resolve("none.jsonl").toString()).code())
        .isEqualTo(2);
  }

  @Test
  void verifyWithATrustedCheckpointFailsForATruncatedExportAndOneCutBack() throws Exception {
    Path older = dir.resolve("older.jsonl");
    assertThat(Cli.run("audit", "export", older.toString(), "--server", server.url()).code())
        .isZero();
    Path cp5 = dir.resolve("cp5.txt");
    Files.writeString(cp5, checkpointNote());
    for (int i = 0; i < 2; i++) {
      assertThat(Cli.run("token", "create", "--role", "auditor", "--server", server.url())
          .code()).isZero();
    }
    Path cp7 = dir.resolve("cp7.txt");
    Files.writeString(cp7, checkpointNote());
    Path file = dir.resolve("audit.jsonl");
    assertThat(Cli.run("audit", "export", file.toString(), "--server", server.url()).code())
        .isZero();

    Cli ok = Cli.run("audit", "verify", file.toString(), "--trusted-checkpoint", cp5.toString());
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("verified: 7 entries")
        .contains("consistent with the trusted checkpoint for size 5");

    Cli cutBackAlone = Cli.run("audit", "verify", older.toString());
    assertThat(cutBackAlone.code()).as("an older export verifies on its own").isZero();
    Cli cutBack = Cli.run("audit", "verify", older.toString(), "--trusted-checkpoint",
        cp7.toString());
    assertThat(cutBack.code()).isEqualTo(1);
    assertThat(cutBack.out()).contains("FAILED at entry 5: the export holds 5 entries but the"
        + " trusted checkpoint signs 7: it was truncated or cut back to an earlier checkpoint");

    List<String> lines = Files.readAllLines(file);
    Path truncated = dir.resolve("truncated.jsonl");
    Files.write(truncated, lines.subList(0, lines.size() - 2));
    Cli cut = Cli.run("audit", "verify", truncated.toString(), "--trusted-checkpoint",
        cp7.toString());
    assertThat(cut.code()).isEqualTo(1);
    assertThat(cut.out()).contains("FAILED at entry 6");

    Cli mismatched = Cli.run("audit", "verify", file.toString(), "--trusted-checkpoint",
        cp7.toString(), "--key", AuditServers.otherLogKey());
    assertThat(mismatched.code()).isEqualTo(2);
    assertThat(mismatched.err()).contains("the trusted checkpoint " + cp7
        + " is not signed by --key");
  }

  /** GET /v1/audit/checkpoint with Accept: text/plain, as a user would keep it. */
  private String checkpointNote() throws Exception {
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url()
        + "/v1/audit/checkpoint")).header("Authorization", "Bearer " + admin)
        .header("Accept", "text/plain").build();
    return java.net.http.HttpClient.newHttpClient().send(req,
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void tailShowsTheLastEntriesAndProofVerifiesAnEntryAgainstTheSignedCheckpoint()
      throws Exception {
    Cli tail = Cli.run("audit", "tail", "-n", "2", "--server", server.url());
    assertThat(tail.code()).isZero();
    assertThat(tail.out()).contains("SEQ").contains("token.created").contains("role")
        .doesNotContain("system:bootstrap");

    Cli proof = Cli.run("audit", "proof", "--index", "1", "-o", "json", "--server",
        server.url());
    assertThat(proof.code()).as(proof.err()).isZero();
    JsonNode p = new ObjectMapper().readTree(proof.out());
    assertThat(p.get("verified").asBoolean()).isTrue();
    assertThat(p.get("size").asLong()).isEqualTo(5);

    Cli older = Cli.run("audit", "proof", "--index", "1", "--size", "3", "--server",
        server.url());
    assertThat(older.code()).as(older.err()).isZero();
    assertThat(older.out()).contains("entry 1 is included in the tree of size 3");

    Cli outOfRange = Cli.run("audit", "proof", "--index", "7", "--server", server.url());
    assertThat(outOfRange.code()).isEqualTo(3);
    assertThat(outOfRange.err()).contains("audit.out_of_range");
  }

  @Test
  void tailFollowPrintsEntriesAppendedWhileItRuns() throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.PrintWriter pw = new java.io.PrintWriter(out, true);
    Thread follower = new Thread(() -> Main.run(pw, new java.io.PrintWriter(
        new java.io.StringWriter()), "audit", "tail", "-n", "1", "--follow", "-o", "json",
        "--server", server.url()));
    follower.start();
    // the last entry is printed once the follower knows the log's size: anything appended from
    // then on is new to it
    long printing = System.nanoTime() + 30_000_000_000L;
    while (!out.toString().contains("\"seq\":4") && System.nanoTime() < printing) {
      Thread.sleep(20);
    }
    assertThat(out.toString()).as("the last entry before following").contains("\"seq\":4");
    Cli created = Cli.run("token", "create", "--role", "auditor", "-o", "json", "--server",
        server.url());
    String id = new ObjectMapper().readTree(created.out()).get("id").asText();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!out.toString().contains("token:" + id) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    follower.interrupt();
    follower.join(10_000);
    // (an interrupted follower ends with an empty page)
    assertThat(out.toString().lines().filter(l -> l.startsWith("{\"seq\":")))
        .as("the last entry, then the one appended, once each").satisfiesExactly(
            l -> assertThat(l).contains("\"seq\":4"),
            l -> assertThat(l).contains("\"seq\":5").contains("token:" + id));
  }
}
