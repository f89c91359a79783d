package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code LoadGenerator --open} prints: the closed-loop table whole, then the open-loop rows
 * in a table of their own, so no closed-loop row lands under the open-loop header.
 */
class LoadGeneratorOutputTest {
  private static final String OPEN_HEADER = AuthorizeLoad.openHeader().lines().findFirst()
      .orElseThrow();
  @TempDir Path dir;

  @Test
  void openWithEveryScenarioThenEachTablePrintedWhole() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream was = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // every scenario, so that closed-loop scenarios run after the identity ones
      LoadGenerator.main(new String[] {"--scenario", "all", "--store", "sqlite", "--open",
          "--clients", "1", "--seconds", "1", "--warmup", "0", "--no-baseline",
          "--server-log", dir.resolve("server.log").toString()});
    } finally {
      System.setOut(was);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    int open = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(OPEN_HEADER)) {
        open = i;
      }
    }
    assertThat(open).as("the open-loop header in\n%s", String.join("\n", lines))
        .isGreaterThan(0);
    List<String> openTable = lines.subList(open + 2, lines.size());
    assertThat(openTable).as("the open-loop table is the last one, each row one of its")
        .hasSize(4).allMatch(l -> l.startsWith("| jwt-svid-issue") || l.startsWith("| x509")
            || l.startsWith("| svid-validate") || l.startsWith("| jwt-svid-validate"));
    List<String> before = lines.subList(0, open);
    for (String closed : List.of("token-create", "token-list", "image-register", "image-read",
        "audit-append")) {
      assertThat(before).as(closed + " in the closed-loop table")
          .anyMatch(l -> l.startsWith("| " + closed + " | sqlite |"));
    }
    // the closed-loop table is one block: its header, then its rows, then a blank line
    assertThat(lines.get(0)).startsWith("| scenario | store | clients | requests |");
    int end = lines.indexOf("");
    assertThat(lines.subList(2, end)).as("closed-loop rows").hasSizeGreaterThan(10)
        .allMatch(l -> l.startsWith("| ") && l.split("\\|", -1).length == 11);
  }
}
