package dev.imprint.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Warm-up until the JIT is quiet, not for a fixed time: the scenario is driven in windows of
 * {@link #WINDOW_SECONDS} until two consecutive windows were quiet, after at least
 * {@code --warmup} seconds and at most {@code --warmup-max}. A window is quiet when the JIT
 * compilation time of the JVMs that serve and drive the row (their {@code CompilationMXBean}s)
 * grew by less than {@link #quietPercent} % of its total <em>and</em> their JIT compiler threads
 * used less than {@link #quietJitMillis} ms of CPU in it (read from {@code /proc}; where that
 * cannot be read, the compilation time's growth in ms stands for it).
 *
 * <p>The relative bound alone let rows through that still compiled: the total counts every
 * compilation since the JVM started, tens of seconds after a fresh JVM's first scenario (its own
 * start, then every method the first windows met), so 1 % of it was a few hundred ms of
 * compilation per 2-s window, tens of microseconds of JIT per request at a few thousand
 * requests a second. The absolute bound does not grow with the history; the relative one still
 * asks a JVM with a long history to be quiet relative to it. A fresh server JVM spends its first
 * tens of seconds compiling, and a scenario whose code the ones before it did not run compiles
 * too; a fixed short warm-up measured the compiler in the first rows.
 */
final class WarmUp {
  /** Seconds of one window between two readings of the compilation time. */
  static final int WINDOW_SECONDS = 2;
  /** The longest warm-up, seconds ({@code --warmup-max}); the cap when the JIT never settles. */
  static int maxSeconds = 120;
  /** The growth of the compilation time per window under which a window is quiet, percent. */
  static double quietPercent = 1.0;
  /**
   * The JIT compiler threads' CPU time per window under which a window is quiet, ms
   * ({@code --warmup-quiet-jit-ms}).
   */
  static long quietJitMillis = 50;
  /** Every warm-up's line of this run, for the result file (see {@link #takeLines}). */
  private static final List<String> LINES = new ArrayList<>();

  /** One window of load, {@code seconds} long. */
  interface Window {
    void drive(int seconds) throws Exception;
  }

  /**
   * What the JIT had done at one moment: the total compilation time in ms (-1 if not readable)
   * and the CPU time of the JIT compiler threads in ms (-1 if not readable).
   */
  record Reading(long compileMillis, long jitCpuMillis) {
    Reading plus(Reading o) {
      return new Reading(sum(compileMillis, o.compileMillis), sum(jitCpuMillis, o.jitCpuMillis));
    }

    private static long sum(long a, long b) {
      return a < 0 || b < 0 ? -1 : a + b;
    }
  }

  /**
   * One window's JIT work: the compilation time it added (ms, and percent of the total before
   * it) and the compiler threads' CPU time in it (ms, -1 if not readable).
   */
  record WindowWork(long compileMillis, double growthPercent, long jitCpuMillis) {
    static WindowWork between(Reading before, Reading after) {
      long cpu = before.jitCpuMillis() < 0 || after.jitCpuMillis() < 0 ? -1
          : Math.max(0, after.jitCpuMillis() - before.jitCpuMillis());
      return new WindowWork(Math.max(0, after.compileMillis() - before.compileMillis()),
          WarmUp.growthPercent(before.compileMillis(), after.compileMillis()), cpu);
    }

    /** Quiet: below both bounds (the compilation ms stand for the CPU ms when not readable). */
    boolean quiet() {
      return growthPercent < quietPercent
          && (jitCpuMillis >= 0 ? jitCpuMillis : compileMillis) < quietJitMillis;
    }

    String cell() {
      return String.format(Locale.ROOT, "+%d ms %.2f %% %s%s", compileMillis, growthPercent,
          jitCpuMillis < 0 ? "cpu ?" : "cpu " + jitCpuMillis, quiet() ? " q" : "");
    }
  }

  /**
   * How a warm-up ended: its length, the compilation time at its end (ms; -1 if not readable),
   * its windows and whether it stopped because the JIT was quiet (false: the cap, or a
   * minimum-only warm-up without a compilation time).
   */
  record Result(double seconds, long compileMillis, List<WindowWork> windows, boolean quiet) {
    String line(String what) {
      if (compileMillis < 0) {
        return String.format(Locale.ROOT, "warm-up: %s: %.0f s (fixed: no compilation time to"
            + " watch)", what, seconds);
      }
      StringBuilder w = new StringBuilder();
      windows.forEach(x -> w.append(w.length() == 0 ? "" : ", ").append(x.cell()));
      return String.format(Locale.ROOT, "warm-up: %s: %.0f s, JIT compilation time %,d ms at its"
          + " end%s; %d-s windows (compilation ms added, %% of the total, JIT threads' CPU ms;"
          + " q: quiet, < %s %% and < %d ms): %s", what, seconds, compileMillis,
          quiet ? "" : String.format(Locale.ROOT, "; NOT quiet: stopped at the cap of %d s"
              + " (--warmup-max)", maxSeconds), WINDOW_SECONDS, trim(quietPercent),
          quietJitMillis, w);
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
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
   * Whether a warm-up that has run {@code elapsedSeconds}, whose windows so far are
   * {@code windows}, may stop: the minimum reached and the last two windows quiet, or the cap
   * reached.
   */
  static boolean done(double elapsedSeconds, int minSeconds, List<WindowWork> windows) {
    if (elapsedSeconds >= maxSeconds) {
      return true;
    }
    return elapsedSeconds >= minSeconds && lastTwoQuiet(windows);
  }

  private static boolean lastTwoQuiet(List<WindowWork> windows) {
    int n = windows.size();
    return n >= 2 && windows.get(n - 1).quiet() && windows.get(n - 2).quiet();
  }

  /**
   * Drives {@code window} until the JIT {@code jit} reads is quiet (see the class); prints the
   * result on standard error as {@code what} and keeps it for {@link #takeLines}.
   * {@code minSeconds} 0: no warm-up. A compilation time below 0: a warm-up of
   * {@code minSeconds} alone.
   */
  static Result run(String what, Supplier<Reading> jit, int minSeconds, Window window)
      throws Exception {
    return run(what, jit, minSeconds, window, System::nanoTime);
  }

  /** {@link #run(String, Supplier, int, Window)} on the clock {@code nanoTime}. */
  static Result run(String what, Supplier<Reading> jit, int minSeconds, Window window,
      LongSupplier nanoTime) throws Exception {
    if (minSeconds <= 0) {
      return new Result(0, -1, List.of(), false);
    }
    long start = nanoTime.getAsLong();
    Reading last = jit.get();
    Result r;
    if (last.compileMillis() < 0) {
      window.drive(minSeconds);
      r = new Result((nanoTime.getAsLong() - start) / 1e9, -1, List.of(), false);
    } else {
      List<WindowWork> windows = new ArrayList<>();
      double elapsed = 0;
      while (!done(elapsed, minSeconds, windows)) {
        window.drive(WINDOW_SECONDS);
        Reading now = jit.get();
        windows.add(WindowWork.between(last, now));
        last = now;
        elapsed = (nanoTime.getAsLong() - start) / 1e9;
      }
      r = new Result(elapsed, last.compileMillis(), windows, lastTwoQuiet(windows));
    }
    String line = r.line(what);
    System.err.println(line);
    synchronized (LINES) {
      LINES.add(line);
    }
    return r;
  }

  /** The lines of the warm-ups since the last call, in order; empties the list. */
  static List<String> takeLines() {
    synchronized (LINES) {
      List<String> out = List.copyOf(LINES);
      LINES.clear();
      return out;
    }
  }

  /** Warms {@code op} from {@code clients} threads in this JVM until its JIT is quiet. */
  static void closedLoop(String name, int clients, int minSeconds, LoadGenerator.Op op)
      throws Exception {
    run(name + " " + clients + " clients", WarmUp::thisJvm, minSeconds,
        s -> LoadGenerator.drive(name, clients, s, op));
  }

  /**
   * The JIT work the warm-up of a row on {@code server} watches: the server JVM's, plus this
   * one's when the server runs apart (the open-loop senders and the clients compile too); a
   * compilation time of -1 when the server's cannot be read.
   */
  static Reading jit(BenchServer server) {
    Reading s = new Reading(server.compileMillis(), server.jitCpuMillis());
    return !server.separate() || s.compileMillis() < 0 ? s : s.plus(thisJvm());
  }

  /** This JVM's JIT work so far. */
  static Reading thisJvm() {
    return new Reading(thisJvmCompileMillis(), jitCpuMillis(ProcessHandle.current().pid()));
  }

  /** This JVM's total compilation time in ms, or -1 where the JVM does not keep it. */
  static long thisJvmCompileMillis() {
    var c = java.lang.management.ManagementFactory.getCompilationMXBean();
    return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime()
        : -1;
  }

  /**
   * The CPU time (user and system) of the JIT compiler threads of the JVM {@code pid} so far,
   * in ms, from {@code /proc/<pid>/task/<tid>/stat} of the threads named {@code C1/C2
   * CompilerThread} (the names are cut to 15 characters there); -1 where {@code /proc} cannot
   * be read or no thread has such a name (another JVM's naming: the compilation time stands in).
   * A compiler thread that ended takes its time with it.
   */
  static long jitCpuMillis(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    int compilers = 0;
    try (var list = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) list::iterator) {
        try {
          if (Files.readString(t.resolve("comm")).contains("CompilerThre")) {
            ticks += statTicks(Files.readString(t.resolve("stat")));
            compilers++;
          }
        } catch (IOException ended) {
          // a thread that ended since the listing
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return compilers == 0 ? -1 : ticks * 1000 / CLOCK_TICKS;
  }

  /** {@code USER_HZ}, the unit of {@code /proc}'s CPU times: 100 on Linux's ABI. */
  private static final long CLOCK_TICKS = 100;

  /** User plus system time in clock ticks of one {@code /proc/.../stat} line. */
  static long statTicks(String stat) {
    // after the command name in parentheses (which may hold spaces): state is field 3, utime 14
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
