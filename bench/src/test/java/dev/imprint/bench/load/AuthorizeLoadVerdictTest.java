package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The authz-bench verdict names every offered rate at which p99 held the 1 ms target and every
 * one at which it did not, in order, whatever the order of the two: a rate that held above a
 * missed one is listed, not cut off at the first miss.
 */
class AuthorizeLoadVerdictTest {
  /**
   * An open-loop row at {@code rate} whose latencies are all {@code millis} (p99 = it), sent on
   * time.
   */
  private static AuthorizeLoad.OpenResult row(String scenario, double rate, double millis,
      long errors) {
    return row(scenario, rate, millis, errors, 1.0, 0, 0.01);
  }

  /**
   * A row that achieved {@code achieved} of {@code rate}, with {@code behind} requests that
   * waited for a connection and a driver lateness of {@code lateMillis} (p99 = it).
   */
  private static AuthorizeLoad.OpenResult row(String scenario, double rate, double millis,
      long errors, double achieved, long behind, double lateMillis) {
    long[] lat = new long[100];
    Arrays.fill(lat, (long) (millis * 1e6));
    long[] late = new long[100];
    Arrays.fill(late, (long) (lateMillis * 1e6));
    return new AuthorizeLoad.OpenResult(scenario, "sqlite", "nio", 64, rate, lat.length, errors,
        behind, late, (lat.length + errors) / rate / achieved, lat, null, 0, 0);
  }

  private static AuthorizeLoad.Report report(List<AuthorizeLoad.OpenResult> authorize,
      List<AuthorizeLoad.OpenResult> floor) {
    LoadGenerator.Result saturation = new LoadGenerator.Result("authorize", "sqlite", 64, 10_000,
        0, 10, new long[0]);
    return new AuthorizeLoad.Report(saturation, "", null, Double.NaN, authorize, floor);
  }

  @Test
  void listsEveryRateThatHeldAndEveryOneThatDidNot() {
    String v = report(List.of(row("authorize", 100, 1.5, 0), row("authorize", 250, 0.8, 0),
        row("authorize", 500, 2.1, 0)), List.of(row("floor", 100, 0.5, 0),
            row("floor", 250, 0.6, 0), row("floor", 500, 0.9, 0))).verdict();
    String authorize = v.substring(0, v.indexOf("floor:"));
    String floor = v.substring(v.indexOf("floor:"));
    assertThat(authorize).contains("held at 250 req/s (25 %, p99 0.80 ms)")
        .contains("missed at 100 req/s (10 %, p99 1.50 ms), 500 req/s (50 %, p99 2.10 ms)");
    assertThat(floor).contains("held at 100 req/s (10 %, p99 0.50 ms), 250 req/s (25 %, p99"
        + " 0.60 ms), 500 req/s (50 %, p99 0.90 ms)").contains("missed at none");
  }

  @Test
  void aRowWithErrorsDidNotHoldWhateverItsP99() {
    String v = report(List.of(row("authorize", 100, 0.3, 2)), List.of()).verdict();
    assertThat(v).contains("held at none").contains("missed at 100 req/s (10 %, p99 0.30 ms,"
        + " 2 errors)");
  }

  @Test
  void aRowTheDriverDidNotOfferOnTimeIsNeitherHeldNorMissed() {
    String v = report(List.of(row("authorize", 100, 1.3, 0, 1.0, 0, 0.2),
        row("authorize", 250, 5.0, 0, 0.95, 0, 0.01), row("authorize", 500, 0.4, 0, 0.995, 0,
            0.09), row("authorize", 750, 0.3, 0, 0.95, 0, 0.2)), List.of()).verdict();
    String authorize = v.substring(0, v.indexOf("floor:"));
    assertThat(authorize).contains("held at 500 req/s (50 %, p99 0.40 ms); missed at none;"
        + " driver could not offer the rate at 100 req/s (10 %, p99 1.30 ms; achieved 100"
        + " req/s, driver late p99 0.200 ms), 250 req/s (25 %, p99 5.00 ms; achieved 237 req/s,"
        + " driver late p99 0.010 ms), 750 req/s (75 %, p99 0.30 ms; achieved 713 req/s, driver"
        + " late p99 0.200 ms)");
  }

