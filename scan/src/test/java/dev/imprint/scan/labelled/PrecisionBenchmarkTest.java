package dev.imprint.scan.labelled;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The targets of issue 11's precision benchmark on the labelled corpus: every class found, and
 * at least 95 % of what is reported at high or critical severity labelled as a true positive.
 * With {@code -Dprecision.report=FILE} it also writes the Markdown table (bench/precision.sh).
 */
class PrecisionBenchmarkTest {

  @Test
  void everyClassIsFoundAndHighAndCriticalFindingsAreAtLeast95PercentRight() throws Exception {
    PrecisionBenchmark.Result r = PrecisionBenchmark.run();
    String table = PrecisionBenchmark.markdown(r);
    System.out.println(table);
    String report = System.getProperty("precision.report");
    if (report != null && !report.isBlank()) {
      Files.writeString(Path.of(report), table);
    }
    assertThat(r.labels()).isGreaterThanOrEqualTo(150);
    assertThat(r.scores()).allSatisfy(s -> assertThat(s.tp() + s.missed()).as(s.family())
        .isPositive());
    assertThat(r.misses()).as("labelled problems not found").isEmpty();
    assertThat(r.total().precisionHigh()).as("precision at high and critical; false positives: "
        + r.falsePositives()).isGreaterThanOrEqualTo(0.95);
  }
}
