package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When {@link WarmUp} stops: after two consecutive quiet windows past the minimum (quiet: below
 * the relative bound on the compilation time and the absolute one on the JIT threads' CPU), at
 * the cap when the JIT never settles, after the minimum alone without a compilation time. A fake
 * clock advances by each window's length and a list stands for the readings after each one.
 */
class WarmUpTest {
  private final AtomicLong clock = new AtomicLong();
  private final List<Integer> windows = new ArrayList<>();

  @AfterEach
  void defaults() {
    WarmUp.maxSeconds = 120;
    WarmUp.quietPercent = 1.0;
    WarmUp.quietJitMillis = 50;
    WarmUp.takeLines();
  }

  /** Readings of compilation ms alone, the JIT threads' CPU not readable (-1). */
  private WarmUp.Result run(int minSeconds, long... compileMillis) throws Exception {
    WarmUp.Reading[] r = new WarmUp.Reading[compileMillis.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = new WarmUp.Reading(compileMillis[i], -1);
    }
    return run(minSeconds, r);
  }

  /** Runs a warm-up whose JIT reads {@code readings} in turn (the last repeats). */
  private WarmUp.Result run(int minSeconds, WarmUp.Reading... readings) throws Exception {
    int[] next = {0};
    return WarmUp.run("test", () -> readings[Math.min(next[0]++, readings.length - 1)],
        minSeconds, s -> {
          windows.add(s);
          clock.addAndGet(s * 1_000_000_000L);
        }, clock::get);
  }

  /** Readings from pairs: compilation ms, JIT threads' CPU ms. */
  private static WarmUp.Reading[] pairs(long... v) {
    WarmUp.Reading[] r = new WarmUp.Reading[v.length / 2];
    for (int i = 0; i < r.length; i++) {
      r[i] = new WarmUp.Reading(v[2 * i], v[2 * i + 1]);
    }
    return r;
  }

  @Test
  void stopsAfterTwoConsecutiveQuietWindows() throws Exception {
    // +50 %, +10 %, +0.5 % (quiet), +5 % (not), +0.4 %, +0.3 %: quiet twice in a row only then
    WarmUp.Result r = run(2, 10000, 15000, 16500, 16540, 17400, 17440, 17470, 17470);
    assertThat(windows).hasSize(6).containsOnly(WarmUp.WINDOW_SECONDS);
    assertThat(r.quiet()).isTrue();
    assertThat(r.compileMillis()).isEqualTo(17470);
    assertThat(r.seconds()).isEqualTo(12.0);
    assertThat(r.line("x")).contains("12 s").contains("17,470 ms").doesNotContain("NOT quiet");
  }

  /**
   * The first scenario of a fresh JVM: tens of seconds compiled before, so a window that adds
   * 290 ms is under 1 % of the total; its compiler threads' 260 ms of CPU in 2 s is not quiet.
   */
  @Test
  void aLongHistoryDoesNotMakeHundredsOfMillisecondsQuiet() throws Exception {
    WarmUp.Result r = run(2, pairs(30_000, 20_000, 30_280, 20_250, 30_570, 20_510, 30_850,
        20_770, 30_870, 20_800, 30_880, 20_830));
    assertThat(r.windows()).hasSize(5);
    assertThat(r.windows().subList(0, 3)).allMatch(w -> w.growthPercent() < 1 && !w.quiet());
    assertThat(r.windows().subList(3, 5)).allMatch(WarmUp.WindowWork::quiet);
    assertThat(r.seconds()).isEqualTo(10.0);
    assertThat(r.line("x")).contains("+280 ms 0.93 % cpu 250,")
        .contains("+10 ms 0.03 % cpu 30 q");
  }

  @Test
  void aFewMillisecondsAreNotQuietWhileTheyAreMuchOfASmallTotal() throws Exception {
    // 40 ms added to 400 ms is 10 %, although under the absolute bound
    WarmUp.Result r = run(2, pairs(400, 100, 440, 130, 480, 160, 481, 161, 482, 162));
    assertThat(r.windows()).hasSize(4);
    assertThat(r.windows().get(1).quiet()).isFalse();
    assertThat(r.quiet()).isTrue();
  }

  @Test
  void withoutTheJitThreadsCpuTheCompilationMillisecondsAreBounded() throws Exception {
    // 30,000 ms then +200 ms twice: under 1 %, over 50 ms; then +20 ms twice
    WarmUp.Result r = run(2, 30_000, 30_200, 30_400, 30_420, 30_440);
    assertThat(r.windows()).hasSize(4);
    assertThat(r.line("x")).contains("cpu ?");
  }

  @Test
  void aQuietJitStillRunsTheMinimum() throws Exception {
    WarmUp.Result r = run(7, 5000);
    assertThat(windows).hasSize(4);
    assertThat(r.seconds()).isEqualTo(8.0);
    assertThat(r.quiet()).isTrue();
  }

  @Test
  void aJitThatNeverSettlesStopsAtTheCapAndSaysSo() throws Exception {
    WarmUp.maxSeconds = 10;
    long[] growing = new long[20];
    for (int i = 0; i < growing.length; i++) {
      growing[i] = 1000L << i;
    }
    WarmUp.Result r = run(2, growing);
    assertThat(windows).hasSize(5);
    assertThat(r.quiet()).isFalse();
    assertThat(r.line("x")).contains("NOT quiet").contains("cap of 10 s");
  }

  @Test
  void withoutACompilationTimeTheMinimumInOneWindow() throws Exception {
    WarmUp.Result r = run(3, -1);
    assertThat(windows).containsExactly(3);
    assertThat(r.line("x")).contains("fixed");
  }

  @Test
  void zeroMeansNoWarmUp() throws Exception {
    run(0, 1000, 2000);
    assertThat(windows).isEmpty();
    assertThat(WarmUp.takeLines()).isEmpty();
  }

  @Test
  void everyWarmUpKeepsItsLineWithItsWindowsForTheResultFile() throws Exception {
    run(2, 10000, 10010, 10020);
    run(3, -1);
    List<String> lines = WarmUp.takeLines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("+10 ms 0.10 % cpu ? q, +10 ms 0.10 % cpu ? q");
    assertThat(WarmUp.takeLines()).isEmpty();
  }

  @Test
  void growthIsRelativeToTheTimeSoFar() {
    assertThat(WarmUp.growthPercent(1000, 1010)).isEqualTo(1.0);
    assertThat(WarmUp.growthPercent(0, 5)).isEqualTo(100.0);
    assertThat(WarmUp.growthPercent(1000, 990)).isEqualTo(0.0);
  }

  @Test
  void theCompilerThreadsCpuComesFromProcStatFields() {
    // a command name with spaces and a parenthesis; utime 40, stime 2 (fields 14 and 15)
    String stat = "4711 (C2 Compiler) x) R 1 1 1 0 -1 4194368 2080 0 0 0 40 2 0 0 20 0 20 0 9";
    assertThat(WarmUp.statTicks(stat)).isEqualTo(42);
    assertThat(WarmUp.jitCpuMillis(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(0);
    assertThat(WarmUp.jitCpuMillis(-5)).isEqualTo(-1);
  }

  @Test
  void aProcessWithoutCompilerThreadsHasNoJitCpuTime() throws Exception {
    // not 0, which would make every window quiet: -1, so the compilation time stands in
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      assertThat(WarmUp.jitCpuMillis(sleep.pid())).isEqualTo(-1);
    } finally {
      sleep.destroy();
    }
  }
}
