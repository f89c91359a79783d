package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void disabledProgressPrintsNothing() throws Exception {
    StringWriter err = new StringWriter();
    try (Progress p = Progress.start(new PrintWriter(err), false)) {
      p.scanned(3, 2048);
      Thread.sleep(1200);
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void shortScansPrintNothing() {
    StringWriter err = new StringWriter();
    try (Progress p = Progress.start(new PrintWriter(err), true)) {
      p.scanned(3, 2048);
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void longScansShowFilesAndMegabytesThenClearTheLine() throws Exception {
    StringWriter err = new StringWriter();
    try (Progress p = Progress.start(new PrintWriter(err), true)) {
      p.scanned(42, 3 * 1024 * 1024);
      Thread.sleep(1500);
    }
    String s = err.toString();
    assertThat(s).startsWith("\rscanning: 42 files, 3.0 MB").endsWith("\r");
    assertThat(s.substring(s.lastIndexOf("MB") + 2)).matches("\\s*\\r[ ]+\\r");
  }
}
