package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ServerCommandTest {
  @Test
  void checkpointIntervalReadsMillisecondsSecondsMinutesAndZeroAndDefaultsToTenSeconds() {
    assertThat(interval("--checkpoint-interval", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(interval("--checkpoint-interval", "10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(interval("--checkpoint-interval", "1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(interval("--checkpoint-interval", "2h")).isEqualTo(Duration.ofHours(2));
    assertThat(interval("--checkpoint-interval", "0")).isZero();
    assertThat(interval("--checkpoint-interval", "0s")).isZero();
    assertThat(interval()).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "ten", "-1s", "1.5s", "10 s", "10sec", "", "PT10S", "010s"})
  void aMalformedCheckpointIntervalIsAUsageErrorThatNamesTheValue(String value) {
    Cli r = Cli.run("server", "--checkpoint-interval", value);
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--checkpoint-interval")
        .contains("expected a duration such as 500ms, 10s or 1m")
        .contains("got '" + value + "'");
  }

  @Test
  @Timeout(60) // a regression would start a server that runs until stopped
  void anIntervalBelowTheMinimumIsRefusedBeforeTheServerStarts(@TempDir Path dir) {
    Cli r = Cli.run("server", "--checkpoint-interval", "5ms", "--listen", "127.0.0.1:0",
        "--data-dir", dir.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("expected --checkpoint-interval 0 (off) or at least 100ms,"
        + " got 5ms");
  }

  @Test
  @Timeout(60)
  void aSecondServerOnOneDataDirectoryExitsWithTwoAndSaysWhoHoldsIt(@TempDir Path dir) {
    ServerConfig d = ServerConfig.defaults().withListen("127.0.0.1:0");
    ServerConfig c = new ServerConfig(d.host(), d.port(), dir, null, d.trustDomain(), null, null,
        false, d.logFormat(), d.maxBodyBytes());
    try (ImprintServer first = ImprintServer.start(c, new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      Cli r = Cli.run("server", "--listen", "127.0.0.1:0", "--data-dir", dir.toString());
      assertThat(r.code()).isEqualTo(Main.USAGE);
      assertThat(r.err()).startsWith("imprint server: another imprint server (pid "
          + ProcessHandle.current().pid()).contains(dir.resolve("imprint.lock").toString());
    }
  }

  @Test
  @Timeout(60)
  void aPostgresHostThatAcceptsButNeverAnswersEndsTheStartWithOneLineWithoutThePassword(
      @TempDir Path dir) throws Exception {
    String password = "pw-Never-Printed-7f3a";
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress())) {
      java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread accepting = new Thread(() -> {
        while (!silent.isClosed()) {
          try {
            held.add(silent.accept()); // and never a word
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      accepting.setDaemon(true);
      accepting.start();
      Cli r = Cli.run("server", "--listen", "127.0.0.1:0", "--data-dir", dir.toString(),
          "--store-timeout", "1s", "--db", "jdbc:postgresql://127.0.0.1:"
              + silent.getLocalPort() + "/imprint?user=imprint&password=" + password);
      assertThat(r.code()).isEqualTo(Main.USAGE);
      assertThat(r.err()).startsWith("imprint server: cannot connect to PostgreSQL at 127.0.0.1:"
          + silent.getLocalPort() + "/imprint: no answer within 1 s")
          .doesNotContain(password).doesNotContain("Exception").doesNotContain("Position");
      assertThat(r.err().strip()).as("one line").doesNotContain("\n");
      assertThat(held).as("it reached the host").isNotEmpty();
      for (java.net.Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  @Timeout(60)
  void aDatabaseOpenToOthersExitsWithTwoNamingTheFixAndTheOverride(@TempDir Path dir)
      throws Exception {
    ServerConfig d = ServerConfig.defaults().withListen("127.0.0.1:0");
    ImprintServer.start(new ServerConfig(d.host(), d.port(), dir, null, d.trustDomain(), null,
        null, false, d.logFormat(), d.maxBodyBytes()), new PrintStream(
            new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).close();
    Files.setPosixFilePermissions(dir.resolve("imprint.db"),
        PosixFilePermissions.fromString("rw-r-----"));
    Cli r = Cli.run("server", "--listen", "127.0.0.1:0", "--data-dir", dir.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("refusing to start").contains("chmod 600 "
        + dir.resolve("imprint.db")).contains("--allow-insecure-permissions");
  }

  @Test
  void bootstrapAdminAndAllowInsecurePermissionsAreOffUnlessGiven() {
    ServerCommand off = new ServerCommand();
    new CommandLine(off).parseArgs();
    assertThat(off.bootstrapAdmin).isFalse();
    assertThat(off.allowInsecurePermissions).isFalse();
    ServerCommand on = new ServerCommand();
    new CommandLine(on).parseArgs("--bootstrap-admin", "--allow-insecure-permissions");
    assertThat(on.bootstrapAdmin).isTrue();
    assertThat(on.allowInsecurePermissions).isTrue();
    assertThat(Cli.run("server", "--help").out()).contains("--bootstrap-admin")
        .contains("--allow-insecure-permissions");
  }

  private static Duration interval(String... args) {
    ServerCommand cmd = new ServerCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.checkpointInterval;
  }
}