  @Test
  void aLateDriverDoesNotUndoAHeldTargetItCouldOnlyHaveWorsened() {
    // latency runs from the scheduled time: the driver's lateness is inside the 0.6 ms p99
    String v = report(List.of(row("authorize", 100, 0.6, 0, 1.0, 0, 0.4)), List.of())
        .verdict();
    assertThat(v).contains("held at 100 req/s (10 %, p99 0.60 ms); missed at none")
        .doesNotContain("driver could not");
  }

  @Test
  void aRowAfterAWarmUpThatWasNotQuietIsNeitherHeldNorMissed() {
    // the JIT was still compiling when the warm-up stopped at its cap: the saturation and every
    // rate taken from it measured code being compiled
    String v = report(List.of(row("authorize", 100, 0.5, 0).with(false, null, null),
        row("authorize", 250, 3.0, 0).with(false, null, null),
        row("authorize", 500, 0.7, 0).with(true, null, null)), List.of()).verdict();
    assertThat(v).contains("held at 500 req/s (50 %, p99 0.70 ms); missed at none; not judged,"
        + " warm-up not quiet, at 100 req/s (10 %, p99 0.50 ms), 250 req/s (25 %, p99 3.00"
        + " ms)").doesNotContain("driver could not");
    assertThat(row("authorize", 100, 0.5, 0).with(false, null, null).judged()).isFalse();
  }

  @Test
  void aRowDuringWhichTheServerCompiledIsNeitherHeldNorMissed() {
    // 1-s rows: one window's bounds (50 ms of compiler CPU, 10 compilations)
    WarmUp.RowJit busy = new WarmUp.RowJit(new WarmUp.WindowWork(400, 0.5, 430, 54), null);
    WarmUp.RowJit quiet = new WarmUp.RowJit(new WarmUp.WindowWork(5, 0.01, 10, 2), null);
    String v = report(List.of(row("authorize", 100, 4.0, 0, 1.0, 0, 1.8).with(true, busy, null),
        row("authorize", 250, 0.5, 0).with(true, busy, null),
        row("authorize", 500, 0.7, 0).with(true, quiet, null)), List.of()).verdict();
    assertThat(v).contains("held at 500 req/s (50 %, p99 0.70 ms); missed at none; not judged,"
        + " the server's JIT compiled during the row, at 100 req/s (10 %, p99 4.00 ms), 250"
        + " req/s (25 %, p99 0.50 ms)").doesNotContain("driver could not");
    assertThat(row("authorize", 250, 0.5, 0).with(true, busy, null).judged()).isFalse();
    assertThat(row("authorize", 250, 0.5, 0).with(true, null, null).judged())
        .as("the JIT not read").isTrue();
  }

  @Test
  void eachRowSaysWhetherItsWarmUpEndedQuietAndTheServersOwnTimes() {
    long[] server = {100_000, 200_000, 300_000, 2_000_000};
    AuthorizeLoad.OpenResult r = row("authorize", 100, 0.5, 0).with(false,
        new WarmUp.RowJit(new WarmUp.WindowWork(3, 0.01, 20, 4), null),
        new ServerTimes.Stats(4, 4, server));
    String[] cells = r.row().split("\\|", -1);
    String[] header = AuthorizeLoad.openHeader().lines().findFirst().orElseThrow()
        .split("\\|", -1);
    assertThat(cells).hasSameSizeAs(header);
    assertThat(cells[cells.length - 2].trim()).isEqualTo("no");
    assertThat(header[12]).contains("server p50 / p99 / max");
    assertThat(cells[12].trim()).isEqualTo("0.2 / 2.0 / 2.0");
    assertThat(cells[cells.length - 4].trim()).isEqualTo("20 ms / 4");
  }

  @Test
  void aRateTheServerHeldBackIsAMissNotTheDrivers() {
    // requests waited for a free connection: the server was slower than the rate
    String v = report(List.of(row("authorize", 500, 40, 0, 0.9, 300, 0.01)), List.of())
        .verdict();
    assertThat(v).contains("held at none; missed at 500 req/s (50 %, p99 40.00 ms)")
        .doesNotContain("driver could not");
  }
}
