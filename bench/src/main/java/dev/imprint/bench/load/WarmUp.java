package dev.imprint.bench.load;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Warm-up until the JIT is quiet, not for a fixed time: the scenario is driven in windows of
 * {@link #WINDOW_SECONDS} until the server JVM's total compilation time (its
 * {@code CompilationMXBean}) grew by less than {@link #quietPercent} % in each of two
 * consecutive windows, after at least {@code --warmup} seconds and at most {@code --warmup-max}.
 * A fresh server JVM spends its first tens of seconds compiling, and a scenario whose code the
 * ones before it did not run compiles too; a fixed short warm-up measured the compiler in the
 * first rows (16-client rows at 16-29 % of raw ES256 against 49 % at 64 clients, same code).
 */
final class WarmUp {
  /** Seconds of one window between two readings of the compilation time. */
  static final int WINDOW_SECONDS = 2;
  /** The longest warm-up, seconds ({@code --warmup-max}); the cap when the JIT never settles. */
  static int maxSeconds = 120;
  /** The growth of the compilation time per window under which a window is quiet, percent. */
  static double quietPercent = 1.0;

  /** One window of load, {@code seconds} long. */
  interface Window {
    void drive(int seconds) throws Exception;
  }

  /**
   * How a warm-up ended: its length, the compilation time at its end (ms; -1 if not readable),
   * the growth in the last two windows (percent) and whether it stopped because the JIT was
   * quiet (false: the cap, or a minimum-only warm-up without a compilation time).
   */
  record Result(double seconds, long compileMillis, double lastGrowth, double previousGrowth,
      boolean quiet) {
    String line(String what) {
      if (compileMillis < 0) {
        return String.format(Locale.ROOT, "warm-up: %s: %.0f s (fixed: no compilation time to"
            + " watch)", what, seconds);
      }
      return String.format(Locale.ROOT, "warm-up: %s: %.0f s, JIT compilation time %,d ms at its"
          + " end (last two windows +%.2f %%, +%.2f %%)%s", what, seconds, compileMillis,
          previousGrowth, lastGrowth, quiet ? "" : String.format(Locale.ROOT, "; NOT quiet:"
              + " stopped at the cap of %d s (--warmup-max)", maxSeconds));
    }
  }

  private WarmUp() {}

  /**
   * The growth from {@code before} to {@code after} compilation milliseconds, in percent of
   * {@code before} (100 when nothing had been compiled yet and something was).
   */
  static double growthPercent(long before, long after) {
    if (after <= before) {
      return 0;
    }
    return before <= 0 ? 100 : 100.0 * (after - before) / before;
  }

  /**
   * Whether a warm-up that has run {@code elapsedSeconds}, whose last two windows grew the
   * compilation time by {@code previous} and {@code last} percent, may stop: the minimum reached
   * and both windows quiet, or the cap reached.
   */
  static boolean done(double elapsedSeconds, int minSeconds, double previous, double last) {
    if (elapsedSeconds >= maxSeconds) {
      return true;
    }
    return elapsedSeconds >= minSeconds && previous < quietPercent && last < quietPercent;
  }

  /**
   * Drives {@code window} until the JIT {@code compileMillis} reads is quiet (see the class);
   * prints the result on standard error as {@code what}. {@code minSeconds} 0: no warm-up.
   * {@code compileMillis} returning a negative number: a warm-up of {@code minSeconds} alone.
   */
  static Result run(String what, LongSupplier compileMillis, int minSeconds, Window window)
      throws Exception {
    return run(what, compileMillis, minSeconds, window, System::nanoTime);
  }

  /** {@link #run(String, LongSupplier, int, Window)} on the clock {@code nanoTime}. */
  static Result run(String what, LongSupplier compileMillis, int minSeconds, Window window,
      LongSupplier nanoTime) throws Exception {
    if (minSeconds <= 0) {
      return new Result(0, -1, 0, 0, false);
    }
    long start = nanoTime.getAsLong();
    long compiled = compileMillis.getAsLong();
    if (compiled < 0) {
      window.drive(minSeconds);
      Result r = new Result((nanoTime.getAsLong() - start) / 1e9, -1, 0, 0, false);
      System.err.println(r.line(what));
      return r;
    }
    double previous = 100;
    double last = 100;
    double elapsed = 0;
    while (!done(elapsed, minSeconds, previous, last)) {
      window.drive(WINDOW_SECONDS);
      long now = compileMillis.getAsLong();
      previous = last;
      last = growthPercent(compiled, now);
      compiled = now;
      elapsed = (nanoTime.getAsLong() - start) / 1e9;
    }
    Result r = new Result(elapsed, compiled, last, previous, previous < quietPercent
        && last < quietPercent);
    System.err.println(r.line(what));
    return r;
  }

  /** Warms {@code op} from {@code clients} threads in this JVM until its JIT is quiet. */
  static void closedLoop(String name, int clients, int minSeconds, LoadGenerator.Op op)
      throws Exception {
    run(name + " " + clients + " clients", WarmUp::thisJvmCompileMillis, minSeconds,
        s -> LoadGenerator.drive(name, clients, s, op));
  }

  /**
   * The compilation time the warm-up of a row on {@code server} watches: the server JVM's, plus
   * this one's when the server runs apart (the open-loop senders and the clients compile too);
   * -1 when the server's cannot be read.
   */
  static long compileMillis(BenchServer server) {
    long s = server.compileMillis();
    return !server.separate() || s < 0 ? s : s + thisJvmCompileMillis();
  }

  /** This JVM's total compilation time in ms, or -1 where the JVM does not keep it. */
  static long thisJvmCompileMillis() {
    var c = java.lang.management.ManagementFactory.getCompilationMXBean();
    return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime()
        : -1;
  }
}
