package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Progress shows itself only after its delay of a second. The tests wait on what it printed,
 * not for a fixed time: on a loaded machine its timer may run late.
 */
class ProgressTest {
  private static final long DELAY_NANOS = 1_000_000_000L;

  @Test
  void disabledProgressPrintsNothing() throws Exception {
    StringWriter err = new StringWriter();
    try (Progress p = Progress.start(new PrintWriter(err), false)) {
      p.scanned(3, 2048);
      Thread.sleep(1200); // past the delay: an enabled one would have printed by now
    }
    assertThat(err.toString()).isEmpty();
  }

  /**
   * Closed before its delay, it prints nothing. A run in which this thread was held up past the
   * delay says nothing about that, so it is made again (a few times at most).
   */
  @Test
  void shortScansPrintNothing() {
    for (int attempt = 1; ; attempt++) {
      StringWriter err = new StringWriter();
      long started = System.nanoTime();
      try (Progress p = Progress.start(new PrintWriter(err), true)) {
        p.scanned(3, 2048);
      }
      if (System.nanoTime() - started < DELAY_NANOS || attempt == 5) {
        assertThat(err.toString()).isEmpty();
        return;
      }
    }
  }

  @Test
  void longScansShowFilesAndMegabytesThenClearTheLine() throws Exception {
    StringWriter err = new StringWriter();
    try (Progress p = Progress.start(new PrintWriter(err), true)) {
      p.scanned(42, 3 * 1024 * 1024);
      long deadline = System.nanoTime() + 30 * DELAY_NANOS;
      while (!err.toString().contains("MB") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    String s = err.toString();
    assertThat(s).startsWith("\rscanning: 42 files, 3.0 MB").endsWith("\r");
    assertThat(s.substring(s.lastIndexOf("MB") + 2)).matches("\\s*\\r[ ]+\\r");
  }
}
