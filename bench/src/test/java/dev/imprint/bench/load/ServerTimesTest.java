package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row's server-side times come from the request log lines of its route logged from its start
 * on: not another route's, not a line logged before the row that reached the file after its
 * mark, not the rest of a line the mark fell inside, not a line still being written; with the
 * lines' count beside the answers' when some never came.
 */
class ServerTimesTest {
  @TempDir Path dir;

  private static final long T0 = Instant.parse("2026-12-07T18:00:00.500Z").toEpochMilli();

  private static String line(String time, String method, String route, String ms) {
    return time + " INFO  imprint.request - " + method + " " + route + " 200 " + ms
        + "ms token=tok_1\n";
  }

  @Test
  void onlyTheRoutesLinesFromTheRowsStart() throws Exception {
    Path log = dir.resolve("server.log");
    String before = line("2026-12-07T17:59:59.900Z", "POST", "/v1/authorize", "9.0");
    Files.writeString(log, before + "2026-12-07T18:00:00.6", StandardCharsets.ISO_8859_1);
    // the mark falls inside a line (read from there, its rest would pass for a line of the row);
    // after it, a line of the warm-up logged before the mark
    ServerTimes.Mark mark = ServerTimes.Mark.at(log, Files.size(log), T0);
    Files.writeString(log, "00Z INFO  imprint.request - POST /v1/authorize 200 8.0ms token=-\n"
        + line("2026-12-07T18:00:00.499Z", "POST", "/v1/authorize", "7.0")
        + line("2026-12-07T18:00:00.500Z", "POST", "/v1/authorize", "0.3")
        + line("2026-12-07T18:00:00.501Z", "GET", "/v1/grants", "5.0")
        + line("2026-12-07T18:00:00.502Z", "POST", "/v1/authorize/x", "6.0")
        + "2026-12-07T18:00:00.503Z INFO  imprint.log - dropped 3 lines\n"
        + line("2026-12-07T18:00:01.000Z", "POST", "/v1/authorize", "0.1")
        + line("2026-12-07T18:00:01.200Z", "POST", "/v1/authorize", "1.2")
        + "2026-12-07T18:00:01.300Z INFO  imprint.request - POST /v1/authorize 200 4.",
        StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);
    ServerTimes.Stats s = ServerTimes.read(mark, "POST", "/v1/authorize", 4, 0);
    assertThat(s.sortedNanos()).containsExactly(100_000, 300_000, 1_200_000);
    assertThat(s.lines()).isEqualTo(3);
    assertThat(s.cell()).isEqualTo("0.3 / 1.2 / 1.2 (3 lines of 4 answers)");
    ServerTimes.Stats grants = ServerTimes.read(mark, "GET", "/v1/grants", 1, 0);
    assertThat(grants.cell()).isEqualTo("5.0 / 5.0 / 5.0");
  }

  @Test
  void aMarkAtALinesEndMissesNoLine() throws Exception {
    Path log = dir.resolve("server.log");
    Files.writeString(log, line("2026-12-07T17:59:59.900Z", "POST", "/v1/authorize", "9.0"));
    ServerTimes.Mark mark = ServerTimes.Mark.at(log, Files.size(log), T0);
    Files.writeString(log, line("2026-12-07T18:00:00.600Z", "POST", "/v1/authorize", "0.4"),
        StandardOpenOption.APPEND);
    assertThat(ServerTimes.read(mark, "POST", "/v1/authorize", 1, 0).sortedNanos())
        .containsExactly(400_000);
  }

  @Test
  void waitsForTheLastLinesTheWriterHasYetToFlush() throws Exception {
    Path log = dir.resolve("server.log");
    ServerTimes.Mark mark = ServerTimes.Mark.at(log, 0, T0);
    Files.writeString(log, line("2026-12-07T18:00:00.600Z", "POST", "/v1/authorize", "0.4"));
    Thread writer = new Thread(() -> {
      try {
        Files.writeString(log, line("2026-12-07T18:00:00.700Z", "POST", "/v1/authorize", "0.5"),
            StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    writer.start();
    // however the two interleave, the read ends when both lines are there (no time involved)
    ServerTimes.Stats s = ServerTimes.read(mark, "POST", "/v1/authorize", 2, 600_000_000_000L);
    writer.join();
    assertThat(s.sortedNanos()).containsExactly(400_000, 500_000);
    assertThat(s.cell()).isEqualTo("0.4 / 0.5 / 0.5");
  }

  @Test
  void noLogNoFigures() throws Exception {
    assertThat(ServerTimes.read(null, "POST", "/v1/authorize", 10, 0)).isNull();
    assertThat(ServerTimes.cell(null)).isEqualTo("-");
    assertThat(new ServerTimes.Stats(0, 10, new long[0]).cell()).isEqualTo("no lines");
  }
}
