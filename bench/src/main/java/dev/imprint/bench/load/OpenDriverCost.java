package dev.imprint.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.eclipse.jetty.client.BytesRequestContent;

/**
 * What an open-loop client costs per request, for the choice of (b)'s driver: the same
 * authorize-sized request at a fixed rate over 64 loopback connections to a trivial JDK server
 * in this JVM, sent by {@code nio} ({@link OpenDriver}), {@code jetty} (Jetty's async client
 * driven by one scheduler thread) or {@code threads} (a sender thread per connection with a
 * blocking Apache client, the earlier open loop). Prints, per run (the first ones warm the
 * code), the client's CPU microseconds and bytes allocated per request: its scheduler or
 * sender threads and the client's own threads, read from their thread counters, which load
 * changes far less than it changes wall-clock figures; for {@code nio} also the driver thread's
 * context switches per request (voluntary: it blocked; involuntary: it yielded or was
 * preempted) and its own lateness.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.imprint.bench.load.OpenDriverCost \
 *     nio|jetty|threads [rate 2000] [requests 10000] [runs 3]</pre>
 */
final class OpenDriverCost {
  private static final int CONNECTIONS = 64;
  private static final long SPIN_NANOS = 50_000L;

  private OpenDriverCost() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "nio";
    double rate = args.length > 1 ? Double.parseDouble(args[1]) : 2000;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    // the JDK server writes head and body apart: without no-delay, Nagle holds every answer
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), CONNECTIONS * 2);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> new Thread(r, "cost-server")));
    byte[] answer = "{\"allowed\":true}".getBytes(StandardCharsets.US_ASCII);
    server.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(200, answer.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
    int port = server.getAddress().getPort();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/authorize")).header("Authorization", "Bearer " + "x".repeat(600))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"action\":\"read\",\"resource\":\"topic:bench/q1\"}")).build();
    try {
      for (int i = 0; i < runs; i++) {
        long[] used = switch (kind) {
          case "nio" -> nio(port, request, rate, n);
          case "jetty" -> jetty(request, rate, n);
          case "threads" -> threads(request, rate, n);
          default -> throw new IllegalArgumentException("expected nio, jetty or threads, got "
              + kind);
        };
        System.out.printf(Locale.ROOT, "%s run %d at %.0f/s: %d of %d answered 200, client CPU"
            + " %.1f us per request, %.1f bytes allocated per request%s%n", kind, i + 1, rate,
            used[0], n, used[1] / 1e3 / n, used[2] / (double) n, used.length < 8 ? ""
                : String.format(Locale.ROOT, ", context switches per request %.3f voluntary"
                    + " %.3f involuntary, driver late p50 / p99 / max %.3f / %.3f / %.3f ms",
                    used[3] / (double) n, used[4] / (double) n, used[5] / 1e6, used[6] / 1e6,
                    used[7] / 1e6));
      }
    } finally {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  /**
   * Answered, CPU nanoseconds, bytes, voluntary and involuntary context switches, lateness p50,
   * p99 and max (ns): {@link OpenDriver}'s one thread's.
   */
  private static long[] nio(int port, HttpRequest request, double rate, int n)
      throws Exception {
    try (OpenDriver d = new OpenDriver(new InetSocketAddress("127.0.0.1", port), CONNECTIONS)) {
      OpenDriver.Run r = d.run(new byte[][] {OpenDriver.serialize(request)}, 200, rate, n,
          SPIN_NANOS);
      long[] late = r.latenessNanos();
      return new long[] {r.answered(), r.cpuNanos(), r.allocatedBytes(), r.voluntarySwitches(),
          r.involuntarySwitches(), (long) (LoadGenerator.percentile(late, 50) * 1e6),
          (long) (LoadGenerator.percentile(late, 99) * 1e6),
          late.length == 0 ? 0 : late[late.length - 1]};
    }
  }

  /** Waits until {@code due}: parks, then spins the last {@link #SPIN_NANOS}. */
  private static void await(long due) {
    long w;
    while ((w = due - System.nanoTime()) > SPIN_NANOS) {
      LockSupport.parkNanos(w - SPIN_NANOS);
    }
    while (System.nanoTime() < due) {
      Thread.onSpinWait();
    }
  }

  /** Answered, CPU nanoseconds, bytes: the scheduling thread's and Jetty's own threads'. */
  private static long[] jetty(HttpRequest request, double rate, int n) throws Exception {
    var jetty = new org.eclipse.jetty.client.HttpClient();
    jetty.setMaxConnectionsPerDestination(CONNECTIONS);
    jetty.setUserAgentField(null);
    jetty.start();
    try {
      byte[] body = LoadClient.read(request.bodyPublisher().orElseThrow());
      String auth = request.headers().firstValue("Authorization").orElseThrow();
      Predicate<String> own = t -> t.startsWith("HttpClient");
      AtomicLong ok = new AtomicLong();
      CountDownLatch done = new CountDownLatch(n);
      long cpu0 = ThreadCpu.current() + cpuOf(own);
      long bytes0 = ThreadCpu.currentAllocated() + ThreadCpu.allocatedBy(own);
      long start = System.nanoTime() + 20_000_000L;
      for (int k = 0; k < n; k++) {
        await(start + (long) (k * 1e9 / rate));
        jetty.newRequest(request.uri()).method("POST").headers(h -> h.add("Authorization", auth))
            .body(new BytesRequestContent("application/json", body)).send(res -> {
              if (res.isSucceeded() && res.getResponse().getStatus() == 200) {
                ok.incrementAndGet();
              }
              done.countDown();
            });
      }
      long cpu = ThreadCpu.current();
      long bytes = ThreadCpu.currentAllocated();
      done.await();
      return new long[] {ok.get(), cpu + cpuOf(own) - cpu0,
          bytes + ThreadCpu.allocatedBy(own) - bytes0};
    } finally {
      jetty.stop();
    }
  }

  /** Answered, CPU nanoseconds, bytes: the sender threads' (the Apache client runs none). */
  private static long[] threads(HttpRequest request, double rate, int n) throws Exception {
    try (LoadClient http = new LoadClient(LoadClient.Kind.APACHE, CONNECTIONS)) {
      AtomicLong cpu = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      AtomicLong ok = new AtomicLong();
      long start = System.nanoTime() + 50_000_000L;
      Thread[] senders = new Thread[CONNECTIONS];
      for (int c = 0; c < CONNECTIONS; c++) {
        int client = c;
        senders[c] = new Thread(() -> {
          long cpu0 = ThreadCpu.current();
          long bytes0 = ThreadCpu.currentAllocated();
          for (long k = client; k < n; k += CONNECTIONS) {
            await(start + (long) (k * 1e9 / rate));
            try {
              ok.addAndGet(http.send(client, request) == 200 ? 1 : 0);
            } catch (java.io.IOException e) {
              // not answered: not counted
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          cpu.addAndGet(ThreadCpu.current() - cpu0);
          bytes.addAndGet(ThreadCpu.currentAllocated() - bytes0);
        }, "cost-sender-" + c);
        senders[c].start();
      }
      for (Thread t : senders) {
        t.join();
      }
      return new long[] {ok.get(), cpu.get(), bytes.get()};
    }
  }

  /** CPU nanoseconds of the live threads {@code which} picks by name. */
  private static long cpuOf(Predicate<String> which) {
    var bean = ThreadCpu.local();
    long sum = 0;
    for (long id : bean.getAllThreadIds()) {
      var info = bean.getThreadInfo(id);
      if (info != null && which.test(info.getThreadName())) {
        sum += Math.max(0, bean.getThreadCpuTime(id));
      }
    }
    return sum;
  }
}
