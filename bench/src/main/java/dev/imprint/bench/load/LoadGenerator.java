package dev.imprint.bench.load;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.store.BatchSizes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Puts a real Imprint server under load from N concurrent clients and prints throughput and
 * p50/p99 latency per scenario and store, then PostgreSQL's own insert rates as the baseline.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.imprint.bench.load.LoadGenerator \
 *     [--store sqlite|postgresql|both] [--clients 16] [--seconds 10] [--warmup 3]
 *     [--scenario token-create|token-list|image-register|image-read|audit-append|identity
 *                 |authz|mixed-upload|replicas|all] [--slow-link-ms 20] [--no-baseline]
 *     [--runs 3] [--no-input-limits] [--open-fraction 0.5] [--open-rate N]
 *     [--http-client apache|apache-async|jetty|jdk] [--server-log temp|none|FILE] [--open]
 *     [--ceilings] [--server-process] [--driver java|wrk] [--warmup-max 120]
 *     [--warmup-quiet-percent 1] [--warmup-quiet-jit-ms 50] [--warmup-quiet-compiles 10]
 *     [--warmup-clients 8] [--warmup-rate 1000] [--warmup-burst 2] [--alloc] [--open-spin-us 50]
 *     [--open-driver nio|threads] [--open-driver-process] [--no-rehearsal]
 * </pre>
 *
 * <p>{@code --warmup} is the shortest warm-up in seconds (0: none); each scenario is then driven
 * until the server JVM's JIT is quiet ({@link WarmUp}: two 2-s windows in a row in which the
 * compilation time grew by less than {@code --warmup-quiet-percent} of its total and the JIT
 * compiler threads used less than {@code --warmup-quiet-jit-ms} of CPU), at most
 * {@code --warmup-max} seconds; every warm-up's windows are printed on one line after the
 * tables. {@code authz} warms up in stages ({@link WarmUp#staged}): {@code --warmup-clients}
 * clients at {@code --warmup-rate} requests a second until the JIT is quiet, a burst of
 * {@code --warmup-burst} seconds on every client, then the few clients again until quiet; a
 * quiet window also made fewer than {@code --warmup-quiet-compiles} compilations.
 * {@code --alloc} adds, beside the CPU lines, the bytes each thread group allocated per request.
 *
 * <p>{@code --server-process} starts each run's server as {@code imprint server} in a JVM of its
 * own ({@link BenchServer.Separate}; the scripts do so by default) and reports its CPU time,
 * collections and safepoints apart from the load generator's. {@code --driver wrk} drives the
 * closed-loop rows with {@link Wrk} instead of Java clients (the open-loop rows stay Java's).
 *
 * <p>{@code --no-input-limits} runs the scenarios' servers without the request-body budget and
 * the minimum request data rate ({@link ImprintServer#startWithoutInputLimitsForBenchmark}),
 * for the A/B of bench/limits-ab.sh; never a way to run a real server.
 *
 * <p>{@code authz} measures {@link AuthorizeLoad}'s two ways: saturation with closed-loop
 * clients, then fixed offered rates ({@code --open-rate} requests a second, or each of the
 * {@code --open-fraction} list, such as {@code 0.1,0.25,0.5}, of the saturation rate) with
 * latency from each request's scheduled start, beside a trivial authenticated call (the floor)
 * at the same rates; other scenarios with {@code --open} use the list's last fraction.
 *
 * <p>Every row of a run on a server's store says how many units the group commit put in each
 * commit during it. {@code audit-append} on PostgreSQL is {@link AuditYardstick}: {@code --runs}
 * runs alternated with a like-for-like baseline, the median and spread of both and their ratio.
 *
 * <p>{@code --clients} takes a list ({@code 16,64}). {@code identity} runs the workload identity
 * scenarios ({@code jwt-svid-issue}, {@code jwt-svid-issue-rs256}, {@code x509-svid-issue},
 * {@code svid-validate}) after the ceilings measured in the same run: raw ES256 and RS256
 * signatures on all cores and in-process JWT-SVID validation; {@code --ceilings} measures those
 * ceilings before a single identity scenario too (for short A/B runs of one scenario).
 *
 * <p>{@code mixed-upload} and {@code replicas} run only when named (they take longer):
 * {@link MixedUpload} (small writes beside 50,000-finding uploads) and {@link Replicas} (two
 * replicas on one PostgreSQL, one of them behind a slow link; {@code --slow-link-ms} is the
 * delay added in each direction).
 */
public final class LoadGenerator {
  /**
   * The clients' HTTP stack. HTTP/1.1, what the server speaks: left at its default (HTTP/2),
   * the JDK client offers a cleartext upgrade ({@code Upgrade: h2c} with HTTP2-Settings) on
   * every request over {@code http:} (seen on the wire), which the server ignores; that cost 13
   * to 35 % of the process's CPU time per SVID renewal in three alternated measurements.
   */
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  /**
   * One measured run; {@code batches}: the units per commit the server's group commit formed
   * during it (null when the run has no store of its own).
   */
  record Result(String scenario, String store, int clients, long requests, long errors,
      double seconds, long[] latenciesNanos, BatchSizes batches) {
    Result(String scenario, String store, int clients, long requests, long errors,
        double seconds, long[] latenciesNanos) {
      this(scenario, store, clients, requests, errors, seconds, latenciesNanos, null);
    }

    double perSecond() {
      return requests / seconds;
    }

    double percentileMillis(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, Math.min(i, latenciesNanos.length - 1))] / 1e6;
    }

    String row() {
      return String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.1f | %.1f | %d | %s |",
          scenario, store, clients, requests, perSecond(), percentileMillis(50),
          percentileMillis(99), errors, batchesCell(batches));
    }
  }

  /** Commits and their units min/median/p90/max, or "-" without commits. */
  static String batchesCell(BatchSizes b) {
    if (b == null || b.commits() == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%d commits: %d / %d / %d / %d", b.commits(),
        b.percentile(0), b.percentile(50), b.percentile(90), b.percentile(100));
  }

  private LoadGenerator() {}

  static List<Scenario> scenarios() {
    return List.of(new TokenCreation(), new TokenRead(), new ImageRegistration(),
        new ImageRead());
  }

  /** The workload identity scenarios ({@code --scenario identity}). */
  static List<Scenario> identityScenarios() {
    return List.of(new SvidScenarios.JwtIssue("jwt-svid-issue", "bench"),
        new SvidScenarios.JwtIssue("jwt-svid-issue-rs256", SvidScenarios.RS256_AUDIENCE),
        new SvidScenarios.X509Issue(), new SvidScenarios.Validate());
  }

  /**
   * False with {@code --no-input-limits}: the scenarios' servers run without the request-body
   * budget and the minimum data rate, for the input-limits A/B of bench/limits-ab.sh.
   */
  private static boolean inputLimits = true;

  /**
   * With {@code --open}, each identity scenario also runs at a fixed offered rate of
   * {@code --open-fraction} of its closed-loop rate ({@link AuthorizeLoad#openLoop}: latency
   * from each request's scheduled start, so a stall counts for every request it delays).
   */
  private static boolean open;
  private static double openShare = 0.5;
  private static final List<String> OPEN_ROWS = new ArrayList<>();

  /**
   * The timed clients' HTTP stack ({@code --http-client apache|apache-async|jetty|jdk}, see
   * {@link LoadClient}).
   */
  static LoadClient.Kind httpClient = LoadClient.Kind.APACHE;

  /**
   * With {@code --server-process}, each run's server is {@code imprint server} in a JVM of its
   * own ({@link BenchServer.Separate}); without, it shares this JVM with the clients.
   */
  static boolean serverProcess;

  /** With {@code --driver wrk}, closed-loop rows are driven by {@link Wrk}, not Java clients. */
  static boolean wrk;

  /** Raw ES256 signatures a second on all cores, from this run's ceilings (0 if not run). */
  private static double es256PerSecond;
  private static final List<String> RATIO_LINES = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    String store = "both";
    String scenario = "all";
    int[] clientCounts = {16};
    int seconds = 10;
    int warmup = 3;
    boolean baseline = true;
    int slowLinkMs = 20;
    int runs = 3;
    double[] openFractions = {0.5};
    double openRate = 0;
    String serverLog = "temp";
    boolean withCeilings = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--store" -> store = args[++i];
        case "--scenario" -> scenario = args[++i];
        case "--clients" -> clientCounts = Arrays.stream(args[++i].split(","))
            .mapToInt(Integer::parseInt).toArray();
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--warmup-max" -> WarmUp.maxSeconds = Integer.parseInt(args[++i]);
        case "--warmup-quiet-percent" -> WarmUp.quietPercent = Double.parseDouble(args[++i]);
        case "--warmup-quiet-jit-ms" -> WarmUp.quietJitMillis = Long.parseLong(args[++i]);
        case "--warmup-quiet-compiles" -> WarmUp.quietCompiles = Long.parseLong(args[++i]);
        case "--warmup-clients" -> WarmUp.clients = positive(args[i], args[++i]);
        case "--warmup-rate" -> WarmUp.rate = positive(args[i], args[++i]);
        case "--warmup-burst" -> WarmUp.burstSeconds = Integer.parseInt(args[++i]);
        case "--alloc" -> ThreadCpu.allocation = true;
        case "--open-driver-process" -> AuthorizeLoad.openDriverProcess = true;
        case "--no-rehearsal" -> AuthorizeLoad.rehearsal = false;
        case "--open-driver" ->
            AuthorizeLoad.openDriver = AuthorizeLoad.parseOpenDriver(args[++i]);
        case "--open-spin-us" -> AuthorizeLoad.spinNanos = 1_000L * Integer.parseInt(args[++i]);
        case "--no-baseline" -> baseline = false;
        case "--slow-link-ms" -> slowLinkMs = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--no-input-limits" -> inputLimits = false;
        case "--open-fraction" -> {
          openFractions = Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble)
              .toArray();
          openShare = openFractions[openFractions.length - 1];
        }
        case "--open-rate" -> openRate = Double.parseDouble(args[++i]);
        case "--http-client" -> httpClient = LoadClient.Kind.parse(args[++i]);
        case "--server-log" -> serverLog = args[++i];
        case "--open" -> open = true;
        case "--ceilings" -> withCeilings = true;
        case "--server-process" -> serverProcess = true;
        case "--driver" -> wrk = switch (args[++i]) {
          case "wrk" -> true;
          case "java" -> false;
          default -> throw new IllegalArgumentException("expected --driver java or wrk, got "
              + args[i]);
        };
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    serverLogging(serverLog);
    System.out.println("| scenario | store | clients | requests | req/s | p50 ms | p99 ms |"
        + " errors | units per commit min / median / p90 / max |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    int clients = clientCounts[0];
    String only = scenario;
    EmbeddedPostgres pg = null;
    try {
      if (only.equals("authz")) {
        // (a) saturation rows in the table above, (b) fixed-rate rows in a table of their own
        List<AuthorizeLoad.Report> open = new ArrayList<>();
        for (int n : clientCounts) {
          for (String kind : List.of("sqlite", "postgresql")) {
            if (!store.equals("both") && !store.equals(kind)) {
              continue;
            }
            String url = null;
            if (kind.equals("postgresql")) {
              pg = pg != null ? pg : PostgresBaseline.start();
              url = newDatabase(pg);
            }
            AuthorizeLoad.Report r = AuthorizeLoad.run(kind, url, n, seconds, warmup,
                openFractions, openRate);
            System.out.println(r.saturationRow());
            System.err.println(r.cpuLine());
            open.add(r);
          }
        }
        AuthorizeLoad.print(open, openFractions, openRate);
        printWarmUps(System.out);
        return;
      }
      boolean oneIdentity = identityScenarios().stream().anyMatch(s -> s.name().equals(only));
      if (only.equals("all") || only.equals("identity") || oneIdentity) {
        if (!oneIdentity || withCeilings) {
          ceilings(seconds, warmup);
        }
        for (Scenario s : identityScenarios()) {
          if (oneIdentity && !s.name().equals(only)) {
            continue;
          }
          for (int n : clientCounts) {
            if (!store.equals("postgresql")) {
              System.out.println(run(s, "sqlite", null, n, seconds, warmup));
            }
            if (!store.equals("sqlite")) {
              pg = pg != null ? pg : PostgresBaseline.start();
              System.out.println(run(s, "postgresql", newDatabase(pg), n, seconds, warmup));
            }
          }
        }
        if (only.equals("identity") || oneIdentity) {
          printOpenRows(System.out);
          return;
        }
      }
      for (Scenario s : scenarios()) {
        if (!only.equals("all") && !only.equals(s.name())) {
          continue;
        }
        if (!store.equals("postgresql")) {
          System.out.println(run(s, "sqlite", null, clients, seconds, warmup));
        }
        if (!store.equals("sqlite")) {
          pg = pg != null ? pg : PostgresBaseline.start();
          System.out.println(run(s, "postgresql", newDatabase(pg), clients, seconds, warmup));
        }
      }
      if (only.equals("all") || only.equals(AuditAppend.NAME)) {
        if (!store.equals("postgresql")) {
          System.out.println(AuditAppend.run("sqlite", null, clients, seconds, warmup).row());
        }
        if (!store.equals("sqlite")) {
          pg = pg != null ? pg : PostgresBaseline.start();
          AuditYardstick.run(pg, clients, seconds, warmup, runs);
        }
      }
      if (only.equals(MixedUpload.NAME)) {
        MixedUpload.header();
        if (!store.equals("postgresql")) {
          MixedUpload.run("sqlite", null, clients, seconds, warmup);
        }
        if (!store.equals("sqlite")) {
          pg = pg != null ? pg : PostgresBaseline.start();
          MixedUpload.run("postgresql", newDatabase(pg), clients, seconds, warmup);
        }
      }
      if (only.equals(Replicas.NAME)) {
        pg = pg != null ? pg : PostgresBaseline.start();
        Replicas.run(pg, clients, seconds, warmup, slowLinkMs);
      }
      if (baseline && !store.equals("sqlite") && !only.equals(MixedUpload.NAME)
          && !only.equals(Replicas.NAME) && !only.equals(AuditAppend.NAME)) {
        pg = pg != null ? pg : PostgresBaseline.start();
        PostgresBaseline.run(pg, clients, seconds);
      }
      printOpenRows(System.out);
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  /**
   * The open-loop rows of {@code --open}, as a table of their own once every other table is
   * whole: printed earlier, the closed-loop rows of the scenarios run after them continued under
   * the open-loop header.
   */
  private static void printOpenRows(PrintStream out) {
    if (!RATIO_LINES.isEmpty()) {
      out.println();
      RATIO_LINES.forEach(out::println);
      RATIO_LINES.clear();
    }
    printWarmUps(out);
    if (OPEN_ROWS.isEmpty()) {
      return;
    }
    out.println();
    out.printf(Locale.ROOT, "(b) fixed offered rate (open loop) of %.0f %% of each identity"
        + " row's closed-loop rate in the first table:%n%n", openShare * 100);
    out.println(AuthorizeLoad.openHeader());
    OPEN_ROWS.forEach(out::println);
    OPEN_ROWS.clear();
  }

  /**
   * The warm-ups' lines since the last call, one per warm-up with its windows, as a list after
   * the tables (in the result file, not only on standard error).
   */
  private static void printWarmUps(PrintStream out) {
    List<String> lines = WarmUp.takeLines();
    if (lines.isEmpty()) {
      return;
    }
    out.println();
    lines.forEach(l -> out.println("- " + l));
  }

  /** {@code value} of {@code option}, a whole number of at least 1. */
  static int positive(String option, String value) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) {
      throw new IllegalArgumentException("expected " + option + " to be a whole number of at"
          + " least 1, got " + value);
    }
    return n;
  }

  /**
   * The file the in-process servers' log goes to ({@code --server-log}), null with {@code none}:
   * {@link ServerTimes} reads each row's request lines from it.
   */
  static Path serverLog;

  /**
   * The servers log as {@code imprint server} does (text, INFO, one line per request), into
   * {@code where}: a file, {@code temp} (a temporary file, deleted at exit) or {@code none}
   * (warnings only, to standard error: the request log is then not part of what is measured).
   */
  private static void serverLogging(String where) throws IOException {
    if (where.equals("none")) {
      return;
    }
    Path file;
    if (where.equals("temp")) {
      file = Files.createTempFile("imprint-bench-server-", ".log");
      file.toFile().deleteOnExit();
    } else {
      file = Path.of(where);
    }
    ImprintServer.configureLogging(ServerConfig.LogFormat.TEXT,
        new java.io.FileOutputStream(file.toFile(), true));
    serverLog = file;
    System.err.println("server log: " + file);
  }

  static String newDatabase(EmbeddedPostgres pg) throws Exception {
    String name = "imprint_load_" + System.nanoTime();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /**
   * The ceilings of the identity scenarios, in this run: raw ES256 and RS256 signatures on all
   * cores, and in-process validation with one and all cores (a server on SQLite holds the keys).
   */
  private static void ceilings(int seconds, int warmup) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    Path dir = Files.createTempDirectory("imprint-load-");
    try (BenchServer.InProcess bench = BenchServer.InProcess.start(dir, null, true)) {
      ImprintServer server = bench.server();
      for (String alg : List.of("ES256", "RS256")) {
        WarmUp.run("raw " + alg + " signatures", () -> WarmUp.jit(bench), warmup,
            s -> SigningCeiling.sign(server, alg, cores, s));
        long cpu0 = processCpuNanos();
        Result r = SigningCeiling.sign(server, alg, cores, seconds);
        System.err.printf(Locale.ROOT, "cpu: raw %s signatures: %.0f us CPU per signature%n",
            alg, (processCpuNanos() - cpu0) / 1e3 / Math.max(1, r.requests()));
        System.out.println(withStore(r).row());
        if (alg.equals("ES256")) {
          es256PerSecond = r.perSecond();
        }
      }
      String jwt = SvidScenarios.attested(new Target(server.url(), bench.adminToken()), "bench")
          .at("/jwt_svid/token").asText();
      WarmUp.run("in-process validation", () -> WarmUp.jit(bench), warmup,
          s -> SigningCeiling.validate(server, jwt, "bench", cores, s));
      System.out.println(withStore(SigningCeiling.validate(server, jwt, "bench", cores,
          seconds)).row());
    } finally {
      deleteTree(dir);
    }
  }

  private static Result withStore(Result r) {
    return new Result(r.scenario(), "-", r.clients(), r.requests(), r.errors(), r.seconds(),
        r.latenciesNanos());
  }

  /** The bench server's configuration: as the defaults, RS256 for the bench RS256 audience. */
  static ServerConfig config(Path dir, String jdbcUrl) {
    ServerConfig d = ServerConfig.defaults();
    return new ServerConfig("127.0.0.1", 0, dir, jdbcUrl, d.trustDomain(), null, null, false,
        d.logFormat(), d.maxBodyBytes()).withSvid(dev.imprint.server.svid.SvidConfig.defaults()
            .withRs256Audiences(java.util.Set.of(SvidScenarios.RS256_AUDIENCE)));
  }

  /** One closed-loop run of {@code scenario} on a fresh server: its row of the table. */
  static String run(Scenario scenario, String store, String jdbcUrl, int clients, int seconds,
      int warmup) throws Exception {
    Path dir = Files.createTempDirectory("imprint-load-");
    try (BenchServer server = BenchServer.start(dir, jdbcUrl, serverProcess, inputLimits)) {
      Target target = new Target(server.url(), server.adminToken());
      scenario.setUp(target);
      if (wrk) {
        return wrkRow(scenario, store, clients, seconds, warmup, server, target, dir);
      }
      Result r;
      Usage usage;
      BatchSizes before;
      try (LoadClient http = new LoadClient(httpClient, clients)) {
        WarmUp.run(scenario.name() + " " + store + " " + clients + " clients",
            () -> WarmUp.jit(server), warmup,
            s -> drive(scenario, target, http, clients, s));
        before = server.writeBatchSizes();
        Usage.Mark mark = Usage.mark(server);
        r = drive(scenario, target, http, clients, seconds);
        usage = mark.until(server, ThreadCpu.clientOf(scenario.name()));
        openRow(scenario, store, clients, r.perSecond(), seconds, http, target, server);
      }
      System.err.println(usage.lines(scenario.name() + " " + store + " " + clients + " clients ("
          + httpClient.wire() + " client)", r.requests()));
      ratio(scenario.name(), store, clients, r.perSecond());
      return new Result(scenario.name(), store, clients, r.requests(), r.errors(), r.seconds(),
          r.latenciesNanos(), before == null ? null : server.writeBatchSizes().since(before))
          .row();
    } finally {
      deleteTree(dir);
    }
  }

  /** The closed-loop row of {@code scenario} driven by wrk after a wrk warm-up. */
  private static String wrkRow(Scenario scenario, String store, int clients, int seconds,
      int warmup, BenchServer server, Target target, Path dir) throws Exception {
    WarmUp.run(scenario.name() + " " + store + " " + clients + " clients (wrk)",
        () -> WarmUp.jit(server), warmup,
        s -> Wrk.run(scenario, target, clients, s, dir));
    BatchSizes before = server.writeBatchSizes();
    Usage.Mark mark = Usage.mark(server);
    Wrk.Run w = Wrk.run(scenario, target, clients, seconds, dir);
    Usage usage = mark.until(server, n -> false);
    String what = scenario.name() + " " + store + " " + clients + " clients (wrk)";
    System.err.println(usage.lines(what, w.requests()));
    System.err.println(w.cpuLine(what));
    ratio(scenario.name(), store, clients, w.perSecond());
    if (openScenario(scenario)) {
      try (LoadClient http = new LoadClient(httpClient, clients)) {
        // the open loop sends from Java clients, whose code wrk's warm-up never ran: warm them
        // too, or the first open-loop row measures their compilation
        WarmUp.run(what + ", the open loop's Java clients", () -> WarmUp.jit(server),
            warmup, s -> drive(scenario, target, http, clients, s));
        openRow(scenario, store, clients, w.perSecond(), seconds, http, target, server);
      }
    }
    return w.row(scenario.name(), store, clients,
        before == null ? null : server.writeBatchSizes().since(before));
  }

  /**
   * With {@code --open}, an identity scenario's open-loop row at {@code openShare} of its
   * closed-loop rate {@code closedPerSecond}, from Java clients.
   */
  private static void openRow(Scenario scenario, String store, int clients,
      double closedPerSecond, int seconds, LoadClient http, Target target, BenchServer server)
      throws InterruptedException {
    if (openScenario(scenario)) {
      OPEN_ROWS.add(AuthorizeLoad.openLoop(scenario.name(), store, clients,
          Math.max(1, openShare * closedPerSecond), seconds, (client, i) -> http.send(client,
              scenario.request(target, client, i)) == scenario.expectedStatus(), server).row());
    }
  }

  /** Whether {@code --open} gives {@code scenario} an open-loop row (the identity ones). */
  private static boolean openScenario(Scenario scenario) {
    return open && identityScenarios().stream().anyMatch(x -> x.name().equals(scenario.name()));
  }

  /** For ES256 JWT-SVID issuance: its rate as a share of the raw ES256 rate of this run. */
  private static void ratio(String scenario, String store, int clients, double perSecond) {
    if (scenario.equals("jwt-svid-issue") && es256PerSecond > 0) {
      RATIO_LINES.add(String.format(Locale.ROOT, "%s %s %d clients%s: %.0f issuances/s = %.0f %%"
          + " of the raw ES256 rate on all cores in this run (%.0f signatures/s)", scenario,
          store, clients, wrk ? " (wrk)" : "", perSecond, 100 * perSecond / es256PerSecond,
          es256PerSecond));
    }
  }

  /** The CPU time this process has used, in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** One call of a measured operation; false counts as an error (not timed). */
  interface Op {
    boolean call(int client, long i) throws Exception;
  }

  private static Result drive(Scenario scenario, Target target, LoadClient http, int clients,
      int seconds) throws InterruptedException {
    return drive(scenario.name(), clients, seconds, (client, i) -> http.send(client,
        scenario.request(target, client, i)) == scenario.expectedStatus());
  }

  /** Runs {@code op} from {@code clients} threads for {@code seconds}; latencies of successes. */
  static Result drive(String name, int clients, int seconds, Op op) throws InterruptedException {
    PerClient r = drivePerClient(name, clients, seconds, op);
    long[] all = r.latencies(c -> true);
    return new Result(name, "", clients, all.length, r.errors(c -> true), r.seconds(), all);
  }

  /** What each client of a run measured: its successes' latencies and its error count. */
  record PerClient(long[][] latenciesNanos, int[] counts, long[] errorCounts, double seconds) {
    /** The sorted latencies of the clients {@code which} selects. */
    long[] latencies(java.util.function.IntPredicate which) {
      int n = 0;
      for (int c = 0; c < counts.length; c++) {
        n += which.test(c) ? counts[c] : 0;
      }
      long[] all = new long[n];
      int k = 0;
      for (int c = 0; c < counts.length; c++) {
        if (which.test(c)) {
          System.arraycopy(latenciesNanos[c], 0, all, k, counts[c]);
          k += counts[c];
        }
      }
      Arrays.sort(all);
      return all;
    }

    /** The errors of the clients {@code which} selects. */
    long errors(java.util.function.IntPredicate which) {
      long n = 0;
      for (int c = 0; c < counts.length; c++) {
        n += which.test(c) ? errorCounts[c] : 0;
      }
      return n;
    }
  }

  /** The {@code p}-th percentile in milliseconds of sorted nanosecond latencies. */
  static double percentile(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(i, sortedNanos.length - 1))] / 1e6;
  }

  /** Runs {@code op} from {@code clients} threads for {@code seconds}, keeping each client's. */
  static PerClient drivePerClient(String name, int clients, int seconds, Op op)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long[][] perClient = new long[clients][];
    long[] errors = new long[clients];
    int[] counts = new int[clients];
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        long cpu0 = ThreadCpu.current();
        long allocated0 = ThreadCpu.currentAllocated();
        try {
          perClient[client] = drive(op, client, deadline, counts, errors);
        } finally {
          ThreadCpu.DRIVERS.addAndGet(ThreadCpu.current() - cpu0);
          ThreadCpu.DRIVERS_ALLOCATED.addAndGet(ThreadCpu.currentAllocated() - allocated0);
        }
      }, name + "-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return new PerClient(perClient, counts, errors, (System.nanoTime() - start) / 1e9);
  }

  /** Latencies one client keeps at most (a closed loop stops there). */
  static final int MAX_LATENCIES = 1 << 20;

  /**
   * One client's closed loop until {@code deadline}: its successes' latencies (the first {@code
   * counts[client]} entries). The array starts small and doubles as it fills, so the load
   * generator, which shares the JVM and the cores with the server in these runs, does not
   * allocate 8 MiB per client up front (512 MiB at 64 clients: collections during the run).
   * Its count and errors are locals, written to the shared arrays once at the end: 64 clients
   * incrementing neighbouring slots would share cache lines and stall each other per request.
   */
  private static long[] drive(Op op, int client, long deadline, int[] counts, long[] errors) {
    long[] lat = new long[4096];
    long[] failed = new long[1];
    int n = 0;
    long i = 0;
    try {
      while (System.nanoTime() < deadline && n < MAX_LATENCIES) {
        long t0 = System.nanoTime();
        if (succeeded(op, client, i++, failed, 0)) {
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, Math.min(2 * lat.length, MAX_LATENCIES));
          }
          lat[n++] = System.nanoTime() - t0;
        } else if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
    } finally {
      counts[client] = n;
      errors[client] = failed[0];
    }
    return lat;
  }

  /**
   * Runs call {@code i} of client {@code client} once: true when it succeeded, so its latency is
   * to be recorded; false when it failed (false, or an exception: counted in {@code errors}) or
   * was interrupted (not counted; the thread's interrupt status is set again for its loop to
   * stop on).
   */
  static boolean succeeded(Op op, int client, long i, long[] errors) {
    return succeeded(op, client, i, errors, client);
  }

  /**
   * {@link #succeeded(Op, int, long, long[])} counting a failure in {@code errors[slot]}: a
   * client's own one-slot array keeps its count off the cache lines the other clients write.
   */
  static boolean succeeded(Op op, int client, long i, long[] errors, int slot) {
    try {
      if (op.call(client, i)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      // counted below, like a wrong status
    }
    errors[slot]++;
    return false;
  }


  static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
