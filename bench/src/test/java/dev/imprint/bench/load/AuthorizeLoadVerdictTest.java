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
  /** An open-loop row at {@code rate} whose latencies are all {@code millis} (p99 = it). */
  private static AuthorizeLoad.OpenResult row(String scenario, double rate, double millis,
      long errors) {
    long[] lat = new long[100];
    Arrays.fill(lat, (long) (millis * 1e6));
    return new AuthorizeLoad.OpenResult(scenario, "sqlite", 64, rate, lat.length, errors, 0,
        new long[0], 10, lat, null, 0);
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
}
