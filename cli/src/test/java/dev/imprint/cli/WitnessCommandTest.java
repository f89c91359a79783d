package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.audit.Checkpoint;
import dev.imprint.server.audit.Cosigner;
import dev.imprint.server.audit.VerifierKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imprint audit witness} against a real server whose store is rolled back or forked by
 * restoring an older copy of its data directory (the server itself then sees a consistent,
 * older log: only someone who kept a checkpoint from outside can tell).
 */
class WitnessCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path data;
  Path state;
  ImprintServer server;
  Supplier<String> previousToken;

  @BeforeEach
  void start() {
    data = dir.resolve("data");
    state = dir.resolve("witness");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    server = AuditServers.start(data, 0, console);
    String admin = AuditServers.adminToken(console);
    previousToken = RemoteOptions.useTokenSource(() -> admin);
  }

  @AfterEach
  void stop() {
    RemoteOptions.useTokenSource(previousToken);
    server.close();
  }

  @Test
  void normalGrowthIsVerifiedCosignedAndKeptAsATrustedCheckpoint() throws Exception {
    AuditServers.grow(server, 4);
    Cli unpinned = witness();
    assertThat(unpinned.code()).isEqualTo(2);
    assertThat(unpinned.err()).contains("has no pinned log key yet: pass --key");

    Cli first = witness("--trust-on-first-use");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("verified checkpoint size 5 ").contains("the first one");
    assertThat(first.err()).contains("trusting the log key the server presents on first use");
    VerifierKey logKey = VerifierKey.parse(Files.readString(state.resolve("log-key")));
    String witnessKey = Files.readString(state.resolve("witness-key.pub")).strip();
    assertCosignedCheckpoint(logKey, witnessKey, 5);
    for (String f : List.of("log-key", "checkpoint", "witness-key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(f))))
          .as(f).isEqualTo("rw-------");
    }
    assertThat(Files.readString(state.resolve("witness-key"))).startsWith("PRIVATE+KEY+");

    AuditServers.grow(server, 3);
    Cli grown = witness("-o", "json");
    assertThat(grown.code()).as(grown.err()).isZero();
    JsonNode r = JSON.readTree(grown.out());
    assertThat(r.get("result").asText()).isEqualTo("verified");
    assertThat(r.get("size").asLong()).isEqualTo(8);
    assertThat(r.get("previousSize").asLong()).isEqualTo(5);
    assertCosignedCheckpoint(logKey, witnessKey, 8);
    assertThat(witness().code()).as("an unchanged log is fine").isZero();

    Path export = dir.resolve("audit.jsonl");
    assertThat(Cli.run("audit", "export", export.toString(), "--server", server.url()).code())
        .isZero();
    Cli verify = Cli.run("audit", "verify", export.toString(), "--trusted-checkpoint",
        state.resolve("checkpoint").toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("consistent with the trusted checkpoint for size 8")
        .contains("checkpoints verified with the key that signed the trusted checkpoint");

    Cli otherKey = witness("--key", AuditServers.otherLogKey());
    assertThat(otherKey.code()).isEqualTo(2);
    assertThat(otherKey.err()).contains("pins the log key " + logKey.encoded());
    assertThat(alerts()).isEmpty();
  }

  @Test
  void aRollbackToAnOlderCopyOfTheStoreIsCaughtAndTheKeptCheckpointStays() throws Exception {
    AuditServers.grow(server, 2);
    server.close();
    AuditServers.copy(data, dir.resolve("older"));
    server = AuditServers.start(data, 0, new ByteArrayOutputStream());
    long size = AuditServers.grow(server, 3);
    assertThat(witness("--trust-on-first-use").code()).isZero();
    String kept = Files.readString(state.resolve("checkpoint"));

    server.close();
    AuditServers.restore(dir.resolve("older"), data);
    server = AuditServers.start(data, 0, new ByteArrayOutputStream());
    Cli rolledBack = witness();
    assertThat(rolledBack.code()).isEqualTo(1);
    assertThat(rolledBack.err()).contains("ALERT rollback: the server's log went back from size "
        + size + " ");
    assertThat(Files.readString(state.resolve("checkpoint"))).isEqualTo(kept);
    assertThat(alerts()).singleElement().satisfies(a -> assertThat(Files.readString(a))
        .contains("alert: rollback").contains(kept));
  }

  @Test
  void aForkIsCaughtAtTheSameSizeAndOnceItGrowsPastTheWitness() throws Exception {
    AuditServers.grow(server, 2);
    server.close();
    AuditServers.copy(data, dir.resolve("older"));
    server = AuditServers.start(data, 0, new ByteArrayOutputStream());
    long size = AuditServers.grow(server, 3);
    assertThat(witness("--trust-on-first-use").code()).isZero();

    server.close();
    AuditServers.restore(dir.resolve("older"), data);
    server = AuditServers.start(data, 0, new ByteArrayOutputStream());
    assertThat(AuditServers.grow(server, 3)).isEqualTo(size);
    Cli sameSize = witness();
    assertThat(sameSize.code()).isEqualTo(1);
    assertThat(sameSize.err()).contains("ALERT fork: the server signed size " + size
        + " with root ");

    assertThat(AuditServers.grow(server, 2)).isEqualTo(size + 2);
    Cli grown = witness("-o", "json");
    assertThat(grown.code()).isEqualTo(1);
    assertThat(JSON.readTree(grown.out()).get("kind").asText()).isEqualTo("fork");
    assertThat(grown.err()).contains("is not consistent with the size " + size);
    assertThat(alerts()).hasSize(2);
  }

  @Test
  void watchFollowsGrowthRidesOutAnOutageThenAlertsRunsTheHookAndExitsNonZero()
      throws Exception {
    AuditServers.grow(server, 2);
    int port = server.port();
    server.close();
    AuditServers.copy(data, dir.resolve("older"));
    server = AuditServers.start(data, port, new ByteArrayOutputStream());
    AuditServers.grow(server, 3);

    Path hook = dir.resolve("hook.txt");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger code = new AtomicInteger(-1);
    Thread watcher = new Thread(() -> code.set(Main.run(new PrintWriter(out, true),
        new PrintWriter(err, true), "audit", "witness", "--server", server.url(), "--state",
        state.toString(), "--trust-on-first-use", "--watch", "--interval", "100ms",
        "--alert-command", "echo \"$IMPRINT_WITNESS_ALERT $IMPRINT_WITNESS_EVIDENCE\" > "
            + hook)));
    watcher.start();
    await("the first checkpoint", () -> out.toString().contains("the first one"));
    AuditServers.grow(server, 1);
    await("the grown checkpoint", () -> out.toString().contains("consistent with size"));

    server.close();
    await("a failed poll", () -> err.toString().contains("poll failed"));
    assertThat(watcher.isAlive()).isTrue();
    AuditServers.restore(dir.resolve("older"), data);
    server = AuditServers.start(data, port, new ByteArrayOutputStream());
    AuditServers.grow(server, 6);
    watcher.join(60_000);
    assertThat(watcher.isAlive()).isFalse();
    assertThat(code.get()).isEqualTo(1);
    assertThat(err.toString()).containsPattern("ALERT (rollback|fork)");
    assertThat(Files.readString(hook)).matches("(rollback|fork) " + state.resolve("alerts")
        + "/.*-(rollback|fork)\\.txt\\n");
  }

  @Test
  void aCheckpointThePinnedKeyDidNotSignIsABadSignatureAlertAndNothingIsKept() throws Exception {
    AuditServers.grow(server, 2);
    String other = AuditServers.otherLogKey();
    Cli c = witness("--key", other);
    assertThat(c.code()).as(c.err()).isEqualTo(1);
    assertThat(c.err()).contains("ALERT bad-signature: the server's checkpoint does not verify"
        + " with the pinned log key " + VerifierKey.parse(other).encoded());
    assertThat(state.resolve("checkpoint")).doesNotExist();
    assertThat(alerts()).singleElement().satisfies(a -> assertThat(Files.readString(a))
        .contains("alert: bad-signature").contains("(none)"));
  }

  @Test
  void anUnreachableServerIsExitFour() throws Exception {
    Cli c = Cli.run("audit", "witness", "--server", "http://127.0.0.1:1", "--state",
        state.toString(), "--key", AuditServers.otherLogKey());
    assertThat(c.code()).as(c.err()).isEqualTo(4);
    assertThat(c.err()).contains("cannot reach the Imprint server");
  }

  private void assertCosignedCheckpoint(VerifierKey logKey, String witnessKey, long size)
      throws Exception {
    String note = Files.readString(state.resolve("checkpoint"));
    Checkpoint cp = logKey.verify(note);
    assertThat(cp.size()).isEqualTo(size);
    assertThat(Cosigner.verify(witnessKey, note)).isPresent();
  }

  private List<Path> alerts() throws Exception {
    Path a = state.resolve("alerts");
    if (!Files.isDirectory(a)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(a)) {
      return files.toList();
    }
  }

  private Cli witness(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("audit", "witness", "--server",
        server.url(), "--state", state.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      AuditServers.sleep(50);
    }
  }
}
