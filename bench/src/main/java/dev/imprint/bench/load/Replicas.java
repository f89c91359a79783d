package dev.imprint.bench.load;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.testkit.TcpProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two replicas on one PostgreSQL, each driven by half of the clients creating tokens (a durable
 * write and an audit append each): once with both on the direct link, once with replica B's
 * link to the database slowed by a {@link TcpProxy} delay. The cluster's writes per second
 * should not follow its slowest replica.
 */
final class Replicas {
  static final String NAME = "replicas";
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");
  /** The writers' lock's line of each case, printed after the table. */
  private static final List<String> LOCK_LINES = new ArrayList<>();

  private Replicas() {}

  /** Runs both cases and prints one table row per replica and case. */
  static void run(EmbeddedPostgres pg, int clients, int seconds, int warmup, int slowOneWayMs)
      throws Exception {
    System.out.println();
    System.out.println("| replicas (token-create) | link of B | replica | clients | writes |"
        + " writes/s | p50 ms | p99 ms | errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    double direct = once(pg, clients, seconds, warmup, 0);
    double slow = once(pg, clients, seconds, warmup, slowOneWayMs);
    System.out.println();
    LOCK_LINES.forEach(System.out::println);
    LOCK_LINES.clear();
    System.out.println(share(direct, slow, 2 * slowOneWayMs));
  }

  /**
   * The line that answers the scenario's question: how much of its write rate the cluster keeps
   * when one replica's link is slow (the same run's direct case is the baseline).
   */
  static String share(double direct, double slow, int roundTripMs) {
    return String.format(Locale.ROOT, "replicas: both on the direct link %.0f writes/s; replica B"
        + " behind +%d ms per round trip %.0f writes/s = %.0f %% of the direct rate", direct,
        roundTripMs, slow, direct > 0 ? 100 * slow / direct : Double.NaN);
  }

  /** Runs one case, prints its rows and returns the cluster's writes per second. */
  private static double once(EmbeddedPostgres pg, int clients, int seconds, int warmup,
      int oneWayMs) throws Exception {
    String direct = LoadGenerator.newDatabase(pg);
    Path dir = Files.createTempDirectory("imprint-replicas-");
    Path kek = dir.resolve("kek");
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Files.writeString(kek, Base64.getEncoder().encodeToString(key));
    // the server refuses a key-encryption key readable by others (0600, as an operator would)
    Files.setPosixFilePermissions(kek,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (TcpProxy link = TcpProxy.to("localhost", pg.getPort()).name("slow-link")
        .delay(Duration.ofMillis(oneWayMs)).start()) {
      String slow = link.route(direct);
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      try (ImprintServer a = start(dir.resolve("a"), direct, kek, console);
          ImprintServer b = start(dir.resolve("b"), slow, kek, new ByteArrayOutputStream())) {
        Matcher m = ADMIN.matcher(console.toString(StandardCharsets.UTF_8));
        if (!m.find()) {
          throw new IllegalStateException("no admin token printed");
        }
        Target[] targets = {new Target(a.url(), m.group(1)), new Target(b.url(), m.group(1))};
        LoadGenerator.Op op = (client, i) -> LoadGenerator.HTTP.send(
            targets[client % 2].postJson("/v1/tokens", targets[client % 2].adminToken(),
                "{\"role\":\"workload\",\"description\":\"replica " + client + "-" + i + "\"}"),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 201;
        WarmUp.closedLoop(NAME, clients, warmup, op);
        LoadGenerator.PerClient r;
        String linkB = oneWayMs == 0 ? "direct" : "+" + 2 * oneWayMs + " ms per round trip";
        try (LockSamples lock = LockSamples.start(direct)) {
          r = LoadGenerator.drivePerClient(NAME, clients, seconds, op);
          LOCK_LINES.add(lock.line(linkB));
        }
        for (int replica = 0; replica < 2; replica++) {
          int which = replica;
          long[] lat = r.latencies(c -> c % 2 == which);
          System.out.println(String.format(Locale.ROOT,
              "| | %s | %s | %d | %d | %.0f | %.1f | %.1f | %d |", linkB, which == 0 ? "A" : "B",
              clients / 2 + (which == 0 ? clients % 2 : 0), lat.length, lat.length / r.seconds(),
              LoadGenerator.percentile(lat, 50), LoadGenerator.percentile(lat, 99),
              r.errors(c -> c % 2 == which)));
        }
        long[] all = r.latencies(c -> true);
        System.out.println(String.format(Locale.ROOT,
            "| | %s | **both** | %d | %d | **%.0f** | %.1f | %.1f | %d |", linkB, clients,
            all.length, all.length / r.seconds(), LoadGenerator.percentile(all, 50),
            LoadGenerator.percentile(all, 99), r.errors(c -> true)));
        return all.length / r.seconds();
      }
    } finally {
      LoadGenerator.deleteTree(dir);
    }
  }

  private static ImprintServer start(Path data, String jdbc, Path kek,
      ByteArrayOutputStream console) {
    ServerConfig d = ServerConfig.defaults();
    ServerConfig c = new ServerConfig("127.0.0.1", 0, data, jdbc, d.trustDomain(), null, null,
        false, d.logFormat(), d.maxBodyBytes(), null, kek);
    return ImprintServer.start(c, new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  /**
   * Samples the writers' lock while a case runs (a query of pg_locks and pg_stat_activity about
   * every 5 ms on a connection of its own): how often a session holds it, how often its holder
   * is idle in its transaction (PostgreSQL waits for the replica, over its link, to send the next
   * statement or the commit) and how often another session waits for it. Shares of samples, which
   * the machine's load skews less than it skews times.
   */
  static final class LockSamples implements AutoCloseable {
    private static final String SAMPLE = "SELECT COALESCE(bool_or(l.granted), false),"
        + " COALESCE(bool_or(l.granted AND a.state = 'idle in transaction'), false),"
        + " COALESCE(bool_or(NOT l.granted), false) FROM pg_locks l JOIN pg_stat_activity a"
        + " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND a.datname = current_database()";
    private final Connection c;
    private final Thread thread;
    private volatile boolean stop;
    private long samples;
    private long held;
    private long heldIdle;
    private long waited;

    private LockSamples(Connection c) {
      this.c = c;
      this.thread = new Thread(this::loop, "replicas-lock-samples");
    }

    static LockSamples start(String url) throws SQLException {
      LockSamples s = new LockSamples(DriverManager.getConnection(url));
      s.thread.setDaemon(true);
      s.thread.start();
      return s;
    }

    private void loop() {
      try (PreparedStatement ps = c.prepareStatement(SAMPLE)) {
        while (!stop) {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            samples++;
            held += rs.getBoolean(1) ? 1 : 0;
            heldIdle += rs.getBoolean(2) ? 1 : 0;
            waited += rs.getBoolean(3) ? 1 : 0;
          }
          Thread.sleep(5);
        }
      } catch (SQLException | InterruptedException e) {
        // the case is over, or the sampler lost its connection: its counts so far stand
      }
    }

    /** The line for the case whose replica B is on {@code linkB}, once the case has run. */
    String line(String linkB) throws SQLException {
      stop = true;
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      double n = Math.max(1, samples);
      return String.format(Locale.ROOT, "writers' lock, link of B %s: %d samples; held in %.1f %%,"
          + " by a session idle in its transaction (waiting for its replica) in %.1f %%, waited"
          + " for in %.1f %%", linkB, samples, 100 * held / n, 100 * heldIdle / n,
          100 * waited / n);
    }

    @Override
    public void close() throws SQLException {
      stop = true;
      c.close();
    }
  }

  static long[] sorted(long[] a) {
    long[] s = a.clone();
    Arrays.sort(s);
    return s;
  }
}
