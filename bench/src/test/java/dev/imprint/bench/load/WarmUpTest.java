package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When {@link WarmUp} stops: after two consecutive quiet windows past the minimum, at the cap
 * when the JIT never settles, after the minimum alone without a compilation time. A fake clock
 * advances by each window's length and a list stands for the compilation time read after it.
 */
class WarmUpTest {
  private final AtomicLong clock = new AtomicLong();
  private final List<Integer> windows = new ArrayList<>();

  @AfterEach
  void defaults() {
    WarmUp.maxSeconds = 120;
    WarmUp.quietPercent = 1.0;
  }

  /** Runs a warm-up whose compilation time reads {@code readings} in turn (the last repeats). */
  private WarmUp.Result run(int minSeconds, long... readings) throws Exception {
    int[] next = {0};
    return WarmUp.run("test", () -> readings[Math.min(next[0]++, readings.length - 1)],
        minSeconds, s -> {
          windows.add(s);
          clock.addAndGet(s * 1_000_000_000L);
        }, clock::get);
  }

  @Test
  void stopsAfterTwoConsecutiveQuietWindows() throws Exception {
    // +50 %, +10 %, +0.5 % (quiet), +5 % (not), +0.4 %, +0.3 %: quiet twice in a row only then
    WarmUp.Result r = run(2, 1000, 1500, 1650, 1658, 1741, 1748, 1753, 1753);
    assertThat(windows).hasSize(6).containsOnly(WarmUp.WINDOW_SECONDS);
    assertThat(r.quiet()).isTrue();
    assertThat(r.compileMillis()).isEqualTo(1753);
    assertThat(r.seconds()).isEqualTo(12.0);
    assertThat(r.line("x")).contains("12 s").contains("1,753 ms").doesNotContain("NOT quiet");
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
  }

  @Test
  void growthIsRelativeToTheTimeSoFar() {
    assertThat(WarmUp.growthPercent(1000, 1010)).isEqualTo(1.0);
    assertThat(WarmUp.growthPercent(0, 5)).isEqualTo(100.0);
    assertThat(WarmUp.growthPercent(1000, 990)).isEqualTo(0.0);
  }
}
