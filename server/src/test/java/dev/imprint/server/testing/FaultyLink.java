package dev.imprint.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on a loopback port in front of a database, whose link a test can break the ways a
 * network breaks: freeze it (bytes stop flowing both ways and nothing is reset, as when a
 * replica is paused or a cable is cut), refuse new connections, or lose a commit on its way:
 * cut the connection right after passing a {@code COMMIT} on (the commit lands, its answer never
 * arrives) or instead of passing it on (it never lands). One fault of a kind per arming.
 */
public final class FaultyLink implements AutoCloseable {
  /** What happens to the next {@code COMMIT} a client sends. */
  public enum CommitFault {
    /** Passed on, then the connection is cut: the commit lands and its answer is lost. */
    LOSE_ANSWER,
    /** The connection is cut instead: the commit never reaches the database. */
    LOSE_COMMIT
  }

  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicReference<CommitFault> commitFault = new AtomicReference<>();
  private final Object gate = new Object();
  private volatile boolean frozen;
  private volatile boolean refusing;
  private volatile boolean closed;

  private FaultyLink(ServerSocket listener, String host, int port) {
    this.listener = listener;
    this.host = host;
    this.port = port;
  }

  /** A proxy to {@code host:port}, passing everything on until told otherwise. */
  public static FaultyLink to(String host, int port) throws IOException {
    FaultyLink link = new FaultyLink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        host, port);
    Thread t = new Thread(link::accept, "faulty-link-accept");
    t.setDaemon(true);
    t.start();
    return link;
  }

  /** The loopback port to connect to instead of the database's. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code url} (a JDBC URL to {@code host:port}) pointed at this proxy instead. */
  public String route(String url) {
    return url.replace(":" + port + "/", ":" + port() + "/");
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

  /** Arms {@code fault} for the next {@code COMMIT} any connection sends. */
  public void arm(CommitFault fault) {
    commitFault.set(fault);
  }

  /** Whether the armed commit fault has happened. */
  public boolean fired() {
    return commitFault.get() == null;
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
        Socket upstream = new Socket(host, port);
        open.add(client);
        open.add(upstream);
        java.util.concurrent.atomic.AtomicBoolean severed =
            new java.util.concurrent.atomic.AtomicBoolean();
        pump(client, upstream, true, severed);
        pump(upstream, client, false, severed);
      } catch (IOException e) {
        quietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean toDatabase,
      java.util.concurrent.atomic.AtomicBoolean severed) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          waitWhileFrozen();
          if (toDatabase && contains(buf, n, COMMIT)) {
            CommitFault fault = commitFault.getAndSet(null);
            if (fault == CommitFault.LOSE_ANSWER) {
              // the database gets the commit; the client's side is cut, and the answer dies on
              // the way back (the other pump drops it and closes the database's side)
              severed.set(true);
              out.write(buf, 0, n);
              out.flush();
              quietly(from);
              return;
            }
            if (fault == CommitFault.LOSE_COMMIT) {
              break;
            }
          }
          if (severed.get()) {
            break;
          }
          out.write(buf, 0, n);
          out.flush();
        }
        waitWhileFrozen(); // a frozen link does not pass a close on either
      } catch (IOException | InterruptedException ignored) {
        // the connection is gone
      }
      quietly(from);
      quietly(to);
    }, "faulty-link-pump");
    t.setDaemon(true);
    t.start();
  }

  private void waitWhileFrozen() throws InterruptedException {
    synchronized (gate) {
      while (frozen) {
        gate.wait();
      }
    }
  }

  private static boolean contains(byte[] buf, int n, byte[] needle) {
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
