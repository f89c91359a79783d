package dev.imprint.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a loopback port that forwards to {@code host:port} and delays every chunk by a
 * fixed time in each direction, so a round trip through it takes {@code 2 * oneWayMillis} more:
 * one replica's slow link to the database. Bandwidth is not limited; chunks keep their order.
 */
final class SlowLink implements AutoCloseable {
  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final long delayNanos;
  private volatile boolean closed;

  private SlowLink(ServerSocket listener, String host, int port, long delayNanos) {
    this.listener = listener;
    this.host = host;
    this.port = port;
    this.delayNanos = delayNanos;
  }

  /** Starts a proxy to {@code host:port} adding {@code oneWayMillis} in each direction. */
  static SlowLink start(String host, int port, int oneWayMillis) throws IOException {
    SlowLink link = new SlowLink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), host,
        port, TimeUnit.MILLISECONDS.toNanos(oneWayMillis));
    Thread accept = new Thread(link::accept, "slow-link-accept");
    accept.setDaemon(true);
    accept.start();
    return link;
  }

  /** The loopback port to connect to instead of the target's. */
  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(host, port);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        if (!closed) {
          System.err.println("slow-link: " + e.getMessage());
        }
      }
    }
  }

  private record Chunk(byte[] bytes, long due) {}

  /** One direction: a reader stamps each chunk with its due time, a writer sends it then. */
  private void pipe(Socket from, Socket to) throws IOException {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread reader = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + delayNanos));
        }
      } catch (IOException ignored) {
        // the connection is gone; the writer closes the other side
      }
      queue.add(new Chunk(null, System.nanoTime() + delayNanos));
    }, "slow-link-read");
    Thread writer = new Thread(() -> {
      try {
        while (true) {
          Chunk c = queue.take();
          long wait = c.due() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (c.bytes() == null) {
            break;
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException ignored) {
        // closing below
      }
      closeQuietly(to);
      closeQuietly(from);
    }, "slow-link-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }
}
