package dev.imprint.server.testing;

import dev.imprint.testkit.TcpProxy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on a loopback port in front of PostgreSQL that counts the round trips of every
 * transaction its clients run. A round trip is the client sending (whatever it pipelines: the
 * driver sends a {@code BEGIN} ahead of the first statement without waiting for it) after the
 * server answered it; the server's side of the wire protocol says when it did, with a
 * ReadyForQuery message whose status tells whether a transaction is still open ({@code T},
 * {@code E}) or not ({@code I}). A transaction is the round trips from the one that opened it
 * to the one answered idle (its commit or rollback); a statement in auto-commit mode, answered
 * idle without a transaction open, is none.
 *
 * <p>It also counts, per transaction, the round trips during which the writers' advisory lock
 * was held across the wire: those after the one that sent {@code pg_advisory_xact_lock} (0 when
 * the commit went in that same round trip; -1 when no round trip took the lock). It sees the
 * statement's text only while the driver sends it: connect with {@code prepareThreshold=0}.
 */
public final class RoundTrips implements AutoCloseable {
  private static final byte[] LOCK = "pg_advisory_xact_lock".getBytes(
      java.nio.charset.StandardCharsets.US_ASCII);
  private final List<Integer> transactions = new ArrayList<>();
  private final List<Integer> lockHeld = new ArrayList<>();
  private TcpProxy proxy;

  private RoundTrips() {}

  /** A counting proxy to PostgreSQL at {@code host:port}. */
  public static RoundTrips to(String host, int port) throws IOException {
    RoundTrips counter = new RoundTrips();
    counter.proxy = TcpProxy.to(host, port).name("round-trips").inspect(() -> {
      Link link = counter.new Link();
      Reader reader = new Reader(link);
      return (direction, buf, n) -> {
        if (direction == TcpProxy.Direction.TO_TARGET) {
          link.sent(carries(buf, n, LOCK));
        } else {
          reader.read(buf, n);
        }
        return TcpProxy.Verdict.PASS;
      };
    }).start();
    return counter;
  }

  /** {@code url} (a JDBC URL to {@code host:port}) pointed at this proxy instead. */
  public String route(String url) {
    return proxy.route(url);
  }

  /** How many transactions have ended so far, on every connection. */
  public synchronized int ended() {
    return transactions.size();
  }

  /** The round trips of each transaction that ended after the first {@code from}, in order. */
  public synchronized List<Integer> since(int from) {
    return List.copyOf(transactions.subList(from, transactions.size()));
  }

  /**
   * For each transaction that ended after the first {@code from}, in order: the round trips it
   * made after the one that took the writers' lock (-1: it took none).
   */
  public synchronized List<Integer> lockHeldSince(int from) {
    return List.copyOf(lockHeld.subList(from, lockHeld.size()));
  }

  private synchronized void ended(int roundTrips, int lockTrip) {
    transactions.add(roundTrips);
    lockHeld.add(lockTrip < 0 ? -1 : roundTrips - lockTrip);
  }

  /** Whether the {@code n} bytes of {@code buf} hold {@code needle} (a statement's text). */
  public static boolean carries(byte[] buf, int n, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= n; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** One client connection's round trips and transaction. */
  private final class Link {
    private boolean answered = true;
    private int trips;
    private boolean open;
    /** The round trip that took the writers' lock (-1: none yet). */
    private int lockTrip = -1;

    /** The client sent: a new round trip when the server had answered the last one. */
    synchronized void sent(boolean lock) {
      if (answered) {
        trips++;
        answered = false;
      }
      if (lock && lockTrip < 0) {
        lockTrip = trips;
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
        ended(trips, lockTrip);
      }
      open = false;
      trips = 0;
      lockTrip = -1;
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

  @Override
  public void close() throws IOException {
    proxy.close();
  }
}
