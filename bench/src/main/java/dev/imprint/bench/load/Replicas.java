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
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
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
        LoadGenerator.PerClient r = LoadGenerator.drivePerClient(NAME, clients, seconds, op);
        String linkB = oneWayMs == 0 ? "direct" : "+" + 2 * oneWayMs + " ms per round trip";
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

  static long[] sorted(long[] a) {
    long[] s = a.clone();
    Arrays.sort(s);
    return s;
  }
}
