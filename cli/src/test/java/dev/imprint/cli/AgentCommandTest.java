package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imprint agent}: what it refuses before serving, with the documented exit codes. */
class AgentCommandTest {
  @TempDir Path dir;

  @Test
  void exactlyOneWayToAttestIsRequired() {
    Cli none = Cli.run("agent", "--socket", dir.resolve("a.sock").toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("exactly one of --join-token");
    Cli both = Cli.run("agent", "--join-token", "imj_x", "--k8s-token-file",
        dir.resolve("t").toString(), "--socket", dir.resolve("a.sock").toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("got both");
  }

  @Test
  void plainHttpToAnotherHostIsRefused() {
    Cli c = Cli.run("agent", "--join-token", "imj_x", "--server", "http://imprint.example:7878",
        "--socket", dir.resolve("a.sock").toString());
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err()).contains("https://");
  }

  @Test
  void anUnreachableServerIsExit4AndARefusedJoinTokenExit3() {
    Cli unreachable = Cli.run("agent", "--join-token", "imj_x", "--server",
        "http://127.0.0.1:1", "--socket", dir.resolve("a.sock").toString());
    assertThat(unreachable.code()).as(unreachable.err()).isEqualTo(4);
    ServerConfig d = ServerConfig.defaults();
    try (ImprintServer server = ImprintServer.start(new ServerConfig("127.0.0.1", 0,
        dir.resolve("data"), null, d.trustDomain(), null, null, false, d.logFormat(),
        d.maxBodyBytes()).withCheckpointInterval(Duration.ZERO), new PrintStream(
            new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      Cli refused = Cli.run("agent", "--join-token", "imj_0123456789abcdef_"
          + "A".repeat(43), "--server", server.url(), "--socket",
          dir.resolve("a.sock").toString());
      assertThat(refused.code()).as(refused.err()).isEqualTo(3);
      assertThat(refused.err()).contains("join_token.invalid");
    }
  }

  @Test
  void aMalformedSelectorMapIsAUsageError() throws Exception {
    Path map = dir.resolve("selectors.yaml");
    java.nio.file.Files.writeString(map, "selectors:\n  - spiffe_id: spiffe://td/a\n");
    ServerConfig d = ServerConfig.defaults();
    try (ImprintServer server = ImprintServer.start(new ServerConfig("127.0.0.1", 0,
        dir.resolve("data"), null, d.trustDomain(), null, null, false, d.logFormat(),
        d.maxBodyBytes()).withCheckpointInterval(Duration.ZERO), new PrintStream(
            new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      Cli c = Cli.run("agent", "--join-token", "imj_x", "--server", server.url(),
          "--selectors", map.toString(), "--socket", dir.resolve("a.sock").toString());
      assertThat(c.code()).as(c.err()).isEqualTo(2);
      assertThat(c.err()).contains("selector map").contains("entry 1");
    }
  }
}
