package dev.imprint.bench.load;

import com.sun.tools.attach.VirtualMachine;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.store.BatchSizes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The server a load run drives: an {@link ImprintServer} in the load generator's JVM, or the
 * real {@code imprint server} (the launcher, with its JVM flags) in a JVM of its own, reached
 * over loopback, whose CPU time, collections and safepoints are read from that process alone.
 */
interface BenchServer extends AutoCloseable {
  Pattern ADMIN = Pattern.compile("admin token: (\\S+)");

  /** The base URL, such as {@code http://127.0.0.1:40123}. */
  String url();

  /** The admin token the first start printed. */
  String adminToken();

  /** The units per commit so far, or null when the store is in another process. */
  BatchSizes writeBatchSizes();

  /** True when the server runs in a JVM of its own. */
  boolean separate();

  /** The server process's CPU nanoseconds so far (this JVM's when it shares it). */
  long cpuNanos();

  /** The server JVM's pauses so far: collections, and (separate only) safepoints. */
  Pauses pauses();

  /**
   * Times the kernel took a core from one of the server process's live threads while it could
   * still run (involuntary context switches, summed over {@code /proc/<pid>/task/*}/status): a
   * count of the waits for a core that more runnable threads than cores cause; -1 when the server
   * shares this JVM.
   */
  default long preemptions() {
    return -1;
  }

  /**
   * The server JVM's total JIT compilation time so far in ms (its {@code CompilationMXBean}),
   * what {@link WarmUp} watches; -1 where it cannot be read.
   */
  long compileMillis();

  /**
   * The CPU time the server JVM's JIT compiler threads used so far in ms (from {@code /proc}),
   * what {@link WarmUp} bounds per window; -1 where it cannot be read.
   */
  long jitCpuMillis();

  /**
   * The compilations the server JVM's JIT has made so far ({@link WarmUp#totalCompiles}); -1
   * where they cannot be read.
   */
  long compiles();

  /**
   * The file the server's request log lines go to, one INFO line per request with its duration
   * ({@link ServerTimes} reads a row's lines from it); null when it does not log requests.
   */
  Path requestLog();

  /**
   * The server JVM's thread bean (per-thread CPU time and allocation): this JVM's when the server
   * shares it, a JMX proxy of the server's otherwise; null when that is not reachable.
   */
  com.sun.management.ThreadMXBean threads();

  @Override
  void close();

  /**
   * Stop-the-world pauses of one JVM: collections (count and total ms) and, where the JVM logs
   * them, every safepoint (count and total ms, collections included); -1 where not known.
   */
  record Pauses(long collections, double collectionMillis, long safepoints,
      double safepointMillis) {
    /** This JVM's collections from its MXBeans (safepoints are not visible from inside). */
    static Pauses ofThisJvm() {
      long n = 0;
      long ms = 0;
      for (java.lang.management.GarbageCollectorMXBean gc
          : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        n += Math.max(0, gc.getCollectionCount());
        ms += Math.max(0, gc.getCollectionTime());
      }
      return new Pauses(n, ms, -1, -1);
    }

    Pauses since(Pauses before) {
      return new Pauses(collections - before.collections,
          collectionMillis - before.collectionMillis,
          safepoints < 0 ? -1 : safepoints - before.safepoints,
          safepoints < 0 ? -1 : safepointMillis - before.safepointMillis);
    }

    String cell() {
      String gc = String.format(Locale.ROOT, "%d / %.0f", collections, collectionMillis);
      return safepoints < 0 ? gc : gc + String.format(Locale.ROOT, " (safepoints %d / %.0f)",
          safepoints, safepointMillis);
    }
  }

  /**
   * Starts a server on a fresh data directory under {@code dir} ({@code jdbcUrl} null: SQLite
   * there), in its own JVM when {@code separate}.
   */
  static BenchServer start(Path dir, String jdbcUrl, boolean separate, boolean inputLimits)
      throws Exception {
    if (!separate) {
      return InProcess.start(dir, jdbcUrl, inputLimits);
    }
    if (!inputLimits) {
      throw new IllegalArgumentException("--no-input-limits needs the server in the load"
          + " generator's JVM; drop --server-process");
    }
    return Separate.start(dir, jdbcUrl);
  }

  /** The admin token a server printed on its first start. */
  static String adminTokenIn(String console) {
    Matcher m = ADMIN.matcher(console);
    if (!m.find()) {
      throw new IllegalStateException("no admin token printed");
    }
    return m.group(1);
  }

