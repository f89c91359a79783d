package dev.imprint.bench.load;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.store.BatchSizes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/authorize} measured two ways on one server, in one run, with the same clients:
 * (a) saturation: closed-loop clients, each sending its next request when the last one answered,
 * so the rate is whatever the server and the clients sharing its cores reach and the latency is
 * mostly time spent queueing; (b) a fixed offered rate (open loop): the clients together send at
 * a stated rate (a fraction of the rate (a) reached), each request at its scheduled time whether
 * or not earlier ones have answered, and its latency is measured from that scheduled time, so a
 * stall delays every request scheduled during it and none of that is hidden (no coordinated
 * omission). The latency target is judged on (b): by Little's law, 64 closed-loop
 * clients cannot see a p99 under 1 ms unless the server answers more than 64,000 a second.
 */
final class AuthorizeLoad {
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");

  /** A fixed-rate run: what was offered and achieved, and the latencies from schedule. */
  record OpenResult(String store, int clients, double offeredPerSecond, long requests,
      long errors, long late, double seconds, long[] latenciesNanos) {
    String row() {
      return String.format(Locale.ROOT,
          "| authorize | %s | %d | %.0f | %.0f | %d | %.2f | %.2f | %.2f | %.2f | %d | %d |",
          store, clients, offeredPerSecond, requests / seconds, requests,
          LoadGenerator.percentile(latenciesNanos, 50),
          LoadGenerator.percentile(latenciesNanos, 99),
          LoadGenerator.percentile(latenciesNanos, 99.9),
          LoadGenerator.percentile(latenciesNanos, 100), errors, late);
    }
  }

  private AuthorizeLoad() {}

  /** The header of the (b) table. */
  static String openHeader() {
    return "| scenario | store | clients | offered req/s | achieved req/s | requests | p50 ms |"
        + " p99 ms | p99.9 ms | max ms | errors | sent > 1 ms late |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|";
  }

  /**
   * Starts a server on {@code store}, warms up, measures (a) with {@code clients} closed-loop
   * clients, then (b) at {@code rate} requests a second ({@code fraction} of (a)'s rate when
   * {@code rate} is 0) from as many clients; returns both.
   */
  static Object[] run(String store, String jdbcUrl, int clients, int seconds, int warmup,
      double fraction, double rate) throws Exception {
    Path dir = Files.createTempDirectory("imprint-load-");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    AuthorizeScenario scenario = new AuthorizeScenario();
    LoadClient closer = null;
    try (ImprintServer server = ImprintServer.start(LoadGenerator.config(dir, jdbcUrl),
        new PrintStream(console, true, StandardCharsets.UTF_8))) {
      Matcher m = ADMIN.matcher(console.toString(StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalStateException("no admin token printed");
      }
      Target target = new Target(server.url(), m.group(1));
      scenario.setUp(target);
      LoadClient http = new LoadClient(LoadGenerator.httpClient, clients);
      closer = http;
      LoadGenerator.Op op = (client, i) -> http.send(client,
          scenario.request(target, client, i)) == scenario.expectedStatus();
      LoadGenerator.drive(scenario.name(), clients, warmup, op);
      BatchSizes before = server.database().writeBatchSizes();
      LoadGenerator.Result closed = LoadGenerator.drive(scenario.name(), clients, seconds, op);
      LoadGenerator.Result a = new LoadGenerator.Result(scenario.name(), store, clients,
          closed.requests(), closed.errors(), closed.seconds(), closed.latenciesNanos(),
          server.database().writeBatchSizes().since(before));
      double offered = rate > 0 ? rate : Math.max(1, fraction * a.perSecond());
      OpenResult b = openLoop(store, clients, offered, seconds, op);
      return new Object[] {a, b};
    } finally {
      if (closer != null) {
        closer.close();
      }
      LoadGenerator.deleteTree(dir);
    }
  }

  /**
   * Sends {@code perSecond} requests a second in total for {@code seconds}: client {@code c} of
   * {@code clients} sends its {@code k}-th request at {@code start + (k * clients + c) /
   * perSecond}, at once if that time has passed (a late client catches up; nothing is skipped),
   * and records the time from that scheduled start to the answer.
   */
  static OpenResult openLoop(String store, int clients, double perSecond, int seconds,
      LoadGenerator.Op op) throws InterruptedException {
    double gapNanos = 1e9 / perSecond;
    long start = System.nanoTime() + 50_000_000L;
    long end = start + seconds * 1_000_000_000L;
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    long[] errors = new long[clients];
    long[] late = new long[clients];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      long[] lat = new long[(int) Math.min(1 << 22, perSecond * seconds / clients + 16)];
      latencies[c] = lat;
      Thread t = new Thread(() -> {
        for (long k = 0; counts[client] < lat.length; k++) {
          long due = start + (long) ((k * clients + client) * gapNanos);
          if (due >= end) {
            return;
          }
          long wait = due - System.nanoTime();
          while (wait > 0) {
            LockSupport.parkNanos(wait);
            wait = due - System.nanoTime();
          }
          if (-wait > 1_000_000L) {
            late[client]++;
          }
          try {
            if (!op.call(client, k)) {
              errors[client]++;
              continue;
            }
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            errors[client]++;
            continue;
          }
          lat[counts[client]++] = System.nanoTime() - due;
        }
      }, "authorize-open-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double took = (Math.max(System.nanoTime(), end) - start) / 1e9;
    LoadGenerator.PerClient r = new LoadGenerator.PerClient(latencies, counts, errors, took);
    long[] all = r.latencies(c -> true);
    long lateTotal = 0;
    for (long l : late) {
      lateTotal += l;
    }
    return new OpenResult(store, clients, perSecond, all.length, r.errors(c -> true), lateTotal,
        took, all);
  }
}
