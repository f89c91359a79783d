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
 * calling thread, non-blocking. Request {@code k} of a run is due at {@code start + k / rate};
 * it is written on a free connection at its due time (one request in flight per connection,
 * never pipelined: with every connection busy it waits for the first one to answer, and that
 * wait counts), and its latency is taken from the due time to its answer's last byte, so a
 * stalled server delays every request due during the stall and none of that is hidden (no
 * coordinated omission).
 *
 * <p>Requests are serialized before the run ({@link #serialize}); answers are parsed only as
 * far as counting and timing them needs: the status line, then {@code Content-Length} or a
 * chunked body. Between sends the thread waits in the selector for answers; a timer thread,
 * parked until {@code spinNanos} before each due time, wakes the selector (whose own timeout is
 * in whole milliseconds), and the driver spins on the clock for the rest (polling the selector
 * there would cost a system call a turn; an answer that arrives in that window is read just
 * after the send, its latency overstated by at most {@code spinNanos}): its own lateness (the
 * time from a request's due time, or from its connection's freeing when it waited for one, to
 * its write) is recorded per request and reported, so a run whose driver could not keep its
 * schedule is known as such. In its
 * steady state the loop allocates nothing: the buffers, the per-request arrays and the
 * selector's callback are made before the run.
 */
final class OpenDriver implements AutoCloseable {
  /** Bytes an answer may take at most (the head and the body together). */
  static final int ANSWER_MAX = 64 * 1024;
  /** A request that waited this long for a free connection was "sent behind". */
  static final long BEHIND_NANOS = 1_000_000L;
  /** How long past the schedule's end the driver waits for the last answers. */
  static final long ANSWER_WAIT_NANOS = 30_000_000_000L;

  /**
   * What one run measured: {@code scheduled} requests were due, {@code answered} answered with
   * the expected status, {@code unexpected} with another status, {@code lost} on a connection
   * the server closed before answering; {@code behind} waited more than 1 ms for a free
   * connection; request {@code k} was due at {@code startNanos + k * 1e9 / offeredPerSecond}
   * ({@link System#nanoTime}); {@code latenciesNanos} (of every answer, sorted) from the due time,
   * {@code byRequestNanos} the same latency of each request in schedule order (-1: lost), and
   * {@code latenessNanos} (of every send, sorted) the driver's own delay in writing; {@code
   * seconds} from the first due time to the later of the schedule's end and the last answer;
   * {@code cpuNanos} and {@code allocatedBytes} the driver thread's and its timer's during the
   * run, {@code voluntarySwitches} and {@code involuntarySwitches} their context switches (the
   * kernel's per-thread counters; -1 where they cannot be read), {@code collections} and
   * {@code collectionMillis} the collections of the driver's JVM during the run.
   */
  record Run(int connections, double offeredPerSecond, long startNanos, long scheduled,
      long answered, long unexpected, long lost, long reconnects, long behind,
      long[] latenciesNanos, long[] byRequestNanos, long[] latenessNanos, double seconds,
      long cpuNanos, long allocatedBytes, long voluntarySwitches, long involuntarySwitches,
      long collections, long collectionMillis) {
    /** Answers (of any status) a second over the run. */
    double achievedPerSecond() {
      return (answered + unexpected) / seconds;
    }

    /** Answers with another status and requests lost to a closed connection. */
    long errors() {
      return unexpected + lost;
    }
  }

  /** One connection: its channel, buffers and the request in flight. */
  private static final class Conn {
    final int id;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer out = ByteBuffer.allocateDirect(4096);
    final ByteBuffer in = ByteBuffer.allocateDirect(ANSWER_MAX);
    /** The in-flight request's due time, or -1 when the connection is free. */
    long due = -1;
    /** The in-flight request's number in the schedule. */
    int request;
    /** When the connection last became free. */
    long freeAt;
    /** Where the answer's head ends (past its blank line), or -1 while unknown. */
    int headEnd = -1;
    /** How far the search for the head's end got. */
    int scanned;

    Conn(int id) {
      this.id = id;
    }
  }

  private final InetSocketAddress address;
  private final Conn[] conns;
  private byte[][] requests;
  private int expectedStatus;
  private final Selector selector;
  private final int[] free;
  private int freeCount;
  /** The run's per-answer latencies and per-send lateness, and its counters. */
  private long[] latencies;
  private long[] lateness;
  private int answeredAll;
  private int sent;
  private long answered;
  private long unexpected;
  private long lost;
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
      free[freeCount++] = c;
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
   * as a success with {@code expectedStatus}.
   */
  Run run(byte[][] requests, int expectedStatus, double perSecond, int count, long spinNanos)
      throws IOException {
    if (perSecond <= 0 || count < 0 || requests.length == 0) {
      throw new IllegalArgumentException("expected a rate above 0, a count of 0 or more and a"
          + " request, got " + perSecond + ", " + count + " and " + requests.length);
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
    Timer timer = new Timer(start, gap, count, spinNanos);
    timer.start();
    try {
      loop(start, gap, count, spinNanos);
    } finally {
      timer.stop = true;
      LockSupport.unpark(timer);
      try {
        timer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long cpu = ThreadCpu.current() - cpu0 + timer.cpu;
    long allocated = ThreadCpu.currentAllocated() - allocated0 + timer.allocated;
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
    return new Run(conns.length, perSecond, start, count, answered, unexpected, lost, reconnects,
        behind, lat, latencies, late, seconds, cpu, allocated,
        plus(since(switches[0], switches0[0]), timer.switches[0]),
        plus(since(switches[1], switches0[1]), timer.switches[1]), gc.collections(),
        (long) gc.collectionMillis());
  }

  /** {@code after - before} of a counter, -1 if either is unknown (-1). */
  static long since(long after, long before) {
    return after < 0 || before < 0 ? -1 : after - before;
  }

  /** {@code a + b} of two counts, -1 if either is unknown (-1). */
  static long plus(long a, long b) {
    return a < 0 || b < 0 ? -1 : a + b;
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

  /**
   * Wakes the driver's selector {@code spinNanos} before each due time of a run: a parked
   * thread's timer is precise to tens of microseconds, the selector's own timeout to a
   * millisecond. Its CPU time and allocation count as the driver's.
   */
  private final class Timer extends Thread {
    private final long start;
    private final double gap;
    private final int count;
    private final long ahead;
    volatile boolean stop;
    volatile long cpu;
    volatile long allocated;
    volatile long[] switches = {0, 0};

    Timer(long start, double gap, int count, long ahead) {
      super("open-driver-timer");
      setDaemon(true);
      this.start = start;
      this.gap = gap;
      this.count = count;
      this.ahead = ahead;
    }

    @Override
    public void run() {
      long[] switches0 = switches();
      long cpu0 = ThreadCpu.current();
      long allocated0 = ThreadCpu.currentAllocated();
      for (long k = 0; k < count && !stop; k++) {
        long at = start + (long) (k * gap) - ahead;
        long w;
        while ((w = at - System.nanoTime()) > 0 && !stop) {
          LockSupport.parkNanos(w);
        }
        selector.wakeup();
      }
      cpu = ThreadCpu.current() - cpu0;
      allocated = ThreadCpu.currentAllocated() - allocated0;
      long[] s = switches();
      switches = new long[] {since(s[0], switches0[0]), since(s[1], switches0[1])};
    }
  }

  /** The run's event loop: sends each request when due, reads the answers. */
  private void loop(long start, double gap, int count, long spinNanos) throws IOException {
    long next = 0;
    long giveUp = start + (long) (count * gap) + ANSWER_WAIT_NANOS;
    while (answeredAll + lost < count) {
      long now = System.nanoTime();
      if (now > giveUp) {
        throw new IllegalStateException((count - answeredAll - lost) + " requests were not"
            + " answered " + ANSWER_WAIT_NANOS / 1_000_000_000L + " s after the schedule's end");
      }
      while (next < count && freeCount > 0) {
        long due = start + (long) (next * gap);
        if (due > now) {
          break;
        }
        Conn c = conns[free[--freeCount]];
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
      if (wait <= spinNanos) {
        // spin on the clock alone: the send is at most spinNanos away
        long due = now + wait;
        while (due - System.nanoTime() > 0) {
          Thread.onSpinWait();
        }
      } else {
        // the timer wakes the selector spinNanos before each due time; the kernel's
        // millisecond timeout is only a backstop
        selector.select(onReady, Math.min(100, wait / 1_000_000L + 1));
      }
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
    c.headEnd = -1;
    c.scanned = 0;
    lateness[sent++] = Math.max(0, late);
    try {
      c.channel.write(c.out);
    } catch (IOException e) {
      lose(c);
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
      lose(c);
    }
  }

  private void read(Conn c) throws IOException {
    if (!c.in.hasRemaining()) {
      throw new IllegalStateException("an answer was larger than " + ANSWER_MAX + " bytes");
    }
    int n = c.channel.read(c.in);
    if (n < 0) {
      lose(c);
      return;
    }
    if (c.due < 0) {
      if (n > 0) {
        throw new IllegalStateException("the server sent " + n + " bytes nobody asked for");
      }
      return;
    }
    int status = complete(c.in, c);
    if (status < 0) {
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
    free[freeCount++] = c.id;
  }

  /**
   * A connection the server closed or that failed: its request in flight, if any, is lost; it
   * is opened again (allocating, which only happens on this path).
   */
  private void lose(Conn c) {
    try {
      c.key.cancel();
      c.channel.close();
    } catch (IOException e) {
      // closing a failed channel: nothing more to learn
    }
    boolean wasBusy = c.due >= 0;
    if (wasBusy) {
      lost++;
    }
    c.due = -1;
    try {
      connect(c);
    } catch (IOException e) {
      throw new IllegalStateException("the open-loop driver could not reconnect to " + address,
          e);
    }
    reconnects++;
    c.freeAt = System.nanoTime();
    if (wasBusy) {
      free[freeCount++] = c.id;
    }
  }

  /**
   * The status of the answer in {@code in} (from 0 to its position) once it is complete, -1
   * while more is to come. {@code c} keeps how far the head was searched.
   */
  static int complete(ByteBuffer in, Conn c) {
    int limit = in.position();
    if (c.headEnd < 0) {
      int from = Math.max(0, c.scanned - 3);
      for (int i = from; i + 3 < limit; i++) {
        if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r'
            && in.get(i + 3) == '\n') {
          c.headEnd = i + 4;
          break;
        }
      }
      c.scanned = limit;
      if (c.headEnd < 0) {
        return -1;
      }
    }
    return answerStatus(in, c.headEnd, limit);
  }

  /**
   * The status of the answer whose head ends at {@code headEnd} (after its blank line) when its
   * body is complete by {@code limit}; -1 while it is not.
   */
  static int answerStatus(ByteBuffer in, int headEnd, int limit) {
    if (headEnd < 12 || in.get(0) != 'H' || in.get(8) != ' ') {
      throw new IllegalStateException("not an HTTP/1.1 answer: " + text(in, 0, Math.min(limit,
          40)));
    }
    int status = (in.get(9) - '0') * 100 + (in.get(10) - '0') * 10 + (in.get(11) - '0');
    long length = -1;
    boolean chunked = false;
    int line = lineAfter(in, 0, headEnd);
    while (line < headEnd - 2) {
      int eol = lineAfter(in, line, headEnd) - 2;
      if (startsWithIgnoreCase(in, line, eol, "content-length:")) {
        length = number(in, line + 15, eol, 10);
      } else if (startsWithIgnoreCase(in, line, eol, "transfer-encoding:")
          && containsIgnoreCase(in, line + 18, eol, "chunked")) {
        chunked = true;
      }
      line = eol + 2;
    }
    if (status / 100 == 1 || status == 204 || status == 304) {
      return status;
    }
    if (chunked) {
      return chunkedEnd(in, headEnd, limit) < 0 ? -1 : status;
    }
    if (length < 0) {
      throw new IllegalStateException("an answer with status " + status + " has neither"
          + " Content-Length nor a chunked body");
    }
    return limit - headEnd >= length ? status : -1;
  }

  /** Where a chunked body starting at {@code from} ends, -1 if it has not by {@code limit}. */
  private static int chunkedEnd(ByteBuffer in, int from, int limit) {
    int i = from;
    while (true) {
      int eol = -1;
      for (int j = i; j + 1 < limit; j++) {
        if (in.get(j) == '\r' && in.get(j + 1) == '\n') {
          eol = j;
          break;
        }
      }
      if (eol < 0) {
        return -1;
      }
      int sizeEnd = i;
      while (sizeEnd < eol && in.get(sizeEnd) != ';') {
        sizeEnd++;
      }
      long size = number(in, i, sizeEnd, 16);
      if (size == 0) {
        // the last chunk; no trailers are expected, so its blank line ends the body
        return eol + 4 <= limit ? eol + 4 : -1;
      }
      i = (int) (eol + 2 + size + 2);
      if (i > limit) {
        return -1;
      }
    }
  }

  private static int lineAfter(ByteBuffer in, int from, int limit) {
    for (int i = from; i + 1 < limit; i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
        return i + 2;
      }
    }
    return limit;
  }

  private static long number(ByteBuffer in, int from, int to, int radix) {
    long n = 0;
    boolean any = false;
    for (int i = from; i < to; i++) {
      int d = Character.digit(in.get(i), radix);
      if (d >= 0) {
        n = n * radix + d;
        any = true;
      } else if (in.get(i) != ' ' && in.get(i) != '\t' || any) {
        break;
      }
    }
    if (!any) {
      throw new IllegalStateException("expected a number in an answer's head: "
          + text(in, from, to));
    }
    return n;
  }

  private static boolean startsWithIgnoreCase(ByteBuffer in, int from, int to, String s) {
    if (to - from < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.toLowerCase(in.get(from + i)) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsIgnoreCase(ByteBuffer in, int from, int to, String s) {
    for (int i = from; i + s.length() <= to; i++) {
      if (startsWithIgnoreCase(in, i, to, s)) {
        return true;
      }
    }
    return false;
  }

  private static String text(ByteBuffer in, int from, int to) {
    byte[] b = new byte[Math.max(0, to - from)];
    for (int i = 0; i < b.length; i++) {
      b[i] = in.get(from + i);
    }
    return new String(b, StandardCharsets.ISO_8859_1);
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