  /** An {@link ImprintServer} in this JVM (it shares the cores, the heap and its pauses). */
  final class InProcess implements BenchServer {
    private final ImprintServer server;
    private final String admin;

    private InProcess(ImprintServer server, String admin) {
      this.server = server;
      this.admin = admin;
    }

    static InProcess start(Path dir, String jdbcUrl, boolean inputLimits) throws Exception {
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
      dev.imprint.server.ServerConfig config = LoadGenerator.config(dir, jdbcUrl);
      ImprintServer server = inputLimits ? ImprintServer.start(config, out)
          : ImprintServer.startWithoutInputLimitsForBenchmark(config, out);
      try {
        return new InProcess(server, adminTokenIn(console.toString(StandardCharsets.UTF_8)));
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }

    /** The server itself, for what only an in-process server offers (its keys). */
    ImprintServer server() {
      return server;
    }

    @Override
    public String url() {
      return server.url();
    }

    @Override
    public String adminToken() {
      return admin;
    }

    @Override
    public BatchSizes writeBatchSizes() {
      return server.database().writeBatchSizes();
    }

    @Override
    public boolean separate() {
      return false;
    }

    @Override
    public long cpuNanos() {
      return LoadGenerator.processCpuNanos();
    }

    @Override
    public Pauses pauses() {
      return Pauses.ofThisJvm();
    }

    @Override
    public long compileMillis() {
      return WarmUp.thisJvmCompileMillis();
    }

    @Override
    public long jitCpuMillis() {
      return WarmUp.jitCpuMillis(ProcessHandle.current().pid());
    }

    @Override
    public long compiles() {
      return WarmUp.totalCompiles(ProcessHandle.current().pid());
    }

    @Override
    public Path requestLog() {
      return LoadGenerator.serverLog;
    }

    @Override
    public com.sun.management.ThreadMXBean threads() {
      return ThreadCpu.local();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * {@code imprint server} in its own JVM, started through the launcher ({@code IMPRINT_LAUNCHER},
   * default {@code ./imprint}) with its flags plus {@code SERVER_JAVA_OPTS} and a GC and
   * safepoint log, on port 0; its console and log go to files in a directory kept after the run.
   */
  final class Separate implements BenchServer {
    private static final Pattern READY = Pattern.compile("imprint server ready at (\\S+)");
    /** A unified-logging line's pause: {@code ... Pause Young (Normal) ... 3.456ms}. */
    private static final Pattern GC_PAUSE =
        Pattern.compile("\\[gc\\s*\\].*Pause.* (\\d+\\.\\d+)ms");
    private static final Pattern SAFEPOINT =
        Pattern.compile("\\[safepoint\\s*\\].*Total: (\\d+) ns");
    private final Process process;
    private final String url;
    private final String admin;
    private final Path gcLog;
    /** Its standard error: its log, with a line per request. */
    private final Path log;
    /** The bench's JMX connection to the server JVM (null if the attach failed). */
    private final JMXConnector jmx;
    private final java.lang.management.CompilationMXBean compilation;
    private final com.sun.management.ThreadMXBean threads;

    private Separate(Process process, String url, String admin, Path gcLog, Path log) {
      this.process = process;
      this.url = url;
      this.admin = admin;
      this.gcLog = gcLog;
      this.log = log;
      this.jmx = connect(process.pid());
      java.lang.management.CompilationMXBean c = null;
      com.sun.management.ThreadMXBean t = null;
      if (jmx != null) {
        try {
          MBeanServerConnection m = jmx.getMBeanServerConnection();
          c = ManagementFactory.newPlatformMXBeanProxy(m,
              ManagementFactory.COMPILATION_MXBEAN_NAME,
              java.lang.management.CompilationMXBean.class);
          t = ManagementFactory.newPlatformMXBeanProxy(m, ManagementFactory.THREAD_MXBEAN_NAME,
              com.sun.management.ThreadMXBean.class);
        } catch (IOException e) {
          System.err.println("bench: the server JVM's MXBeans are not reachable (" + e
              + "): fixed warm-up, no per-thread figures of the server");
        }
      }
      this.compilation = c;
      this.threads = t;
    }

    /**
     * A bench-only JMX connection to the server JVM {@code pid}: the attach API starts its local
     * management agent (loopback only, same user) and the bench reads its MXBeans through it.
     * Null, with a line on standard error, when the JVM cannot be attached to.
     */
    private static JMXConnector connect(long pid) {
      try {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
          return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
          vm.detach();
        }
      } catch (Exception e) {
        System.err.println("bench: cannot attach to the server JVM " + pid + " (" + e
            + "): fixed warm-up, no per-thread figures of the server");
        return null;
      }
    }

    static Separate start(Path dir, String jdbcUrl) throws Exception {
      Path logs = Files.createTempDirectory("imprint-bench-server-");
      Path out = logs.resolve("console.txt");
      Path gcLog = logs.resolve("gc.log");
      List<String> command = new ArrayList<>(List.of(
          System.getenv().getOrDefault("IMPRINT_LAUNCHER", "./imprint"), "server",
          "--listen", "127.0.0.1:0", "--data-dir", dir.resolve("data").toString(),
          "--jwt-rs256-audience", SvidScenarios.RS256_AUDIENCE));
      if (jdbcUrl != null) {
        command.addAll(List.of("--db", jdbcUrl));
      }
      ProcessBuilder b = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(logs.resolve("server.log").toFile());
      b.environment().put("IMPRINT_JAVA_OPTS", String.join(" ",
          System.getenv().getOrDefault("SERVER_JAVA_OPTS", ""),
          "-Xlog:gc,safepoint:file=" + gcLog + ":uptime,tags").trim());
      Process p = b.start();
      // a load generator stopped early (Ctrl-C, a failed run) leaves no server behind
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "bench-server-stop"));
      System.err.println("server process " + p.pid() + ": console, log and GC log in " + logs);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      try {
        while (true) {
          String console = Files.readString(out);
          Matcher ready = READY.matcher(console);
          if (ready.find()) {
            return new Separate(p, ready.group(1), adminTokenIn(console), gcLog,
                logs.resolve("server.log"));
          }
          if (!p.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("imprint server did not become ready ("
                + (p.isAlive() ? "still starting after 3 minutes" : "exit " + p.exitValue())
                + "); its log: " + logs.resolve("server.log"));
          }
          Thread.sleep(50);
        }
      } catch (Exception | Error e) {
        p.destroyForcibly();
        throw e;
      }
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    public String adminToken() {
      return admin;
    }

    @Override
    public BatchSizes writeBatchSizes() {
      return null;
    }

    @Override
    public boolean separate() {
      return true;
    }

    @Override
    public long cpuNanos() {
      // user + system time of every thread of the server's JVM (/proc/<pid>/stat: 10 ms ticks)
      return process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(
          () -> new IllegalStateException("the server process's CPU time cannot be read"));
    }

    @Override
    public Pauses pauses() {
      try {
        return ofLog(Files.readAllLines(gcLog));
      } catch (IOException e) {
        throw new IllegalStateException("the server's GC log " + gcLog + " cannot be read", e);
      }
    }

    @Override
    public long compileMillis() {
      try {
        return compilation == null ? -1 : compilation.getTotalCompilationTime();
      } catch (RuntimeException e) {
        return -1;
      }
    }

    @Override
    public long jitCpuMillis() {
      return WarmUp.jitCpuMillis(process.pid());
    }

    @Override
    public long compiles() {
      return WarmUp.totalCompiles(process.pid());
    }

    @Override
    public Path requestLog() {
      return log;
    }

    @Override
    public com.sun.management.ThreadMXBean threads() {
      return threads;
    }

    @Override
    public long preemptions() {
      long n = 0;
      try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          try {
            for (String line : Files.readAllLines(t.resolve("status"))) {
              if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
              }
            }
          } catch (IOException ended) {
            // a thread that ended since the listing: its switches are gone with it
          }
        }
      } catch (IOException e) {
        return -1;
      }
      return n;
    }

    /** The pauses a {@code -Xlog:gc,safepoint} log (decorated with uptime and tags) records. */
    static Pauses ofLog(List<String> lines) {
      long gcs = 0;
      double gcMs = 0;
      long safepoints = 0;
      double safepointMs = 0;
      for (String line : lines) {
        Matcher g = GC_PAUSE.matcher(line);
        if (g.find()) {
          gcs++;
          gcMs += Double.parseDouble(g.group(1));
        }
        Matcher s = SAFEPOINT.matcher(line);
        if (s.find()) {
          safepoints++;
          safepointMs += Long.parseLong(s.group(1)) / 1e6;
        }
      }
      return new Pauses(gcs, gcMs, safepoints, safepointMs);
    }

    @Override
    public void close() {
      if (jmx != null) {
        try {
          jmx.close();
        } catch (IOException e) {
          // the server stops next: its end of the connection goes with it
        }
      }
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
