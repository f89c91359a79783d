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
    WarmUp.quietCompiles = 10;
    WarmUp.burstSeconds = 2;
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

  /** Readings from triples: compilation ms, JIT threads' CPU ms, compilations. */
  private static WarmUp.Reading[] triples(long... v) {
    WarmUp.Reading[] r = new WarmUp.Reading[v.length / 3];
    for (int i = 0; i < r.length; i++) {
      r[i] = new WarmUp.Reading(v[3 * i], v[3 * i + 1], v[3 * i + 2]);
    }
    return r;
  }

  @Test
  void aWindowOfManySmallCompilationsIsNotQuiet() throws Exception {
    // 10 ms of compiler CPU per window, but 40 compilations, then 40, then 3 and 2
    WarmUp.Result r = run(2, triples(30_000, 20_000, 1000, 30_005, 20_010, 1040, 30_010, 20_020,
        1080, 30_012, 20_030, 1083, 30_014, 20_040, 1085));
    assertThat(r.windows()).hasSize(4);
    assertThat(r.windows().subList(0, 2)).noneMatch(WarmUp.WindowWork::quiet);
    assertThat(r.line("x")).contains("cpu 10 comp 40,").contains("cpu 10 comp 2 q")
        .contains("< 10 compilations");
  }

  @Test
  void aRehearsalOfThreeRatesStopsOnlyAfterThreeQuietWindowsInARow() throws Exception {
    // windows: busy, quiet, quiet, busy (the third rate compiled), quiet, quiet, quiet: two
    // quiet windows in a row are one rate short of a quiet pass over the three
    int[] next = {0};
    WarmUp.Reading[] r = triples(1000, 100, 10, 2000, 900, 300, 2001, 910, 302, 2002, 920, 304,
        2400, 1300, 400, 2401, 1310, 401, 2402, 1320, 402, 2403, 1330, 403);
    WarmUp.Result w = WarmUp.run("rows", () -> r[Math.min(next[0]++, r.length - 1)], 1,
        s -> clock.addAndGet(s * 1_000_000_000L), clock::get, 3);
    assertThat(w.windows()).hasSize(7);
    assertThat(w.windows().get(3).quiet()).isFalse();
    assertThat(w.quiet()).isTrue();
    assertThat(WarmUp.done(14, 1, w.windows().subList(0, 3), 3)).isFalse();
    assertThat(WarmUp.done(14, 1, w.windows(), 3)).isTrue();
  }

  @Test
  void aRowIsQuietUnderTheWindowsBoundsTimesItsLength() {
    // a 10-s row is five 2-s windows: under 250 ms of compiler CPU and 50 compilations
    assertThat(rowJit(240, 49).quiet(10)).isTrue();
    assertThat(rowJit(250, 3).quiet(10)).as("compiler CPU").isFalse();
    assertThat(rowJit(30, 50).quiet(10)).as("compilations").isFalse();
    assertThat(rowJit(30, 12).quiet(1)).as("a row shorter than a window: one window's")
        .isFalse();
    assertThat(rowJit(30, -1).quiet(10)).as("compilations not counted").isTrue();
    // where the compiler threads' CPU cannot be read, the compilation ms stand for it
    assertThat(new WarmUp.RowJit(new WarmUp.WindowWork(300, 0.1, -1, 2), null).quiet(10))
        .isFalse();
  }

  private static WarmUp.RowJit rowJit(long cpuMillis, long compiles) {
    return new WarmUp.RowJit(new WarmUp.WindowWork(cpuMillis, 0.1, cpuMillis, compiles), null);
  }

  /** A staged warm-up whose stages' windows read {@code readings} in turn. */
  private WarmUp.Staged staged(List<String> stages, WarmUp.Reading... readings)
      throws Exception {
    int[] next = {0};
    return WarmUp.staged("test", () -> readings[Math.min(next[0]++, readings.length - 1)], 2,
        s -> {
          stages.add("gentle");
          clock.addAndGet(s * 1_000_000_000L);
        }, s -> {
          stages.add("burst");
          clock.addAndGet(s * 1_000_000_000L);
        }, clock::get);
  }

  @Test
  void gentleUntilQuietThenABurstThenGentleUntilQuietAgain() throws Exception {
    WarmUp.burstSeconds = 4;
    List<String> stages = new ArrayList<>();
    // gentle: busy, quiet, quiet; burst: 2 windows that compile; gentle: busy, quiet, quiet
    // (each stage reads the JIT once before its first window)
    WarmUp.Staged w = staged(stages, triples(1000, 100, 10, 2000, 900, 300, 2001, 910, 302,
        2002, 920, 304, 2400, 1300, 400, 2600, 1500, 450, 2700, 1600, 470, 2700, 1600, 470,
        2900, 1800, 520, 2901, 1810, 521, 2902, 1820, 522));
    assertThat(stages).containsExactly("gentle", "gentle", "gentle", "burst", "burst", "gentle",
        "gentle", "gentle");
    assertThat(w.stages()).hasSize(3);
    assertThat(w.stages().get(1).windows()).hasSize(2);
    assertThat(w.quiet()).isTrue();
    List<String> lines = WarmUp.takeLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("test, 8 clients at 1000 req/s");
    assertThat(lines.get(1)).contains("test, burst").contains("a burst of fixed length")
        .doesNotContain("NOT quiet");
    assertThat(lines.get(2)).contains("after the burst").doesNotContain("NOT quiet");
  }

  @Test
  void aStagedWarmUpIsQuietOnlyIfItsLastStageEndedQuiet() throws Exception {
    WarmUp.maxSeconds = 6;
    List<String> stages = new ArrayList<>();
    // quiet at once in the first stage; after the burst it compiles 50 a window to the cap
    long[] v = new long[3 * 12];
    for (int i = 0; i < 12; i++) {
      boolean busy = i >= 3;
      v[3 * i] = 1000 + (busy ? 40L * i : 0);
      v[3 * i + 1] = 100 + (busy ? 20L * i : 0);
      v[3 * i + 2] = 10 + (busy ? 50L * i : 0);
    }
    WarmUp.Staged w = staged(stages, triples(v));
    assertThat(w.stages().get(0).quiet()).isTrue();
    assertThat(w.stages().get(2).quiet()).isFalse();
    assertThat(w.quiet()).isFalse();
    assertThat(WarmUp.takeLines().get(2)).contains("NOT quiet");
  }

  @Test
  void withoutABurstOneGentleStage() throws Exception {
    WarmUp.burstSeconds = 0;
    List<String> stages = new ArrayList<>();
    WarmUp.Staged w = staged(stages, triples(1000, 100, 10));
    assertThat(stages).containsOnly("gentle").hasSize(2);
    assertThat(w.quiet()).isTrue();
    assertThat(WarmUp.staged("none", () -> null, 0, s -> { }, s -> { }).quiet()).isFalse();
  }

  /**
   * A performance data file in {@code order} with long counters {@code names} of
   * {@code values}, laid out as HotSpot lays it out: a 32-byte prologue, then entries of a
   * 20-byte head, the name (NUL-ended, padded) and the value.
   */
  private static java.nio.ByteBuffer perfData(java.nio.ByteOrder order, String[] names,
      long[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1024);
    b.putInt(0, 0xcafec0c0).put(4, (byte) (order == java.nio.ByteOrder.LITTLE_ENDIAN ? 1 : 0))
        .put(5, (byte) 2);
    b.order(order).putInt(24, 32).putInt(28, names.length);
    int entry = 32;
    for (int i = 0; i < names.length; i++) {
      byte[] name = names[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      int valueAt = 20 + (name.length + 1 + 7) / 8 * 8;
      b.putInt(entry, valueAt + 8).putInt(entry + 4, 20).putInt(entry + 8, 0)
          .put(entry + 12, (byte) 'J').putInt(entry + 16, valueAt);
      b.put(entry + 20, name).putLong(entry + valueAt, values[i]);
      entry += valueAt + 8;
    }
    return b;
  }

  @Test
  void theCompilationCountComesFromTheJvmsPerformanceData() {
    String[] names = {"sun.ci.totalCompilesX", "java.ci.totalTime", "sun.ci.totalCompiles"};
    long[] values = {1, 123, 4567};
    for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.LITTLE_ENDIAN,
        java.nio.ByteOrder.BIG_ENDIAN)) {
      assertThat(WarmUp.perfCounter(perfData(order, names, values), "sun.ci.totalCompiles"))
          .as(order.toString()).isEqualTo(4567);
      assertThat(WarmUp.perfCounter(perfData(order, names, values), "sun.ci.total"))
          .isEqualTo(-1);
    }
    java.nio.ByteBuffer notPerfData = java.nio.ByteBuffer.allocate(64);
    assertThat(WarmUp.perfCounter(notPerfData, "sun.ci.totalCompiles")).isEqualTo(-1);
    // this JVM has compiled something by now, and its own file says so
    assertThat(WarmUp.totalCompiles(ProcessHandle.current().pid())).isPositive();
    assertThat(WarmUp.thisJvm().compiles()).isPositive();
    assertThat(WarmUp.totalCompiles(-5)).isEqualTo(-1);
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
