package dev.imprint.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a loopback port in front of PostgreSQL that counts the round trips of every
 * transaction its clients run. A round trip is the client sending (whatever it pipelines: the
 * driver sends a {@code BEGIN} ahead of the first statement without waiting for it) after the
 * server answered it; the server's side of the wire protocol says when it did, with a
 * ReadyForQuery message whose status tells whether a transaction is still open ({@code T},
 * {@code E}) or not ({@code I}). A transaction is the round trips from the one that opened it
 * to the one answered idle (its commit or rollback); a statement in auto-commit mode, answered
 * idle without a transaction open, is none.
 */
public final class RoundTrips implements AutoCloseable {
  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final List<Integer> transactions = new ArrayList<>();
  private volatile boolean closed;

  private RoundTrips(ServerSocket listener, String host, int port) {
    this.listener = listener;
    this.host = host;
    this.port = port;
  }

  /** A counting proxy to PostgreSQL at {@code host:port}. */
  public static RoundTrips to(String host, int port) throws IOException {
    RoundTrips proxy = new RoundTrips(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        host, port);
    Thread t = new Thread(proxy::accept, "round-trips-accept");
    t.setDaemon(true);
    t.start();
    return proxy;
  }

  /** {@code url} (a JDBC URL to {@code host:port}) pointed at this proxy instead. */
  public String route(String url) {
    return url.replace(":" + port + "/", ":" + listener.getLocalPort() + "/");
  }

  /** How many transactions have ended so far, on every connection. */
  public synchronized int ended() {
    return transactions.size();
  }

  /** The round trips of each transaction that ended after the first {@code from}, in order. */
  public synchronized List<Integer> since(int from) {
    return List.copyOf(transactions.subList(from, transactions.size()));
  }

  private synchronized void ended(int roundTrips) {
    transactions.add(roundTrips);
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      try {
        Socket upstream = new Socket(host, port);
        open.add(client);
        open.add(upstream);
        Link link = new Link();
        pump(client, upstream, link::sent);
        Reader reader = new Reader(link);
        pump(upstream, client, reader::read);
      } catch (IOException e) {
        quietly(client);
      }
    }
  }

  /** What a pump does with each chunk before passing it on. */
  private interface Tap {
    void chunk(byte[] buf, int n);
  }

  private void pump(Socket from, Socket to, Tap tap) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          tap.chunk(buf, n);
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // the connection is gone
      }
      quietly(from);
      quietly(to);
    }, "round-trips-pump");
    t.setDaemon(true);
    t.start();
  }

  /** One client connection's round trips and transaction. */
  private final class Link {
    private boolean answered = true;
    private int trips;
    private boolean open;

    /** The client sent: a new round trip when the server had answered the last one. */
    synchronized void sent(byte[] buf, int n) {
      if (answered) {
        trips++;
        answered = false;
      }
    }

    /** The server answered a round trip (or a part of it) with transaction status {@code s}. */
    synchronized void ready(byte s) {
      answered = true;
      if (s != 'I') {
        open = true;
        return;
      }
      if (open) {
        ended(trips);
      }
      open = false;
      trips = 0;
    }
  }

  /** Reads the messages PostgreSQL sends one client: a type byte, then an int32 length. */
  private static final class Reader {
    private final Link link;
    private boolean started;
    private final byte[] header = new byte[5];
    private int headerRead;
    private int bodyLeft;
    private boolean readyForQuery;

    Reader(Link link) {
      this.link = link;
    }

    void read(byte[] buf, int n) {
      for (int i = 0; i < n; ) {
        if (!started && headerRead == 0 && buf[i] == 'N') {
          i++; // the one-byte refusal of an SSL or GSS encryption request, before any message
          continue;
        }
        started = true;
        if (headerRead < header.length) {
          header[headerRead++] = buf[i++];
          if (headerRead == header.length) {
            bodyLeft = ((header[1] & 0xff) << 24 | (header[2] & 0xff) << 16
                | (header[3] & 0xff) << 8 | header[4] & 0xff) - 4;
            readyForQuery = header[0] == 'Z';
            if (bodyLeft == 0) {
              headerRead = 0;
            }
          }
          continue;
        }
        if (readyForQuery && bodyLeft == 1) {
          link.ready(buf[i]);
        }
        int take = Math.min(bodyLeft, n - i);
        i += take;
        bodyLeft -= take;
        if (bodyLeft == 0) {
          headerRead = 0;
        }
      }
    }
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
    listener.close();
    for (Socket s : open) {
      quietly(s);
    }
  }
}
