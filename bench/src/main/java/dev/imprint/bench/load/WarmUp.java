package dev.imprint.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Warm-up until the JIT is quiet, not for a fixed time: the scenario is driven in windows of
 * {@link #WINDOW_SECONDS} until two consecutive windows were quiet, after at least
 * {@code --warmup} seconds and at most {@code --warmup-max}. A window is quiet when the JIT
 * compilation time of the JVMs that serve and drive the row (their {@code CompilationMXBean}s)
 * grew by less than {@link #quietPercent} % of its total, their JIT compiler threads used less
 * than {@link #quietJitMillis} ms of CPU in it (read from {@code /proc}; where that cannot be
 * read, the compilation time's growth in ms stands for it) <em>and</em> they made fewer than
 * {@link #quietCompiles} compilations (where counted). {@link #staged} warms a server with few
 * clients first, so that the compiler gets the cores.
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
  /**
   * The compilations per window under which a window is quiet, where the JVM counts them
   * ({@code --warmup-quiet-compiles}): the JIT compiler threads' CPU can be low in a window
   * that still compiled many small methods.
   */
  static long quietCompiles = 10;
  /**
   * The clients of the gentle stages of {@link #staged} ({@code --warmup-clients}): few, so
   * that the compiler threads get the cores the requests leave.
   */
  static int clients = 8;
  /**
   * The rate the gentle stages' clients keep together, requests a second
   * ({@code --warmup-rate}).
   */
  static double rate = 1000;
  /**
   * The saturated burst between the gentle stages, seconds ({@code --warmup-burst}; 0: none):
   * the paths only many connections take (a longer queue, more request threads) get compiled.
   */
  static int burstSeconds = 2;
  /** Every warm-up's line of this run, for the result file (see {@link #takeLines}). */
  private static final List<String> LINES = new ArrayList<>();

  /** One window of load, {@code seconds} long. */
  interface Window {
    void drive(int seconds) throws Exception;
  }

  /**
   * What the JIT had done at one moment: the total compilation time in ms, the CPU time of the
   * JIT compiler threads in ms and the number of compilations (each -1 if not readable).
   */
  record Reading(long compileMillis, long jitCpuMillis, long compiles) {
    Reading(long compileMillis, long jitCpuMillis) {
      this(compileMillis, jitCpuMillis, -1);
    }

    Reading plus(Reading o) {
      return new Reading(sum(compileMillis, o.compileMillis), sum(jitCpuMillis, o.jitCpuMillis),
          sum(compiles, o.compiles));
    }

    private static long sum(long a, long b) {
      return a < 0 || b < 0 ? -1 : a + b;
    }
  }

  /**
   * One window's JIT work: the compilation time it added (ms, and percent of the total before
   * it), the compiler threads' CPU time in it (ms) and the compilations in it (each -1 if not
   * readable).
   */
  record WindowWork(long compileMillis, double growthPercent, long jitCpuMillis, long compiles) {
    WindowWork(long compileMillis, double growthPercent, long jitCpuMillis) {
      this(compileMillis, growthPercent, jitCpuMillis, -1);
    }

    static WindowWork between(Reading before, Reading after) {
      return new WindowWork(Math.max(0, after.compileMillis() - before.compileMillis()),
          WarmUp.growthPercent(before.compileMillis(), after.compileMillis()),
          delta(before.jitCpuMillis(), after.jitCpuMillis()),
          delta(before.compiles(), after.compiles()));
    }

    private static long delta(long before, long after) {
      return before < 0 || after < 0 ? -1 : Math.max(0, after - before);
    }

    /**
     * Quiet: below every bound (the compilation ms stand for the CPU ms when not readable; the
     * count is bounded only where it is read).
     */
    boolean quiet() {
      return growthPercent < quietPercent
          && (jitCpuMillis >= 0 ? jitCpuMillis : compileMillis) < quietJitMillis
          && (compiles < 0 || compiles < quietCompiles);
    }

    String cell() {
      return String.format(Locale.ROOT, "+%d ms %.2f %% %s%s%s", compileMillis, growthPercent,
          jitCpuMillis < 0 ? "cpu ?" : "cpu " + jitCpuMillis,
          compiles < 0 ? "" : " comp " + compiles, quiet() ? " q" : "");
    }

    /** During a measured row: the compiler threads' CPU ms and the compilations, "?" unread. */
    String rowCell() {
      return (jitCpuMillis < 0 ? "?" : Long.toString(jitCpuMillis)) + " ms / "
          + (compiles < 0 ? "?" : Long.toString(compiles));
    }
  }

  /**
   * How a warm-up ended: its length, the compilation time at its end (ms; -1 if not readable),
   * its windows and whether it stopped because the JIT was quiet (false: the cap, or a
   * minimum-only warm-up without a compilation time); {@code fixed}: a burst of a fixed length,
   * which does not wait for the JIT.
   */
  record Result(double seconds, long compileMillis, List<WindowWork> windows, boolean quiet,
      boolean fixed) {
    Result(double seconds, long compileMillis, List<WindowWork> windows, boolean quiet) {
      this(seconds, compileMillis, windows, quiet, false);
    }

    String line(String what) {
      if (compileMillis < 0) {
        return String.format(Locale.ROOT, "warm-up: %s: %.0f s (fixed: no compilation time to"
            + " watch)", what, seconds);
      }
      StringBuilder w = new StringBuilder();
      windows.forEach(x -> w.append(w.length() == 0 ? "" : ", ").append(x.cell()));
      String end = quiet ? "" : fixed ? "; a burst of fixed length (the stage after it waits"
          + " for a quiet JIT)" : String.format(Locale.ROOT, "; NOT quiet: stopped at the cap"
          + " of %d s (--warmup-max)", maxSeconds);
      return String.format(Locale.ROOT, "warm-up: %s: %.0f s, JIT compilation time %,d ms at its"
          + " end%s; %d-s windows (compilation ms added, %% of the total, JIT threads' CPU ms,"
          + " compilations; q: quiet, < %s %%, < %d ms and < %d compilations): %s", what,
          seconds, compileMillis, end, WINDOW_SECONDS, trim(quietPercent), quietJitMillis,
          quietCompiles, w);
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
    return done(elapsedSeconds, minSeconds, windows, 2);
  }

  /**
   * {@link #done(double, int, List)} with the last {@code quietRun} windows quiet (at least
   * one).
   */
  static boolean done(double elapsedSeconds, int minSeconds, List<WindowWork> windows,
      int quietRun) {
    if (elapsedSeconds >= maxSeconds) {
      return true;
    }
    return elapsedSeconds >= minSeconds && lastQuiet(windows, quietRun);
  }

  private static boolean lastQuiet(List<WindowWork> windows, int quietRun) {
    int n = windows.size();
    if (quietRun < 1 || n < quietRun) {
      return false;
    }
    for (int i = n - quietRun; i < n; i++) {
      if (!windows.get(i).quiet()) {
        return false;
      }
    }
    return true;
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
    return run(what, jit, minSeconds, window, nanoTime, 2);
  }

  /**
   * {@link #run(String, Supplier, int, Window, LongSupplier)} until the last {@code quietRun}
   * windows were quiet; {@code quietRun} 0: windows for {@code minSeconds} (one at least),
   * whether or not the JIT is quiet, each one's work recorded (a burst of fixed length).
   */
  static Result run(String what, Supplier<Reading> jit, int minSeconds, Window window,
      LongSupplier nanoTime, int quietRun) throws Exception {
    boolean fixed = quietRun <= 0;
    if (minSeconds <= 0) {
      return new Result(0, -1, List.of(), false);
    }
    long start = nanoTime.getAsLong();
    java.time.Instant from = java.time.Instant.now();
    Reading last = jit.get();
    Result r;
    if (last.compileMillis() < 0) {
      window.drive(minSeconds);
      r = new Result((nanoTime.getAsLong() - start) / 1e9, -1, List.of(), false);
    } else {
      List<WindowWork> windows = new ArrayList<>();
      double elapsed = 0;
      while (fixed ? windows.isEmpty() || elapsed < minSeconds
          : !done(elapsed, minSeconds, windows, quietRun)) {
        window.drive(WINDOW_SECONDS);
        Reading now = jit.get();
        windows.add(WindowWork.between(last, now));
        last = now;
        elapsed = (nanoTime.getAsLong() - start) / 1e9;
      }
      r = new Result(elapsed, last.compileMillis(), windows, !fixed && lastQuiet(windows, quietRun),
          fixed);
    }
    String line = r.line(what);
    AuthorizeLoad.phase("warm-up " + what, from);
    System.err.println(line);
    synchronized (LINES) {
      LINES.add(line);
    }
    return r;
  }

  /**
   * A staged warm-up's stages in order; it ended quiet when its last stage did (a burst is
   * always followed by a stage that waits for a quiet JIT).
   */
  record Staged(List<Result> stages) {
    boolean quiet() {
      return !stages.isEmpty() && stages.get(stages.size() - 1).quiet();
    }
  }

  /**
   * Warms a server without starving its JIT: {@code gentle} (few clients at a modest rate, see
   * {@link #clients} and {@link #rate}) until the JIT is quiet, at least {@code minSeconds};
   * then, unless {@link #burstSeconds} is 0, {@code burst} (every connection, saturating) for
   * {@link #burstSeconds}, so that what only saturation runs is compiled too; then {@code
   * gentle} again until the JIT is quiet once more. At saturation the compiler threads get a
   * share of the cores among the busy request threads and never catch up (measured: 250 to
   * 370 ms of their CPU per 2-s window after minutes); a gentle load leaves them the cores.
   * {@code minSeconds} 0: no warm-up, never quiet.
   */
  static Staged staged(String what, Supplier<Reading> jit, int minSeconds, Window gentle,
      Window burst) throws Exception {
    return staged(what, jit, minSeconds, gentle, burst, System::nanoTime);
  }

  /** {@link #staged(String, Supplier, int, Window, Window)} on the clock {@code nanoTime}. */
  static Staged staged(String what, Supplier<Reading> jit, int minSeconds, Window gentle,
      Window burst, LongSupplier nanoTime) throws Exception {
    if (minSeconds <= 0) {
      return new Staged(List.of());
    }
    String slow = String.format(Locale.ROOT, "%d clients at %.0f req/s", clients, rate);
    List<Result> stages = new ArrayList<>();
    stages.add(run(what + ", " + slow, jit, minSeconds, gentle, nanoTime, 2));
    if (burstSeconds > 0) {
      stages.add(run(what + ", burst", jit, burstSeconds, burst, nanoTime, 0));
      stages.add(run(what + ", after the burst, " + slow, jit, 1, gentle, nanoTime, 2));
    }
    return new Staged(List.copyOf(stages));
  }

  /**
   * {@code op} paced for a gentle warm-up: {@code clients} closed-loop clients keep
   * {@code perSecond} requests a second together, each client at most one request per
   * {@code clients / perSecond} seconds (a client that fell behind goes on from now, without a
   * catch-up burst). Each client's next time is its own thread's slot.
   */
  static LoadGenerator.Op paced(LoadGenerator.Op op, int clients, double perSecond) {
    long gap = (long) (clients * 1e9 / perSecond);
    long[] next = new long[clients];
    return (client, i) -> {
      long now = System.nanoTime();
      long due = Math.max(next[client], now);
      while (due - now > 0) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      next[client] = due + gap;
      return op.call(client, i);
    };
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
    Reading s = server(server);
    return !server.separate() || s.compileMillis() < 0 ? s : s.plus(thisJvm());
  }

  /** The server JVM's JIT work so far (this JVM's when the server shares it). */
  static Reading server(BenchServer server) {
    return new Reading(server.compileMillis(), server.jitCpuMillis(), server.compiles());
  }

  /** This JVM's JIT work so far. */
  static Reading thisJvm() {
    long pid = ProcessHandle.current().pid();
    return new Reading(thisJvmCompileMillis(), jitCpuMillis(pid), totalCompiles(pid));
  }

  /**
   * The JIT work during a measured row: the server JVM's and, when the server runs apart, the
   * load generator's ({@code client} null when they share one JVM).
   */
  record RowJit(WindowWork server, WindowWork client) {
    /** The readings before a row, to {@link Mark#until} after it. */
    record Mark(Reading server, Reading client) {
      RowJit until(BenchServer s) {
        return new RowJit(WindowWork.between(this.server, WarmUp.server(s)),
            client == null ? null : WindowWork.between(client, thisJvm()));
      }
    }

    static Mark mark(BenchServer s) {
      return new Mark(WarmUp.server(s), s.separate() ? thisJvm() : null);
    }

    /**
     * Whether the server's JIT was quiet during a row of {@code seconds}: within the warm-up's
     * bounds of a quiet window ({@link #quietJitMillis} of compiler CPU, where not readable the
     * compilation ms, and {@link #quietCompiles} compilations where counted) per
     * {@link #WINDOW_SECONDS} of the row. The relative bound is left out: a row is judged on
     * what it ran beside, not on the JVM's history.
     */
    boolean quiet(double seconds) {
      double windows = Math.max(1, seconds / WINDOW_SECONDS);
      long cpu = server.jitCpuMillis() >= 0 ? server.jitCpuMillis() : server.compileMillis();
      return cpu < quietJitMillis * windows
          && (server.compiles() < 0 || server.compiles() < quietCompiles * windows);
    }

    /** The compiler threads' CPU ms / compilations, of each JVM when there are two. */
    String cell() {
      return client == null ? server.rowCell()
          : "server " + server.rowCell() + "; load generator " + client.rowCell();
    }
  }

  /**
   * The compilations the JVM {@code pid} has made so far: HotSpot's {@code sun.ci.totalCompiles}
   * counter, the one {@code jstat -compiler} prints, from the JVM's performance data file
   * ({@code /tmp/hsperfdata_<user>/<pid>}, which HotSpot keeps up to date in shared memory); -1
   * where it cannot be read (another JVM, {@code -XX:-UsePerfData}). The JDK reads it with an
   * internal module only (jdk.internal.jvmstat), and its diagnostic command
   * {@code PerfCounter.print} is not offered over JMX, so the file's documented layout is read
   * here: a prologue, then entries of a name and a value.
   */
  static long totalCompiles(long pid) {
    Path file = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"),
        Long.toString(pid));
    try {
      return perfCounter(ByteBuffer.wrap(Files.readAllBytes(file)), "sun.ci.totalCompiles");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The 4 bytes a performance data file starts with, in this order. */
  private static final int PERF_MAGIC = 0xcafec0c0;

  /**
   * The value of the long counter {@code name} in a HotSpot performance data file's bytes, or
   * -1: the prologue (magic, byte order at 4, major version 2 at 5, the first entry's offset at
   * 24 and the entries' count at 28), then each entry (its length at 0, its name's offset at 4,
   * a vector length at 8, 0 for a scalar, its type at 12, {@code 'J'} for a long, its value's
   * offset at 16).
   */
  static long perfCounter(ByteBuffer data, String name) {
    if (data.limit() < 32 || data.order(ByteOrder.BIG_ENDIAN).getInt(0) != PERF_MAGIC
        || data.get(5) != 2) {
      return -1;
    }
    data.order(data.get(4) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
    int entry = data.getInt(24);
    int count = data.getInt(28);
    for (int i = 0; i < count && entry > 0 && entry + 20 <= data.limit(); i++) {
      int length = data.getInt(entry);
      int at = entry + data.getInt(entry + 4);
      if (data.getInt(entry + 8) == 0 && data.get(entry + 12) == 'J'
          && at + wanted.length < data.limit() && data.get(at + wanted.length) == 0
          && data.slice(at, wanted.length).equals(ByteBuffer.wrap(wanted))) {
        return data.getLong(entry + data.getInt(entry + 16));
      }
      if (length <= 0) {
        return -1;
      }
      entry += length;
    }
    return -1;
  }

  /** This JVM's total compilation time in ms, or -1 where the JVM does not keep it. */
  static long thisJvmCompileMillis() {
    var c = ManagementFactory.getCompilationMXBean();
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
