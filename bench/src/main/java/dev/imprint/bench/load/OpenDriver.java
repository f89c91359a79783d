package dev.imprint.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The open loop's driver: {@code connections} keep-alive HTTP/1.1 connections driven by the one
 * calling thread, non-blocking, with no other thread. Request {@code k} of a run is due at
 * {@code start + k / rate}; it is written on a free connection at its due time (one request in
 * flight per connection, never pipelined: with every connection busy it waits for the first one
 * to answer, and that wait counts), and its latency is taken from the due time to its answer's
 * last byte, so a stalled server delays every request due during the stall and none of that is
 * hidden (no coordinated omission). Each pass of the loop sends every request due by then on the
 * free connections, so a driver that fell behind (descheduled, say) catches up at once, and those
 * requests' latencies still run from their due times.
 *
 * <p>Requests are serialized before the run ({@link #serialize}); answers are framed by {@link
 * AnswerFraming} (status line, then {@code Content-Length} or a chunked body), and one that
 * cannot be framed counts as an error, never as an answer. Between sends the thread waits in the
 * way that keeps the schedule without a wake-up from elsewhere: with the next send at least
 * {@link #SELECT_MIN_NANOS} beyond {@code spinNanos} and the timer's slack away, it blocks in the
 * selector (whose timeout is in whole milliseconds, and which an answer ends early); with no
 * request in flight, so that nothing can arrive, it parks on its own timer until about {@code
 * spinNanos} before the send; with requests in flight and the send nearer, it polls the
 * selector without blocking ({@code selectNow}) and yields its core between polls ({@link
 * Thread#yield}: a server thread that is ready to run on the core runs at once, where a thread
 * spinning there would hold it until the scheduler takes it), so an answer is read within a poll
 * of its arrival; in the last {@code spinNanos} and the timer's slack before a send it spins
 * instead, holding the core so as to send on time (polling only with requests in flight). Its own lateness (the time from a request's
 * due time, or from its connection's freeing when it waited for one, to its write) is recorded
 * per request and reported, so a run whose driver could not keep its schedule is known as such.
 * In its steady state the loop allocates nothing: the buffers, the per-request arrays and the
 * selector's callback are made before the run.
 */
final class OpenDriver implements AutoCloseable {
  /** Bytes an answer may take at most (the head and the body together). */
  static final int ANSWER_MAX = 64 * 1024;
  /** A request that waited this long for a free connection was "sent behind". */
  static final long BEHIND_NANOS = 1_000_000L;
  /** How long past the schedule's end the driver waits for the last answers. */
  static final long ANSWER_WAIT_NANOS = 30_000_000_000L;
  /** The shortest wait the selector's timeout (whole milliseconds) can time. */
  static final long SELECT_MIN_NANOS = 1_000_000L;
  /**
   * How late a timed wait may end beyond its time: Linux's default timer slack for a thread
   * (50 us), which a park and the selector's timeout both get.
   */
  static final long SLACK_NANOS = 50_000L;
  /**
   * With requests in flight and the next send beyond the spin window: how long the thread parks
   * between polls of the selector ({@code OPEN_POLL_PARK_US} in the environment, microseconds;
   * 0, the default: it yields its core between polls instead). See {@link #pollWait}.
   */
  static final long POLL_PARK_NANOS = pollParkNanos(System.getenv("OPEN_POLL_PARK_US"));

  /** {@code OPEN_POLL_PARK_US}'s value in nanoseconds: 0 when unset or blank. */
  static long pollParkNanos(String micros) {
    if (micros == null || micros.isBlank()) {
      return 0;
    }
    long us = Long.parseLong(micros.trim());
    if (us < 0) {
      throw new IllegalArgumentException("OPEN_POLL_PARK_US must be 0 or more, got " + micros);
    }
    return us * 1_000L;
  }

  /**
   * What one run measured: {@code scheduled} requests were due, {@code answered} answered with
   * the expected status, {@code unexpected} with another status, {@code lost} on a connection
   * the server closed before answering, {@code malformed} answers the driver could not frame as
   * HTTP/1.1 (their requests count as not answered; bytes on an idle connection count too; the
   * first one's {@code problem}, null without any); {@code behind} waited more than 1 ms for a
   * free connection; request {@code k} was due at {@code startNanos + k * 1e9 /
   * offeredPerSecond} ({@link System#nanoTime}); {@code latenciesNanos} (of every answer,
   * sorted) from the due time, {@code byRequestNanos} the same latency of each request in
   * schedule order (-1: lost or malformed), and {@code latenessNanos} (of every send, sorted) the
   * driver's own delay in writing; {@code seconds} from the first due time to the later of the
   * schedule's end and the last answer; {@code cpuNanos} and {@code allocatedBytes} the driver
   * thread's during the run, {@code voluntarySwitches} and {@code involuntarySwitches} its
   * context switches (the kernel's per-thread counters; -1 where they cannot be read), {@code
   * collections} and {@code collectionMillis} the collections of the driver's JVM during the run.
   */
  record Run(int connections, double offeredPerSecond, long startNanos, long scheduled,
      long answered, long unexpected, long lost, long malformed, long reconnects, long behind,
      long[] latenciesNanos, long[] byRequestNanos, long[] latenessNanos, double seconds,
      long cpuNanos, long allocatedBytes, long voluntarySwitches, long involuntarySwitches,
      long collections, long collectionMillis, String problem) {
    /** Answers (of any status) a second over the run. */
    double achievedPerSecond() {
      return (answered + unexpected) / seconds;
    }

    /**
     * Answers with another status, requests lost to a closed connection and answers that could
     * not be framed.
     */
    long errors() {
      return unexpected + lost + malformed;
    }
  }

  /** One connection: its channel, buffers and the request in flight. */
  private static final class Conn {
    final int id;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer out = ByteBuffer.allocateDirect(4096);
    final ByteBuffer in = ByteBuffer.allocateDirect(ANSWER_MAX);
    final AnswerFraming framing = new AnswerFraming();
    /** The in-flight request's due time, or -1 when the connection is free. */
    long due = -1;
    /** The in-flight request's number in the schedule. */
    int request;
    /** When the connection last became free. */
    long freeAt;

    Conn(int id) {
      this.id = id;
    }
  }

  private final InetSocketAddress address;
  private final Conn[] conns;
  private byte[][] requests;
  private int expectedStatus;
  private final Selector selector;
  /**
   * The free connections, a ring in the order they became free (oldest first at {@code
   * freeHead}): each send takes the one free longest, so every connection carries its share at
   * any rate. Taking the last one freed instead left most of the 64 idle at a low rate, and the
   * server's idle timeout (30 s) closed them in the middle of a row (measured: its timeout and
   * close paths, the driver's reconnects and deoptimizations of the read path every connection
   * runs, in a row).
   */
  private final int[] free;
  private int freeHead;
  private int freeCount;
  /** The run's per-answer latencies and per-send lateness, and its counters. */
  private long[] latencies;
  private long[] lateness;
  private int answeredAll;
  private int sent;
  private long answered;
  private long unexpected;
  private long lost;
  /** Requests whose answer could not be framed, and those bytes plus bytes on idle connections. */
  private int malformedRequests;
  private long malformed;
  private String problem;
  private long reconnects;
  private long behind;
  private long lastAnswer;
  private final Consumer<SelectionKey> onReady = this::ready;

  /** Opens {@code connections} keep-alive connections to {@code address}. */
  OpenDriver(InetSocketAddress address, int connections) throws IOException {
    if (connections < 1) {
      throw new IllegalArgumentException("the open-loop driver needs at least one connection, got "
          + connections);
    }
    this.address = address;
    this.selector = Selector.open();
    this.conns = new Conn[connections];
    this.free = new int[connections];
    for (int c = 0; c < connections; c++) {
      conns[c] = new Conn(c);
      connect(conns[c]);
      freeConn(c);
    }
  }

  private void connect(Conn c) throws IOException {
    SocketChannel ch = SocketChannel.open(address);
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.configureBlocking(false);
    c.channel = ch;
    c.key = ch.register(selector, SelectionKey.OP_READ, c);
  }

  /**
   * Sends {@code count} requests at {@code perSecond} a second from the first due time, about
   * 20 ms from now, and waits for every answer (or its connection's loss): request {@code k}
   * is {@code requests[k % requests.length]} (made by {@link #serialize}), and an answer counts
   * as a success with {@code expectedStatus}. {@code spinNanos}: how long before a send the
   * thread stops parking (see the class comment).
   */
  Run run(byte[][] requests, int expectedStatus, double perSecond, int count, long spinNanos)
      throws IOException {
    if (perSecond <= 0 || count < 0 || requests.length == 0 || spinNanos < 0) {
      throw new IllegalArgumentException("expected a rate above 0, a count of 0 or more, a"
          + " request and a spin window of 0 or more, got " + perSecond + ", " + count + ", "
          + requests.length + " and " + spinNanos);
    }
    int outMax = 0;
    for (byte[] r : requests) {
      outMax = Math.max(outMax, r.length);
    }
    for (Conn c : conns) {
      if (c.out.capacity() < outMax) {
        c.out = ByteBuffer.allocateDirect(outMax);
      }
    }
    this.requests = requests.clone();
    this.expectedStatus = expectedStatus;
    latencies = new long[count];
    Arrays.fill(latencies, -1);
    lateness = new long[count];
    answeredAll = 0;
    sent = 0;
    answered = 0;
    unexpected = 0;
    lost = 0;
    malformedRequests = 0;
    malformed = 0;
    problem = null;
    reconnects = 0;
    behind = 0;
    double gap = 1e9 / perSecond;
    long[] switches0 = switches();
    BenchServer.Pauses gc0 = BenchServer.Pauses.ofThisJvm();
    long cpu0 = ThreadCpu.current();
    long allocated0 = ThreadCpu.currentAllocated();
    long start = System.nanoTime() + 20_000_000L;
    lastAnswer = start;
    for (Conn c : conns) {
      c.freeAt = start;
    }
    loop(start, gap, count, spinNanos);
    long cpu = ThreadCpu.current() - cpu0;
    long allocated = ThreadCpu.currentAllocated() - allocated0;
    BenchServer.Pauses gc = BenchServer.Pauses.ofThisJvm().since(gc0);
    long[] switches = switches();
    long end = start + (long) (count * gap);
    double seconds = (Math.max(end, lastAnswer) - start) / 1e9;
    long[] lat = new long[answeredAll];
    int n = 0;
    for (long l : latencies) {
      if (l >= 0) {
        lat[n++] = l;
      }
    }
    long[] late = Arrays.copyOf(lateness, sent);
    Arrays.sort(lat);
    Arrays.sort(late);
    if (malformed > 0) {
      System.err.println("open-loop driver: " + malformed + " answers could not be framed as"
          + " HTTP/1.1 and count as errors; the first: " + problem);
    }
    return new Run(conns.length, perSecond, start, count, answered, unexpected, lost, malformed,
        reconnects, behind, lat, latencies, late, seconds, cpu, allocated,
        since(switches[0], switches0[0]), since(switches[1], switches0[1]), gc.collections(),
        (long) gc.collectionMillis(), problem);
  }

  /** {@code after - before} of a counter, -1 if either is unknown (-1). */
  static long since(long after, long before) {
    return after < 0 || before < 0 ? -1 : after - before;
  }

  /**
   * The calling thread's voluntary and involuntary context switches so far, from
   * {@code /proc/thread-self/status}; -1 each where that cannot be read (not Linux).
   */
  static long[] switches() {
    long[] n = {-1, -1};
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(
          "/proc/thread-self/status"))) {
        if (line.startsWith("voluntary_ctxt_switches:")) {
          n[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
          n[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: unknown
    }
    return n;
  }

  /** Puts connection {@code id} last in the ring of free ones. */
  private void freeConn(int id) {
    free[(freeHead + freeCount) % free.length] = id;
    freeCount++;
  }

  /** The run's event loop: sends each request when due, reads the answers. */
  private void loop(long start, double gap, int count, long spinNanos) throws IOException {
    long next = 0;
    long giveUp = start + (long) (count * gap) + ANSWER_WAIT_NANOS;
    while (answeredAll + lost + malformedRequests < count) {
      long now = System.nanoTime();
      if (now > giveUp) {
        throw new IllegalStateException((count - answeredAll - lost - malformedRequests)
            + " requests were not answered " + ANSWER_WAIT_NANOS / 1_000_000_000L + " s after"
            + " the schedule's end");
      }
      // every request due by now that has a free connection: after a stall, a burst
      while (next < count && freeCount > 0) {
        long due = start + (long) (next * gap);
        if (due > now) {
          break;
        }
        Conn c = conns[free[freeHead]];
        freeHead = (freeHead + 1) % free.length;
        freeCount--;
        long ready = Math.max(due, c.freeAt);
        if (ready - due > BEHIND_NANOS) {
          behind++;
        }
        send(c, (int) next, due, now - ready);
        next++;
        now = System.nanoTime();
      }
      long wait = next < count && freeCount > 0 ? start + (long) (next * gap) - now
          : Long.MAX_VALUE;
      boolean inFlight = freeCount < conns.length;
      long block = wait == Long.MAX_VALUE ? 100_000_000L : wait - spinNanos - SLACK_NANOS;
      if (block >= SELECT_MIN_NANOS) {
        // far from the next send: an answer or the timeout (rounded down) ends the wait
        selector.select(onReady, Math.min(100, block / 1_000_000L));
      } else if (block > 0 && !inFlight) {
        // nothing can arrive before the send: sleep on this thread's own timer
        LockSupport.parkNanos(block);
      } else if (!inFlight || selector.selectNow(onReady) == 0) {
        // an answer may come any moment, or the send is near: poll; between polls, yield the
        // core to any thread ready to use it (the server's, on a machine it shares) while the
        // send is still beyond the spin window, and hold it in the window so as to send on time
        if (block > 0) {
          pollWait(block);
        } else {
          Thread.onSpinWait();
        }
      }
    }
  }

  /**
   * Between two polls with requests in flight, {@code block} ns before the spin window: yields
   * the core ({@link #POLL_PARK_NANOS} 0), or parks that long at most (plus the timer's slack).
   * A yielding thread stays runnable and is charged the time it polls, so among busy server
   * threads the scheduler may make it wait for a core when a send is due; a parking one sleeps
   * between polls and is woken as one that slept, at the price of reading an answer up to a
   * park late (its latency, never the server's time, is the longer for it).
   */
  private static void pollWait(long block) {
    if (POLL_PARK_NANOS == 0) {
      Thread.yield();
    } else {
      LockSupport.parkNanos(Math.min(block, POLL_PARK_NANOS));
    }
  }

  private void send(Conn c, int k, long due, long late) throws IOException {
    byte[] r = requests[k % requests.length];
    c.out.clear();
    c.out.put(r);
    c.out.flip();
    c.due = due;
    c.request = k;
    c.in.clear();
    c.framing.reset();
    lateness[sent++] = Math.max(0, late);
    try {
      c.channel.write(c.out);
    } catch (IOException e) {
      drop(c, false);
      return;
    }
    if (c.out.hasRemaining()) {
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  /** The selector's callback: finishes a write, reads an answer. */
  private void ready(SelectionKey key) {
    Conn c = (Conn) key.attachment();
    try {
      if (key.isValid() && key.isWritable()) {
        c.channel.write(c.out);
        if (!c.out.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      }
      if (key.isValid() && key.isReadable()) {
        read(c);
      }
    } catch (IOException e) {
      drop(c, false);
    }
  }

  private void read(Conn c) throws IOException {
    int n = c.channel.read(c.in);
    if (n < 0) {
      drop(c, false);
      return;
    }
    if (c.due < 0) {
      if (n > 0) {
        c.framing.problem = n + " bytes on an idle connection, which nobody asked for: "
            + AnswerFraming.excerpt(c.in, Math.min(c.in.position(), 60));
        drop(c, true);
      }
      return;
    }
    int status = c.framing.complete(c.in);
    if (status == AnswerFraming.INCOMPLETE) {
      return;
    }
    if (status == AnswerFraming.MALFORMED) {
      drop(c, true);
      return;
    }
    long now = System.nanoTime();
    latencies[c.request] = now - c.due;
    answeredAll++;
    lastAnswer = now;
    if (status == expectedStatus) {
      answered++;
    } else {
      unexpected++;
    }
    c.due = -1;
    c.freeAt = now;
    freeConn(c.id);
  }

  /**
   * A connection the server closed, that failed, or ({@code malformedAnswer}) whose bytes could
   * not be framed: its request in flight, if any, is lost or malformed; it is opened again
   * (allocating, which only happens on this path).
   */
  private void drop(Conn c, boolean malformedAnswer) {
    try {
      c.key.cancel();
      c.channel.close();
    } catch (IOException e) {
      // closing a failed channel: nothing more to learn
    }
    boolean wasBusy = c.due >= 0;
    if (malformedAnswer) {
      malformed++;
      if (problem == null) {
        problem = c.framing.problem;
      }
      if (wasBusy) {
        malformedRequests++;
      }
    } else if (wasBusy) {
      lost++;
    }
    c.due = -1;
    c.in.clear();
    try {
      connect(c);
    } catch (IOException e) {
      throw new IllegalStateException("the open-loop driver could not reconnect to " + address,
          e);
    }
    reconnects++;
    c.freeAt = System.nanoTime();
    if (wasBusy) {
      freeConn(c.id);
    }
  }

  /**
   * {@code r} as the bytes of an HTTP/1.1 request: its method, path and query, {@code Host},
   * its headers and, with a body, {@code Content-Length} and the body.
   */
  static byte[] serialize(HttpRequest r) {
    URI u = r.uri();
    StringBuilder head = new StringBuilder(r.method()).append(' ')
        .append(u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
        .append(u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
        .append(" HTTP/1.1\r\nHost: ").append(u.getHost())
        .append(u.getPort() < 0 ? "" : ":" + u.getPort()).append("\r\n");
    String contentType = LoadClient.copyHeaders(r, (name, v) -> head.append(name).append(": ")
        .append(v).append("\r\n"));
    byte[] body = r.bodyPublisher().isPresent() ? LoadClient.read(r.bodyPublisher().get())
        : new byte[0];
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body.length > 0 || r.method().equals("POST") || r.method().equals("PUT")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Closes every connection and the selector. */
  @Override
  public void close() throws IOException {
    for (Conn c : conns) {
      c.channel.close();
    }
    selector.close();
  }
}
