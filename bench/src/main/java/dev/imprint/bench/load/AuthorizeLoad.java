package dev.imprint.bench.load;

import dev.imprint.server.store.BatchSizes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code POST /v1/authorize} measured two ways on one server, in one run, with the same clients:
 * (a) saturation: closed-loop clients, each sending its next request when the last one answered,
 * so the rate is whatever the server and the clients sharing its cores reach and the latency is
 * mostly time spent queueing; (b) a curve of fixed offered rates (open loop, fractions of the
 * rate (a) reached): the clients together send at a stated rate, each request at its scheduled
 * time whether or not earlier ones have answered, and its latency is measured from that
 * scheduled time, so a stall delays every request scheduled during it and none of that is hidden
 * (no coordinated omission); (b) is sent by {@link OpenDriver} (one thread, every connection)
 * unless {@code --open-driver threads} asks for {@link #openLoop}, and a row counts only if
 * the driver offered its rate on time. At each rate the same clients also load the floor: a trivial
 * authenticated call on the same server ({@code GET /v1/grants} with the current ETag, answered
 * 304 from memory), the cost of this machine's HTTP path with a co-located client. The issue's
 * latency target is judged on (b): by Little's law, 64 closed-loop clients cannot see a p99
 * under 1 ms unless the server answers more than 64,000 a second.
 */
final class AuthorizeLoad {
  /** The latency target of issue 12 at 64 clients. */
  static final double TARGET_P99_MS = 1.0;
  static final String FLOOR = "floor (GET /v1/grants, 304)";

  /** The driver lateness p99 above which a row's rate counts as not offered on time. */
  static final double DRIVER_LATE_P99_MS = 0.1;
  /** The share of the offered rate a row must achieve to count as offered. */
  static final double ACHIEVED_SHARE = 0.99;

  /**
   * A fixed-rate run: what was offered and achieved, the latencies from schedule, and what the
   * driver cost and how late it sent. {@code driver} names the open loop ({@code nio}: {@link
   * OpenDriver}, {@code threads}: a sender thread per client); {@code behind} counts requests
   * sent more than 1 ms after their due time because the previous answer on their connection
   * had not come (the server's delay); {@code latenessNanos} (sorted) the driver's own delay in
   * sending, for the sends it could time (the threads: those that waited for their time).
   * {@code warm}: the server's warm-up before the row ended with a quiet JIT (a row after one
   * that did not is not judged); {@code jit}: the JIT's work during the row (null: not read);
   * {@code serverTimes}: the server's own durations of the row's requests, from its request
   * log (null: no log).
   */
  record OpenResult(String scenario, String store, String driver, int clients,
      double offeredPerSecond, long requests, long errors, long behind, long[] latenessNanos,
      double seconds, long[] latenciesNanos, Usage gc, long clientAllocated,
      long clientCpuNanos, boolean warm, WarmUp.RowJit jit, ServerTimes.Stats serverTimes) {
    /** A row after a quiet warm-up, without the JIT's work or the server's times. */
    OpenResult(String scenario, String store, String driver, int clients,
        double offeredPerSecond, long requests, long errors, long behind, long[] latenessNanos,
        double seconds, long[] latenciesNanos, Usage gc, long clientAllocated,
        long clientCpuNanos) {
      this(scenario, store, driver, clients, offeredPerSecond, requests, errors, behind,
          latenessNanos, seconds, latenciesNanos, gc, clientAllocated, clientCpuNanos, true,
          null, null);
    }

    /** This row after the warm-up {@code warm}, with the JIT's work and the server's times. */
    OpenResult with(boolean warm, WarmUp.RowJit jit, ServerTimes.Stats serverTimes) {
      return new OpenResult(scenario, store, driver, clients, offeredPerSecond, requests, errors,
          behind, latenessNanos, seconds, latenciesNanos, gc, clientAllocated, clientCpuNanos,
          warm, jit, serverTimes);
    }

    String row() {
      return String.format(Locale.ROOT, "| %s | %s | %s | %d | %.0f | %.0f | %d | %.2f | %.2f"
          + " | %.2f | %.2f | %s | %d | %d | %.3f / %.2f | %.1f | %.2f | %s | %s | %s | %s |",
          scenario, store, driver, clients, offeredPerSecond, achievedPerSecond(), requests,
          LoadGenerator.percentile(latenciesNanos, 50), p99(),
          LoadGenerator.percentile(latenciesNanos, 99.9),
          LoadGenerator.percentile(latenciesNanos, 100), ServerTimes.cell(serverTimes), errors,
          behind, lateP99(), LoadGenerator.percentile(latenessNanos, 100),
          clientCpuNanos / 1e3 / Math.max(1, requests),
          clientAllocated / 1024.0 / Math.max(1, requests), gc == null ? "-" : gcCell(),
          jit == null ? "-" : jit.cell(), offeredOnTime() ? "yes" : "no", warm ? "yes" : "no");
    }

    double achievedPerSecond() {
      return (requests + errors) / seconds;
    }

    /** The driver's own lateness p99, ms (0 when it timed no send). */
    double lateP99() {
      return latenessNanos.length == 0 ? 0 : LoadGenerator.percentile(latenessNanos, 99);
    }

    /**
     * Whether the driver offered the rate on time, so the row can be judged: its lateness p99
     * under {@link #DRIVER_LATE_P99_MS} and its achieved rate within {@link #ACHIEVED_SHARE} of
     * the offered one, unless requests waited for their connection (then the server, slower
     * than the rate, held the sends back: that is a miss of the server's, judged as such).
     */
    boolean offeredOnTime() {
      return lateP99() < DRIVER_LATE_P99_MS && offered();
    }

    /**
     * Whether the whole rate went out: achieved within {@link #ACHIEVED_SHARE} of the offered
     * rate, or requests waited for their connection (the server held the sends back).
     */
    boolean offered() {
      return behind > 0 || achievedPerSecond() >= ACHIEVED_SHARE * offeredPerSecond;
    }

    /**
     * Whether the row can be judged: the server's warm-up ended quiet, and the driver offered
     * the rate on time, or it offered the whole rate and the p99 held the target even so.
     * Latency runs from each request's scheduled time, so the driver's own lateness can only add
     * to it: a p99 under the target with a late driver is a held target, while a p99 over it
     * with a late driver may be the driver's. A row after a warm-up that ended with the JIT still
     * busy measured code being compiled, and so did the saturation its rate came from.
     */
    boolean judged() {
      return warm && jitQuiet() && driverJudged();
    }

    /**
     * Whether the server's JIT was quiet during the row (see {@link WarmUp.RowJit#quiet}); true
     * when it was not read. A row during which the server compiled measured the compiler
     * threads' share of the cores and code being replaced, not the server's steady state.
     */
    boolean jitQuiet() {
      return jit == null || jit.quiet(seconds);
    }

    /** {@link #judged} as far as the driver goes. */
    private boolean driverJudged() {
      return offeredOnTime() || offered() && errors == 0 && latenciesNanos.length > 0
          && p99() < TARGET_P99_MS;
    }

    double p99() {
      return LoadGenerator.percentile(latenciesNanos, 99);
    }

    /** The collections (and safepoints) during the run: one JVM's, or the server's; client's. */
    String gcCell() {
      return gc.separate() ? "server " + gc.server().cell() + "; client " + gc.client().cell()
          : gc.server().cell();
    }

    /**
     * Whether the rate was offered on time, every request was answered without error and the
     * p99 is under the target.
     */
    boolean meetsTarget() {
      return judged() && errors == 0 && latenciesNanos.length > 0 && p99() < TARGET_P99_MS;
    }
  }

  /**
   * One server's measurements: (a), the process's CPU time per decision in (a) and each side's
   * share of it, and (b)'s curve for authorize and for the floor at the same offered rates.
   */
  record Report(LoadGenerator.Result saturation, String saturationRow, Usage usage,
      double allocatedKib, List<OpenResult> authorize, List<OpenResult> floor,
      String saturationLine) {
    Report(LoadGenerator.Result saturation, String saturationRow, Usage usage,
        double allocatedKib, List<OpenResult> authorize, List<OpenResult> floor) {
      this(saturation, saturationRow, usage, allocatedKib, authorize, floor, null);
    }

    /** The CPU and pause lines (standard error, like the other scenarios'). */
    String cpuLine() {
      String what = "authorize " + saturation.store() + " " + saturation.clients() + " clients";
      return usage.lines(what + " (a)", saturation.requests(), allocatedKib);
    }

    /**
     * Every offered rate and store at which p99 held the target and every one at which it did
     * not, for authorize and for the floor: a rate that held above one that did not is shown, not
     * cut off.
     */
    String verdict() {
      return String.format(Locale.ROOT, "%s, %d clients: p99 < %.0f ms %s; floor: %s",
          saturation.store(), saturation.clients(), TARGET_P99_MS, held(authorize),
          held(floor));
    }

    private String held(List<OpenResult> curve) {
      StringBuilder yes = new StringBuilder();
      StringBuilder no = new StringBuilder();
      StringBuilder late = new StringBuilder();
      StringBuilder cold = new StringBuilder();
      StringBuilder compiling = new StringBuilder();
      for (OpenResult o : curve) {
        StringBuilder to = !o.warm() ? cold : !o.jitQuiet() ? compiling : !o.judged() ? late
            : o.meetsTarget() ? yes : no;
        to.append(to.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
            "%.0f req/s (%.0f %%, p99 %.2f ms%s)", o.offeredPerSecond(),
            100 * o.offeredPerSecond() / saturation.perSecond(), o.p99(),
            o.judged() || !o.warm() || !o.jitQuiet()
                ? o.errors() > 0 ? ", " + o.errors() + " errors" : ""
                : String.format(Locale.ROOT, "; achieved %.0f req/s, driver late p99 %.3f ms",
                    o.achievedPerSecond(), o.lateP99())));
      }
      return "held at " + (yes.length() == 0 ? "none" : yes) + "; missed at "
          + (no.length() == 0 ? "none" : no) + (late.length() == 0 ? ""
              : "; driver could not offer the rate at " + late) + (cold.length() == 0 ? ""
              : "; not judged, warm-up not quiet, at " + cold)
          + (compiling.length() == 0 ? ""
              : "; not judged, the server's JIT compiled during the row, at " + compiling)
          + " (offered rate, % of authorize's saturation)";
    }
  }

  /**
   * Bytes the process's live threads but the calling one have allocated so far: the server's
   * (the clients' driver threads end before it is read again, and the calling thread allocates
   * the run's latency arrays).
   */
  static long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    long self = Thread.currentThread().getId();
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    long sum = 0;
    for (int i = 0; i < ids.length; i++) {
      sum += ids[i] == self ? 0 : Math.max(0, bytes[i]);
    }
    return sum;
  }

  private AuthorizeLoad() {}

  /** The header of the (b) table. */
  static String openHeader() {
    return "| scenario | store | driver | clients | offered req/s | achieved req/s | requests |"
        + " p50 ms | p99 ms | p99.9 ms | max ms | server p50 / p99 / max ms (request log) |"
        + " errors | sent > 1 ms behind (connection still waiting for its previous answer) |"
        + " driver late p99 / max ms | client CPU us per request | client KiB allocated per"
        + " request | GC collections / ms during the row | JIT compiler threads' CPU ms /"
        + " compilations during the row | rate offered on time | warm-up quiet |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
  }

  /**
   * Starts a server on {@code store}, warms up, measures (a) with {@code clients} closed-loop
   * clients, then (b) at each of {@code fractions} of (a)'s rate (or at {@code rate} requests a
   * second alone, when it is above 0) from as many clients, authorize and the floor alternated.
   */
  static Report run(String store, String jdbcUrl, int clients, int seconds, int warmup,
      double[] fractions, double rate) throws Exception {
    Path dir = Files.createTempDirectory("imprint-load-");
    AuthorizeScenario scenario = new AuthorizeScenario();
    LoadClient closer = null;
    try (BenchServer server = BenchServer.start(dir, jdbcUrl, LoadGenerator.serverProcess,
        true)) {
      Target target = new Target(server.url(), server.adminToken());
      scenario.setUp(target);
      HttpRequest floorRequest = scenario.floorRequest(target);
      LoadClient http = new LoadClient(LoadGenerator.httpClient, clients);
      closer = http;
      LoadGenerator.Op op = (client, i) -> http.send(client,
          scenario.request(target, client, i)) == scenario.expectedStatus();
      LoadGenerator.Op floor = (client, i) -> http.send(client, floorRequest) == 304;
      // each window: authorize, then the floor for half as long; few clients at a modest rate
      // until the server's JIT is quiet, all of them briefly, then few again until quiet
      int few = Math.min(clients, WarmUp.clients);
      LoadGenerator.Op gentleOp = WarmUp.paced(op, few, WarmUp.rate);
      LoadGenerator.Op gentleFloor = WarmUp.paced(floor, few, WarmUp.rate);
      boolean warm = WarmUp.staged("authorize " + store, () -> WarmUp.jit(server), warmup,
          s -> {
            LoadGenerator.drive(scenario.name(), few, s, gentleOp);
            LoadGenerator.drive(scenario.name(), few, Math.max(1, s / 2), gentleFloor);
          }, s -> {
            LoadGenerator.drive(scenario.name(), clients, s, op);
            LoadGenerator.drive(scenario.name(), clients, Math.max(1, s / 2), floor);
          }).quiet();
      BatchSizes before = server.writeBatchSizes();
      java.time.Instant aFrom = java.time.Instant.now();
      Usage.Mark mark = Usage.mark(server);
      WarmUp.RowJit.Mark jit0 = WarmUp.RowJit.mark(server);
      ServerTimes.Mark log0 = ServerTimes.mark(server);
      long allocated0 = allocatedBytes();
      LoadGenerator.Result closed;
      Wrk.Run w = null;
      if (LoadGenerator.wrk) {
        // (a) from wrk's connections (the Java warm-ups above also warmed the open loop's path)
        w = Wrk.run(scenario, target, clients, seconds, dir);
        closed = new LoadGenerator.Result(scenario.name(), store, clients, w.requests(),
            w.errors(), w.seconds(), new long[0]);
      } else {
        closed = LoadGenerator.drive(scenario.name(), clients, seconds, op);
      }
      long allocated = allocatedBytes() - allocated0;
      phase("(a) " + store, aFrom);
      Usage usage = mark.until(server, ThreadCpu.clientOf(scenario.name()));
      WarmUp.RowJit jitA = jit0.until(server);
      ServerTimes.Stats timesA = ServerTimes.read(log0, "POST", ROUTE,
          closed.requests() + closed.errors(), ServerTimes.WAIT_NANOS);
      BatchSizes batches = before == null ? null : server.writeBatchSizes().since(before);
      LoadGenerator.Result a = new LoadGenerator.Result(scenario.name(), store, clients,
          closed.requests(), closed.errors(), closed.seconds(), closed.latenciesNanos(),
          batches);
      String row = w == null ? a.row() : w.row(scenario.name(), store, clients, batches);
      if (w != null) {
        System.err.println(w.cpuLine("authorize " + store + " " + clients + " clients (a)"));
      }
      List<OpenResult> curve = new ArrayList<>();
      List<OpenResult> floorCurve = new ArrayList<>();
      double[] rates = rate > 0 ? new double[] {rate} : new double[fractions.length];
      for (int i = 0; rate <= 0 && i < fractions.length; i++) {
        rates[i] = Math.max(1, fractions[i] * a.perSecond());
      }
      if (!openDriver.equals("threads")) {
        // the warm-up's and (a)'s Java connections, idle from here on: closed now, before the
        // rehearsal, rather than timed out by the server 30 s later, during a row (measured:
        // their timeouts deoptimized the read path every connection runs, FillInterest.fillable
        // and the selector's SocketChannelImpl.translateReadyOps, in the middle of a row)
        http.close();
        closer = null;
      }
      if (openDriver.equals("threads")) {
        for (double offered : rates) {
          floorCurve.add(measured(server, warm, FLOOR_ROUTE, m -> {
            m.start();
            return openLoop(FLOOR, store, clients, offered, seconds, floor, server);
          }));
          curve.add(measured(server, warm, ROUTE, m -> {
            m.start();
            return openLoop(scenario.name(), store, clients, offered, seconds, op, server);
          }));
        }
      } else {
        byte[][] decisions = new byte[AuthorizeScenario.GRANTS][];
        for (int k = 0; k < decisions.length; k++) {
          decisions[k] = OpenDriver.serialize(scenario.request(target, 0, k));
        }
        byte[][] floors = {OpenDriver.serialize(floorRequest)};
        URI u = URI.create(server.url());
        InetSocketAddress at = new InetSocketAddress(u.getHost(), u.getPort());
        // in a JVM of its own, each row's child JVM warms its own code before measuring
        boolean rowsWarm = warm;
        try (OpenDriver d = openDriverProcess ? null : new OpenDriver(at, clients)) {
          if (rehearsal) {
            // the rows' own requests, connections and rates until the serving JVM is quiet
            rowsWarm = rehearse(store, server, d, at, clients, rates, floors, decisions,
                scenario.expectedStatus(), warmup).quiet() && warm;
          } else if (d != null) {
            // the driver's own code, compiled before its first row (at the highest rate, briefly)
            java.time.Instant from = java.time.Instant.now();
            double top = Arrays.stream(rates).max().orElse(1);
            int warmCount = (int) Math.min(Integer.MAX_VALUE / 2, top * Math.max(1, warmup));
            d.run(floors, 304, top, warmCount, spinNanos);
            d.run(decisions, scenario.expectedStatus(), top, warmCount, spinNanos);
            phase("driver warm-up " + store, from);
          }
          for (double offered : rates) {
            floorCurve.add(measured(server, rowsWarm, FLOOR_ROUTE, m -> nioLoop(FLOOR, store, d,
                at, clients, floors, 304, offered, seconds, server, m)));
            curve.add(measured(server, rowsWarm, ROUTE, m -> nioLoop(scenario.name(), store, d, at,
                clients, decisions, scenario.expectedStatus(), offered, seconds, server, m)));
          }
        }
      }
      // in a separate server, allocation is not visible from here (the clients' own is not it)
      return new Report(a, row, usage, server.separate() ? Double.NaN
          : allocated / 1024.0 / Math.max(1, a.requests()), curve, floorCurve,
          String.format(Locale.ROOT, "(a) %s, %d clients: server p50 / p99 / max ms (request"
              + " log) %s; JIT compiler threads' CPU ms / compilations during (a) %s; warm-up"
              + " quiet: %s", store, clients, ServerTimes.cell(timesA), jitA.cell(),
              warm ? "yes" : "no"));
    } finally {
      if (closer != null) {
        closer.close();
      }
      LoadGenerator.deleteTree(dir);
    }
  }

  /**
   * Whether the nio rows are rehearsed before they are measured (see {@link #rehearse}; {@code
   * --no-rehearsal}: the driver's brief warm-up at the highest rate instead, the earlier way).
   */
  static boolean rehearsal = true;

  /**
   * The rows rehearsed, unmeasured, until the JIT of the JVM that serves them (and of this one,
   * when the server runs apart) is quiet: the rows' own traffic, the serialized floor and
   * authorize requests on {@code clients} connections from {@link OpenDriver} (in this JVM
   * even when the rows' driver runs in its own: the server's code paths are the same), at each
   * of the rows' {@code rates} in turn, a 2-s window per rate (the floor for its first half,
   * authorize for the second), until the last {@code max(2, rates)} windows, every rate once,
   * were quiet (at least {@code minSeconds}, at most {@link WarmUp#maxSeconds}). The staged
   * warm-up before (a) warms the server with few blocking clients of another HTTP stack at a
   * modest rate; the rows send other bytes on 64 connections at up to half of saturation, and
   * what that traffic runs (and what the driver runs, in this JVM) is compiled here rather than
   * during the first rows. {@code d}: the rows' driver, or null to open one for the rehearsal.
   */
  static WarmUp.Result rehearse(String store, BenchServer server, OpenDriver d,
      InetSocketAddress at, int clients, double[] rates, byte[][] floors, byte[][] decisions,
      int expectedStatus, int minSeconds) throws Exception {
    try (OpenDriver own = d != null ? null : new OpenDriver(at, clients)) {
      OpenDriver driver = d != null ? d : own;
      int[] next = {0};
      return WarmUp.run("rows rehearsed " + store, () -> WarmUp.jit(server),
          Math.max(1, minSeconds), s -> {
            double rate = rates[next[0]++ % rates.length];
            int half = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2,
                Math.round(rate * s / 2.0)));
            driver.run(floors, 304, rate, half, spinNanos);
            driver.run(decisions, expectedStatus, rate, half, spinNanos);
          }, System::nanoTime, Math.max(2, rates.length));
    }
  }

  /** The route of authorize's and of the floor's request log lines. */
  static final String ROUTE = "/v1/authorize";
  static final String FLOOR_ROUTE = "/v1/grants";

  /**
   * One measured row; it calls {@code marks.start()} once, when its measured schedule starts,
   * and {@code marks.stop()} when its last answer came.
   */
  private interface Row {
    OpenResult run(Marks marks) throws IOException, InterruptedException;
  }

  /**
   * The readings a row's figures start from, taken when its measured schedule starts, and the
   * JIT's work until it ended: the JIT is read last before the schedule and first after it, so
   * the bench's own readings around the row (thread and GC counters) are not counted as the
   * server's compilations.
   */
  static final class Marks {
    private final BenchServer server;
    private WarmUp.RowJit.Mark jit;
    private WarmUp.RowJit during;
    private ServerTimes.Mark log;
    private java.time.Instant from;

    Marks(BenchServer server) {
      this.server = server;
    }

    void start() {
      try {
        log = ServerTimes.mark(server);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      from = java.time.Instant.now();
      jit = WarmUp.RowJit.mark(server);
    }

    void stop() {
      if (jit != null && during == null) {
        during = jit.until(server);
      }
    }
  }

  /**
   * {@code row} on {@code server} after a warm-up that ended quiet or not ({@code warm}), with
   * the JIT's work during it and the server's durations of its {@code route} requests, both
   * from the start of its measured schedule (a driver in a JVM of its own runs an unmeasured
   * one first, whose requests and compilations are not the row's).
   */
  private static OpenResult measured(BenchServer server, boolean warm, String route, Row row)
      throws IOException, InterruptedException {
    Marks m = new Marks(server);
    OpenResult r = row.run(m);
    if (m.jit == null) {
      throw new IllegalStateException("a row ended without its measured schedule starting");
    }
    m.stop();
    WarmUp.RowJit during = m.during;
    phase(String.format(Locale.ROOT, "row %s %s %.0f req/s", r.scenario(), r.store(),
        r.offeredPerSecond()), m.from);
    return r.with(warm, during, ServerTimes.read(m.log, route.equals(ROUTE) ? "POST" : "GET",
        route, r.requests() + r.errors(), ServerTimes.WAIT_NANOS));
  }

  /**
   * Prints on standard error when a stage of the run began and ended ({@code from} to now, UTC),
   * so that a recording of the JVMs (JFR, a compilation log) can be cut into the run's stages.
   */
  static void phase(String what, java.time.Instant from) {
    System.err.println("phase: " + what + ": " + from + " " + java.time.Instant.now());
  }

  /** Prints (b) for {@code reports}: both curves of every server, and each one's verdict. */
  static void print(List<Report> reports, double[] fractions, double rate) {
    System.out.println();
    StringBuilder which = new StringBuilder();
    for (double f : fractions) {
      which.append(which.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f %%",
          f * 100));
    }
    System.out.println(rate > 0 ? String.format(Locale.ROOT, "(b) fixed offered rate (open loop)"
        + " of %.0f requests/s, authorize and the floor:", rate) : "(b) fixed offered rates"
        + " (open loop) of " + which + " of each store's saturation throughput (a), authorize and"
        + " the floor (a trivial authenticated call) at the same rates, alternated:");
    System.out.println();
    System.out.println(openHeader());
    for (Report r : reports) {
      for (int i = 0; i < r.authorize().size(); i++) {
        System.out.println(r.floor().get(i).row());
        System.out.println(r.authorize().get(i).row());
      }
    }
    System.out.println();
    reports.forEach(r -> System.out.println(r.verdict()));
    System.out.println();
    reports.stream().filter(r -> r.saturationLine() != null)
        .forEach(r -> System.out.println(r.saturationLine()));
  }

  /**
   * Which open loop (b) runs ({@code --open-driver}): {@code nio}, {@link OpenDriver} (one
   * thread, every connection), or {@code threads}, {@link #openLoop} (a sender thread per
   * client with a blocking connection of its own), kept for the comparison.
   */
  static String openDriver = "nio";

  /** The {@code --open-driver} values. */
  static String parseOpenDriver(String s) {
    if (!s.equals("nio") && !s.equals("threads")) {
      throw new IllegalArgumentException("expected --open-driver nio or threads, got " + s);
    }
    return s;
  }

  /** With {@code --open-driver-process}, each nio row's driver runs in a JVM of its own. */
  static boolean openDriverProcess;

  /**
   * One (b) row from {@link OpenDriver} {@code d} (null: from {@link OpenDriverProcess}, a
   * driver in a JVM of its own, with {@code clients} connections to {@code at}):
   * {@code perSecond} requests a second for {@code seconds}, {@code requests} in turn, with the
   * collections during the row (of the server, and of this JVM when the server runs apart);
   * {@code marks} start when the measured schedule starts (in a driver's own JVM, after its
   * unmeasured run) and stop when it ended.
   */
  static OpenResult nioLoop(String scenario, String store, OpenDriver d, InetSocketAddress at,
      int clients, byte[][] requests, int expectedStatus, double perSecond, int seconds,
      BenchServer server, Marks marks) throws IOException, InterruptedException {
    int count = (int) Math.min(Integer.MAX_VALUE / 2, Math.round(perSecond * seconds));
    Usage.Mark[] gc0 = new Usage.Mark[1];
    Runnable start = () -> {
      gc0[0] = Usage.mark(server);
      marks.start();
    };
    OpenDriver.Run r;
    if (d != null) {
      start.run();
      r = d.run(requests, expectedStatus, perSecond, count, spinNanos);
    } else {
      r = OpenDriverProcess.run(at, clients, requests, expectedStatus, perSecond, count,
          spinNanos, start);
    }
    marks.stop();
    return of(scenario, store, d != null ? "nio" : "nio, own JVM", r,
        gc0[0].until(server, n -> false));
  }

  /** {@code r} as a (b) row of {@code driver}. */
  static OpenResult of(String scenario, String store, String driver, OpenDriver.Run r,
      Usage gc) {
    return new OpenResult(scenario, store, driver, r.connections(), r.offeredPerSecond(),
        r.answered(), r.errors(), r.behind(), r.latenessNanos(), r.seconds(), r.latenciesNanos(),
        gc, r.allocatedBytes(), r.cpuNanos());
  }

  /**
   * How long before its send time an open-loop sender stops parking and spins
   * ({@code --open-spin-us}): a parked thread wakes when the kernel's timer and a free core let
   * it, a spinning one at the time itself.
   */
  static long spinNanos = 50_000L;

  /**
   * Sends {@code perSecond} requests a second in total for {@code seconds}: client {@code c} of
   * {@code clients} sends its {@code k}-th request at {@code start + (k * clients + c) /
   * perSecond}, at once if that time has passed (a late client catches up; nothing is skipped),
   * and records the time from that scheduled start to the answer. Each client is a sender thread
   * of its own that parks until {@link #spinNanos} before its send time and spins the rest, and
   * records into arrays allocated before the row starts: the only allocation during the row is
   * the HTTP client's (reported per request in the row, with the collections during it).
   */
  static OpenResult openLoop(String scenario, String store, int clients, double perSecond,
      int seconds, LoadGenerator.Op op, BenchServer server) throws InterruptedException {
    double gapNanos = 1e9 / perSecond;
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    long[] errors = new long[clients];
    long[] behind = new long[clients];
    long[][] wakes = new long[clients][];
    int[] wakeCounts = new int[clients];
    var allocated = new java.util.concurrent.atomic.AtomicLong();
    var cpu = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> threads = new ArrayList<>();
    // each sender's operation, with its client number bound, made before the row: a lambda's
    // first creation links its class, which allocates, and would count as the senders'
    LoadGenerator.Op[] ops = new LoadGenerator.Op[clients];
    for (int c = 0; c < clients; c++) {
      latencies[c] = new long[(int) Math.min(1 << 22, perSecond * seconds / clients + 16)];
      wakes[c] = new long[latencies[c].length];
      int client = c;
      ops[c] = (ignored, i) -> op.call(client, i);
    }
    Usage.Mark gc0 = Usage.mark(server);
    long clientThreads0 = ThreadCpu.allocatedBy(LoadClient::isClientThread);
    long start = System.nanoTime() + 50_000_000L;
    long end = start + seconds * 1_000_000_000L;
    for (int c = 0; c < clients; c++) {
      int client = c;
      long[] lat = latencies[c];
      long[] wake = wakes[c];
      Thread t = new Thread(() -> {
        long allocated0 = ThreadCpu.currentAllocated();
        long cpu0 = ThreadCpu.current();
        try {
          send(ops[client], client, clients, start, end, gapNanos, lat, wake, counts, wakeCounts,
              errors, behind);
        } finally {
          allocated.addAndGet(ThreadCpu.currentAllocated() - allocated0);
          cpu.addAndGet(ThreadCpu.current() - cpu0);
        }
      }, "authorize-open-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double took = (Math.max(System.nanoTime(), end) - start) / 1e9;
    Usage usage = gc0.until(server, n -> false);
    long clientAllocated = allocated.get() + ThreadCpu.allocatedBy(LoadClient::isClientThread)
        - clientThreads0;
    LoadGenerator.PerClient r = new LoadGenerator.PerClient(latencies, counts, errors, took);
    long[] all = r.latencies(c -> true);
    long behindTotal = 0;
    for (long l : behind) {
      behindTotal += l;
    }
    long[] woke = new LoadGenerator.PerClient(wakes, wakeCounts, errors, took)
        .latencies(c -> true);
    return new OpenResult(scenario, store, "threads", clients, perSecond, all.length,
        r.errors(c -> true), behindTotal, woke, took, all, usage, clientAllocated, cpu.get());
  }

  /**
   * One open-loop sender's schedule (see {@link #openLoop}), {@code mine} its operation with its
   * client number bound; allocates nothing of its own per send. Its
   * counters are locals, written to the shared arrays once at the end: 64 senders incrementing
   * neighbouring array slots would share cache lines and stall each other on every send.
   */
  private static void send(LoadGenerator.Op mine, int client, int clients, long start,
      long end, double gapNanos, long[] lat, long[] wake, int[] counts, int[] wakeCounts,
      long[] errors, long[] behind) {
    long[] failed = new long[1];
    int n = 0;
    int woke = 0;
    long late = 0;
    try {
      for (long k = 0; n < lat.length; k++) {
        long due = start + (long) ((k * clients + client) * gapNanos);
        if (due >= end) {
          return;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
          // park until shortly before due, then spin: how late the thread runs again is the
          // scheduler's lateness (the timer, and waiting for a core), none of it the server's
          while (wait > spinNanos) {
            LockSupport.parkNanos(wait - spinNanos);
            wait = due - System.nanoTime();
          }
          while (wait > 0) {
            Thread.onSpinWait();
            wait = due - System.nanoTime();
          }
          if (woke < wake.length) {
            wake[woke++] = -wait;
          }
        } else if (-wait > 1_000_000L) {
          // still waiting for its previous answer when this one was due: the server's delay
          late++;
        }
        if (LoadGenerator.succeeded(mine, 0, k, failed)) {
          lat[n++] = System.nanoTime() - due;
        } else if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    } finally {
      counts[client] = n;
      wakeCounts[client] = woke;
      errors[client] = failed[0];
      behind[client] = late;
    }
  }
}
