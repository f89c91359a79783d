package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

  private static Duration interval(String... args) {
    ServerCommand cmd = new ServerCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.checkpointInterval;
  }
}
