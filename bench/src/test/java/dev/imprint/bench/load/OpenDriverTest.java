package dev.imprint.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The open-loop driver against a real loopback HTTP/1.1 server: it sends exactly the scheduled
 * requests from its one thread (no thread is started for a run), counts answers of another
 * status, requests lost to a closed connection and answers it cannot frame apart, and a stalled
 * server shows in the latency of every request due during the stall, measured from its due time
 * (no coordinated omission). Only counts, order and lower bounds a stall guarantees are asserted,
 * never how fast anything ran.
 */
class OpenDriverTest {
  static {
    // the JDK server writes an answer's head and body apart: without this, Nagle's algorithm
    // and the client's delayed ACK hold every answer tens of ms
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private HttpServer server;
  private final AtomicInteger received = new AtomicInteger();
  /** The client ports the requests came from: one per connection. */
  private final java.util.Set<Integer> ports = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private InetSocketAddress address;
  /** When the stalled answer's sleep began and ended ({@link System#nanoTime}). */
  private volatile long stallStart;
  private volatile long stallEnd;

  @BeforeEach
  void start() throws IOException {
    // one dispatcher thread answers every connection: a stalled answer stalls all of them
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    address = server.getAddress();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    received.incrementAndGet();
    ports.add(x.getRemoteAddress().getPort());
    x.getRequestBody().readAllBytes();
    String path = x.getRequestURI().getPath();
    if (path.equals("/drop")) {
      // the server closes the connection without an answer
      throw new IllegalStateException("dropped on purpose");
    }
    if (path.equals("/stall")) {
      stallStart = System.nanoTime();
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stallEnd = System.nanoTime();
    }
    byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
    int status = path.equals("/fail") ? 500 : 200;
    // 0: a chunked body; else its Content-Length
    x.sendResponseHeaders(status, path.equals("/chunked") ? 0 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private byte[] request(String path) {
    return OpenDriver.serialize(HttpRequest.newBuilder(URI.create("http://"
        + address.getHostString() + ":" + address.getPort() + path)).header("X-Bench", "1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"k\":1}")).build());
  }

  /** {@code n} requests, {@code path} at {@code at} and {@code /ok} elsewhere. */
  private byte[][] requests(int n, int at, String path) {
    byte[][] r = new byte[n][];
    for (int i = 0; i < n; i++) {
      r[i] = request(i == at ? path : "/ok");
    }
    return r;
  }

  @Test
  void sendsExactlyTheScheduleAndCountsOtherStatusesApart() throws Exception {
    byte[][] cycle = requests(10, 3, "/fail");
    cycle[7] = request("/chunked");
    try (OpenDriver d = new OpenDriver(address, 4)) {
      OpenDriver.Run r = d.run(cycle, 200, 400, 400, 50_000L);
      assertThat(received.get()).isEqualTo(400);
      assertThat(r.scheduled()).isEqualTo(400);
      assertThat(r.answered()).as("200s, chunked or not").isEqualTo(360);
      assertThat(r.unexpected()).as("500s").isEqualTo(40);
      assertThat(r.lost()).isZero();
      assertThat(r.malformed()).isZero();
      assertThat(r.errors()).isEqualTo(40);
      assertThat(r.latenciesNanos()).hasSize(400);
      assertThat(r.latenciesNanos()[0]).as("latency from the due time").isNotNegative();
      assertThat(r.byRequestNanos()).doesNotContain(-1L);
      assertThat(r.latenessNanos()).hasSize(400);
      assertThat(r.latenessNanos()[0]).isNotNegative();
      assertThat(r.connections()).isEqualTo(4);
      // Allocation depends on the JIT: until C2 has compiled the loop, the interpreter and C1
      // allocate what escape analysis later removes (the selector's key iterator, say). On a
      // loaded machine C2 may come late, so one more run is not enough: up to ten runs, and the
      // least any of them allocated must be under 24 bytes a request. The JDK's selector looks
      // each ready channel up in a map keyed by its boxed file descriptor: with descriptors
      // above 127 (as in a test JVM with many jars open) that is a 16-byte Integer per answer
      // unless C2 inlines the lookup, which other tests' profiles can prevent (measured: exactly
      // 16 bytes a request after AnswerFramingTest, none with -XX:AutoBoxCacheMax=65536). A real
      // allocation per send of the driver's own (64 bytes made this fail) shows in every run.
      // The driver reads its context switches before and after the run, outside this count.
      long least = Long.MAX_VALUE;
      for (int attempt = 0; attempt < 10 && least >= 400L * 24; attempt++) {
        OpenDriver.Run again = d.run(cycle, 200, 2_000, 400, 50_000L);
        assertThat(again.answered()).isEqualTo(360);
        least = Math.min(least, again.allocatedBytes());
      }
      assertThat(least).as("bytes the driver allocated in the leanest of up to ten more runs")
          .isLessThan(400L * 24);
    }
  }

  @Test
  void aConnectionClosedWithoutAnAnswerLosesItsRequestAndIsOpenedAgain() throws Exception {
    try (OpenDriver d = new OpenDriver(address, 2)) {
      OpenDriver.Run r = d.run(requests(5, 2, "/drop"), 200, 500, 100, 50_000L);
      assertThat(received.get()).isEqualTo(100);
      assertThat(r.lost()).isEqualTo(20);
      assertThat(r.answered()).isEqualTo(80);
      assertThat(r.reconnects()).isGreaterThanOrEqualTo(20);
      assertThat(r.errors()).isEqualTo(20);
      for (int k = 0; k < 100; k++) {
        assertThat(r.byRequestNanos()[k] < 0).as("request " + k + " lost").isEqualTo(k % 5 == 2);
      }
    }
  }

  @Test
  void aStallDelaysEveryRequestDueDuringItFromItsDueTime() throws Exception {
    // 200 a second: one due every 5 ms; request 20 stalls the server's one thread 500 ms
    int stalled = 20;
    double rate = 200;
    try (OpenDriver d = new OpenDriver(address, 2)) {
      OpenDriver.Run r = d.run(requests(400, stalled, "/stall"), 200, rate, 400, 50_000L);
      assertThat(received.get()).isEqualTo(400);
      assertThat(r.answered()).isEqualTo(400);
      // a request due during the stall is sent no earlier than its due time, so the server's
      // thread reads it only after the stall: its latency holds at least the rest of the
      // stall, decreasing linearly with its due time, whatever the machine's speed
      int during = 0;
      for (int k = 0; k < 400; k++) {
        long due = r.startNanos() + (long) (k * 1e9 / rate);
        if (due >= stallStart && due < stallEnd) {
          during++;
          assertThat(r.byRequestNanos()[k]).as("latency of request " + k + ", due "
              + (due - stallStart) / 1_000_000 + " ms into the stall")
              .isGreaterThanOrEqualTo(stallEnd - due);
        }
      }
      assertThat(during).as("requests due during the stall").isGreaterThanOrEqualTo(20);
      assertThat(r.behind()).as("requests that waited over 1 ms for a free connection")
          .isGreaterThan(0);
    }
  }

  @Test
  void atALowRateEveryConnectionCarriesRequestsSoNoneIdlesIntoTheServersTimeout()
      throws Exception {
    // each answer comes long before the next send: the connection free longest is taken, so
    // the first four sends go out on four connections (the last one freed would be one)
    try (OpenDriver d = new OpenDriver(address, 4)) {
      OpenDriver.Run r = d.run(requests(2, 0, "/"), 200, 100, 8, 50_000L);
      assertThat(r.answered()).isEqualTo(8);
      assertThat(r.reconnects()).isZero();
    }
    assertThat(ports).hasSize(4);
  }

  @Test
  void thePollParkComesFromTheEnvironmentInMicroseconds() {
    assertThat(OpenDriver.pollParkNanos(null)).isZero();
    assertThat(OpenDriver.pollParkNanos(" ")).isZero();
    assertThat(OpenDriver.pollParkNanos("20")).isEqualTo(20_000L);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenDriver.pollParkNanos("-1"))
        .hasMessageContaining("OPEN_POLL_PARK_US");
  }

  @Test
  void inAJvmOfItsOwnTheRowsReadingsStartAfterTheUnmeasuredRunAndBeforeTheMeasuredOne()
      throws Exception {
    // the row's readings of the server (its JIT, its request log) are taken in the callback:
    // they must leave the unmeasured run's requests out and miss none of the measured run's
    int[] seen = {-1};
    int[] calls = {0};
    OpenDriver.Run r = OpenDriverProcess.run(address, 3, requests(4, 0, "/"), 200, 200, 60,
        50_000L, () -> {
          calls[0]++;
          seen[0] = received.get();
        });
    assertThat(calls[0]).isEqualTo(1);
    assertThat(seen[0]).as("requests received when the measured run was about to start")
        .isEqualTo(60);
    assertThat(received.get()).isEqualTo(120);
    assertThat(r.answered()).isEqualTo(60);
  }

  @Test
  void inAJvmOfItsOwnTheDriverWarmsUpThenSendsTheScheduleAndHandsItsRunBack() throws Exception {
    OpenDriver.Run r = OpenDriverProcess.run(address, 3, requests(4, 1, "/fail"), 200, 200, 100,
        50_000L);
    assertThat(received.get()).as("the unmeasured warm-up's and the row's").isEqualTo(200);
    assertThat(r.scheduled()).isEqualTo(100);
    assertThat(r.answered()).isEqualTo(75);
    assertThat(r.unexpected()).isEqualTo(25);
    assertThat(r.connections()).isEqualTo(3);
    assertThat(r.latenciesNanos()).hasSize(100).isSorted();
    assertThat(r.byRequestNanos()).hasSize(100).doesNotContain(-1L);
    assertThat(r.latenessNanos()).hasSize(100);
    assertThat(r.offeredPerSecond()).isEqualTo(200);
    assertThat(r.seconds()).isPositive();
    assertThat(r.cpuNanos()).isPositive();
    assertThat(r.collections()).as("the driver JVM's collections during the row").isNotNegative();
  }

  @Test
  void theDriversJvmGetsTheHeapGcAndStackFlagsButNoFileOrRecording() {
    assertThat(OpenDriverProcess.jvmFlags(java.util.List.of("-Xss4m",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:GuaranteedSafepointInterval=0", "-Xmn512m",
        "-Xmx2g", "-XX:+UseZGC", "-Dimprint.x=1", "-javaagent:/x/agent.jar",
        "-XX:StartFlightRecording=filename=a.jfr", "-XX:HeapDumpPath=/tmp/h", "-Xlog:gc:file=g",
        "-XX:ErrorFile=/tmp/e.log"))).containsExactly("-Xss4m",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:GuaranteedSafepointInterval=0", "-Xmn512m",
        "-Xmx2g", "-XX:+UseZGC");
    assertThat(OpenDriverProcess.words("  nice -n  -5 ")).containsExactly("nice", "-n", "-5");
    assertThat(OpenDriverProcess.words(null)).isEmpty();
  }

  @Test
  void aRunStartsNoThreadItsOneThreadSendsAndReads() throws Exception {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    try (OpenDriver d = new OpenDriver(address, 4)) {
      d.run(requests(4, -1, "/ok"), 200, 1_000, 50, 50_000L);
      long started = threads.getTotalStartedThreadCount();
      OpenDriver.Run r = d.run(requests(4, -1, "/ok"), 200, 1_000, 200, 50_000L);
      assertThat(r.answered()).isEqualTo(200);
      // the JDK server answers on its one dispatcher thread, started before the run; a timer
      // thread per run (the driver's before) would show here
      assertThat(threads.getTotalStartedThreadCount() - started).as("threads started during"
          + " a run").isZero();
    }
  }

  /**
   * A server that reads each request and writes {@code answers.apply(path)} raw, one thread per
   * connection: it can send what the JDK server never would.
   */
  private static ServerSocket rawServer(Function<String, String> answers) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          Thread t = new Thread(() -> serveRaw(s, answers), "raw-server-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "raw-server");
    accept.setDaemon(true);
    accept.start();
    return listener;
  }

  private static void serveRaw(Socket s, Function<String, String> answers) {
    try (s; var in = new java.io.DataInputStream(new java.io.BufferedInputStream(
        s.getInputStream())); OutputStream out = s.getOutputStream()) {
      while (true) {
        String requestLine = null;
        int length = 0;
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
          if (b != '\n') {
            line.append((char) b);
            continue;
          }
          String l = line.toString().trim();
          line.setLength(0);
          if (l.isEmpty()) {
            break;
          }
          if (requestLine == null) {
            requestLine = l;
          } else if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(l.substring(15).trim());
          }
        }
        if (b < 0) {
          return;
        }
        in.readNBytes(length);
        out.write(answers.apply(requestLine.split(" ")[1]).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the driver closed the connection
    }
  }

  @Test
  void anAnswerThatCannotBeFramedIsAnErrorNotAnAnswerAndItsConnectionIsOpenedAgain()
      throws Exception {
    try (ServerSocket raw = rawServer(path -> switch (path) {
      case "/not-http" -> "SSH-2.0-OpenSSH_9.6\r\n\r\n";
      case "/bad-length" -> "HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok";
      default -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    })) {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(),
          raw.getLocalPort());
      byte[][] cycle = new byte[10][];
      for (int i = 0; i < cycle.length; i++) {
        cycle[i] = OpenDriver.serialize(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + raw.getLocalPort() + (i == 2 ? "/not-http" : i == 5 ? "/bad-length" : "/ok")))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
      }
      try (OpenDriver d = new OpenDriver(at, 3)) {
        OpenDriver.Run r = d.run(cycle, 200, 500, 100, 50_000L);
        assertThat(r.malformed()).as("answers that could not be framed").isEqualTo(20);
        assertThat(r.answered()).isEqualTo(80);
        assertThat(r.unexpected()).isZero();
        assertThat(r.lost()).isZero();
        assertThat(r.errors()).isEqualTo(20);
        assertThat(r.reconnects()).isEqualTo(20);
        assertThat(r.latenciesNanos()).hasSize(80);
        for (int k = 0; k < 100; k++) {
          assertThat(r.byRequestNanos()[k] < 0).as("request " + k + " not answered")
              .isEqualTo(k % 10 == 2 || k % 10 == 5);
        }
        assertThat(r.problem()).as("the first one, with its beginning")
            .containsAnyOf("SSH-2.0", "a Content-Length that is not a number");
      }
    }
  }
}
