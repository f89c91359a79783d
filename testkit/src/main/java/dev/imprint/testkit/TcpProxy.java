package dev.imprint.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A TCP proxy on a loopback port in front of {@code host:port}, for tests and benchmarks. It
 * passes every byte on unless an option says otherwise: a fixed delay of every chunk in each
 * direction (a slow link, bandwidth not limited, order kept), a freeze (no byte flows either
 * way and nothing is reset, as when a host is paused or a cable cut), refusing new connections,
 * and an inspector that sees each chunk and may cut the connection instead of passing it on or
 * right after.
 */
public final class TcpProxy implements AutoCloseable {
  /** Which way a chunk goes. */
  public enum Direction {
    /** From the client to the proxied server. */
    TO_TARGET,
    /** From the proxied server to the client. */
    TO_CLIENT
  }

  /** What an inspector has the proxy do with the chunk it saw. */
  public enum Verdict {
    /** Passed on. */
    PASS,
    /**
     * Passed on, then the side it came from is closed: the other side gets it, and the
     * connection passes nothing more in either direction.
     */
    PASS_THEN_CUT,
    /** Not passed on: the connection is closed on both sides instead. */
    CUT
  }

  /**
   * Sees every chunk of one connection before it is passed on; each direction calls it from its
   * own thread. {@code buf} is valid for the call only.
   */
  public interface Inspector {
    /** What to do with the {@code n} bytes of {@code buf} going {@code direction}. */
    Verdict chunk(Direction direction, byte[] buf, int n);
  }

  /** The options of a proxy: {@link #delay}, {@link #inspect}, {@link #name}. */
  public static final class Builder {
    private final String host;
    private final int port;
    private long delayNanos;
    private Supplier<Inspector> inspectors = () -> (d, buf, n) -> Verdict.PASS;
    private String name = "tcp-proxy";

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    /** Delays every chunk by {@code oneWay} in each direction: a round trip takes twice more. */
    public Builder delay(Duration oneWay) {
      if (oneWay.isNegative()) {
        throw new IllegalArgumentException("expected a delay of zero or more, got " + oneWay);
      }
      this.delayNanos = oneWay.toNanos();
      return this;
    }

    /** Gives each new connection the inspector {@code perConnection} makes for it. */
    public Builder inspect(Supplier<Inspector> perConnection) {
      this.inspectors = perConnection;
      return this;
    }

    /** The prefix of the proxy's thread names. */
    public Builder name(String threadNames) {
      this.name = threadNames;
      return this;
    }

    /** Opens the loopback port and starts accepting connections. */
    public TcpProxy start() throws IOException {
      TcpProxy proxy = new TcpProxy(this,
          new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      daemon(proxy::accept, name + "-accept").start();
      return proxy;
    }
  }

  private final Builder options;
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean frozen;
  private volatile boolean refusing;
  private volatile boolean closed;

  private TcpProxy(Builder options, ServerSocket listener) {
    this.options = options;
    this.listener = listener;
  }

  /** A proxy to {@code host:port}; see {@link Builder} for its options. */
  public static Builder to(String host, int port) {
    return new Builder(host, port);
  }

  /** The loopback port to connect to instead of the target's. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code url} (a JDBC URL to the target's {@code host:port}) pointed at this proxy. */
  public String route(String url) {
    return url.replace(":" + options.port + "/", ":" + port() + "/");
  }

  /** Stops every byte in both directions, on every connection, old and new; nothing is reset. */
  public void freeze() {
    frozen = true;
  }

  /** Whether the link is frozen now. */
  public boolean isFrozen() {
    return frozen;
  }

  /** Lets bytes flow again. */
  public void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /** Closes new connections at once (existing ones go on) while {@code refuse} is true. */
  public void refuseNewConnections(boolean refuse) {
    refusing = refuse;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (refusing) {
        quietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket(options.host, options.port);
        open.add(client);
        open.add(upstream);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Inspector inspector = options.inspectors.get();
        AtomicBoolean severed = new AtomicBoolean();
        pump(client, upstream, Direction.TO_TARGET, inspector, severed);
        pump(upstream, client, Direction.TO_CLIENT, inspector, severed);
      } catch (IOException e) {
        quietly(client);
      }
    }
  }

  /** One direction of a connection: read, wait while frozen, inspect, pass on. */
  private void pump(Socket from, Socket to, Direction direction, Inspector inspector,
      AtomicBoolean severed) throws IOException {
    InputStream in = from.getInputStream();
    Outlet outlet = new Outlet(to.getOutputStream());
    daemon(() -> {
      Runnable closing = () -> {
        quietly(from);
        quietly(to);
      };
      byte[] buf = new byte[64 * 1024];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          waitWhileFrozen();
          Verdict v = severed.get() ? Verdict.CUT : inspector.chunk(direction, buf, n);
          if (v == Verdict.CUT) {
            break;
          }
          if (v == Verdict.PASS_THEN_CUT) {
            // before passing it on: the other direction drops whatever answers it, and closes
            // both sides
            severed.set(true);
            outlet.send(buf, n);
            closing = () -> quietly(from);
            break;
          }
          outlet.send(buf, n);
        }
        waitWhileFrozen(); // a frozen link does not pass a close on either
      } catch (IOException | InterruptedException e) {
        // the connection is gone
      }
      outlet.end(closing);
    }, options.name + "-pump").start();
  }

  /** Passes chunks on, at once or after the delay, then runs the pump's closing, in order. */
  private final class Outlet {
    private final OutputStream out;
    private final BlockingQueue<Chunk> delayed;

    Outlet(OutputStream out) {
      this.out = out;
      this.delayed = options.delayNanos == 0 ? null : new LinkedBlockingQueue<>();
      if (delayed != null) {
        daemon(this::write, options.name + "-write").start();
      }
    }

    void send(byte[] buf, int n) throws IOException {
      if (delayed == null) {
        out.write(buf, 0, n);
        out.flush();
      } else {
        delayed.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + options.delayNanos,
            null));
      }
    }

    void end(Runnable closing) {
      if (delayed == null) {
        closing.run();
      } else {
        delayed.add(new Chunk(null, System.nanoTime() + options.delayNanos, closing));
      }
    }

    /** The delayed direction's writer: sends each chunk when it is due. */
    private void write() {
      try {
        while (true) {
          Chunk c = delayed.take();
          long wait = c.due() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (c.bytes() == null) {
            c.closing().run();
            return;
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the connection is gone: the reader ends too once its side is closed
        try {
          out.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }

  private record Chunk(byte[] bytes, long due, Runnable closing) {}

  private void waitWhileFrozen() throws InterruptedException {
    synchronized (gate) {
      while (frozen) {
        gate.wait();
      }
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    thaw();
    listener.close();
    for (Socket s : open) {
      quietly(s);
    }
  }
}
