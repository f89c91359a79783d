package dev.imprint.server.testing;

import dev.imprint.testkit.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  private final AtomicReference<CommitFault> commitFault = new AtomicReference<>();
  private final TcpProxy proxy;

  private FaultyLink(String host, int port) throws IOException {
    this.proxy = TcpProxy.to(host, port).name("faulty-link")
        .inspect(() -> this::commitFault).start();
  }

  /** A proxy to {@code host:port}, passing everything on until told otherwise. */
  public static FaultyLink to(String host, int port) throws IOException {
    return new FaultyLink(host, port);
  }

  /** The loopback port to connect to instead of the database's. */
  public int port() {
    return proxy.port();
  }

  /** {@code url} (a JDBC URL to {@code host:port}) pointed at this proxy instead. */
  public String route(String url) {
    return proxy.route(url);
  }

  /** Stops every byte in both directions, on every connection, old and new; nothing is reset. */
  public void freeze() {
    proxy.freeze();
  }

  /** Whether the link is frozen now. */
  public boolean isFrozen() {
    return proxy.isFrozen();
  }

  /** Lets bytes flow again. */
  public void thaw() {
    proxy.thaw();
  }

  /** Closes new connections at once (existing ones go on) while {@code refuse} is true. */
  public void refuseNewConnections(boolean refuse) {
    proxy.refuseNewConnections(refuse);
  }

  /** Arms {@code fault} for the next {@code COMMIT} any connection sends. */
  public void arm(CommitFault fault) {
    commitFault.set(fault);
  }

  /** Whether the armed commit fault has happened. */
  public boolean fired() {
    return commitFault.get() == null;
  }

  /**
   * Cuts the connection that sends the next {@code COMMIT} after an arming: after passing it on
   * (the commit lands, its answer dies on the way back) or instead.
   */
  private TcpProxy.Verdict commitFault(TcpProxy.Direction direction, byte[] buf, int n) {
    if (direction != TcpProxy.Direction.TO_TARGET || !RoundTrips.carries(buf, n, COMMIT)) {
      return TcpProxy.Verdict.PASS;
    }
    CommitFault fault = commitFault.getAndSet(null);
    if (fault == CommitFault.LOSE_ANSWER) {
      return TcpProxy.Verdict.PASS_THEN_CUT;
    }
    return fault == CommitFault.LOSE_COMMIT ? TcpProxy.Verdict.CUT : TcpProxy.Verdict.PASS;
  }

  @Override
  public void close() throws IOException {
    proxy.close();
  }
}
