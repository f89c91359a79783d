package dev.imprint.agent;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node agent: attested to the server, reading the bundles, serving the Workload API on
 * its Unix socket. The composition root of the agent.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final Server server;
  private final EventLoopGroup loops;
  private final ScheduledExecutorService timer;
  private final Path socket;
  private final NodeCredential.Held node;

  private Agent(Server server, EventLoopGroup loops, ScheduledExecutorService timer,
      Path socket, NodeCredential.Held node) {
    this.server = server;
    this.loops = loops;
    this.timer = timer;
    this.socket = socket;
    this.node = node;
  }

  /**
   * Attests the agent, reads the bundles and starts serving.
   *
   * @throws ServerException when the server refuses the agent or cannot be reached
   * @throws IllegalArgumentException for a malformed selector map
   * @throws IllegalStateException when the socket cannot be served (not Linux, path in use)
   */
  public static Agent start(AgentConfig config) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("the agent serves a Unix domain socket through epoll,"
          + " which is not available here: " + Epoll.unavailabilityCause());
    }
    SelectorMap selectors = config.selectors() == null ? SelectorMap.empty()
        : SelectorMap.read(config.selectors());
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "imprint-agent-timer");
      t.setDaemon(true);
      return t;
    });
    try {
      // The socket's directory first: a join token is single-use, so nothing that can fail
      // locally should fail after it is spent.
      prepare(config.socket());
      ServerApi api = new ServerApi(config.server());
      NodeCredential node = new NodeCredential(api, config.nodeAttestation(), clock, timer);
      NodeCredential.Held held = node.attest();
      String trustDomain = trustDomain(held.spiffeId());
      Bundles bundles = new Bundles(api);
      bundles.refresh();
      long every = config.bundleRefresh().toMillis();
      timer.scheduleWithFixedDelay(bundles::refreshQuietly, every, every,
          TimeUnit.MILLISECONDS);
      WorkloadApiService service = new WorkloadApiService(new CallerAttestor(
          new ContainerRuntimes(config.procRoot(), config.runtimes()), selectors),
          new WorkloadSvids(api, node, clock, config.x509Ttl(), config.jwtTtl()), bundles,
          () -> trustDomain, config.procRoot(), timer, clock);
      EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      Server server;
      try {
        server = NettyServerBuilder.forAddress(new DomainSocketAddress(config.socket()
            .toFile()), InternalNettyServerCredentials.create(new PeerCredentialsNegotiator()))
            .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(loops)
            .workerEventLoopGroup(loops)
            .addService(ServerInterceptors.intercept(service, new SecurityHeader()))
            .build().start();
      } catch (IOException e) {
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        throw new IllegalStateException("cannot serve the Workload API on " + config.socket()
            + ": " + e.getMessage(), e);
      }
      // Every local workload must be able to connect: attestation, not file mode, decides.
      try {
        Files.setPosixFilePermissions(config.socket(),
            PosixFilePermissions.fromString("rw-rw-rw-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LOG.info("imprint agent {} serving the SPIFFE Workload API on {} ({} selector map"
          + " entries)", held.spiffeId(), config.socket(), selectors.size());
      return new Agent(server, loops, timer, config.socket(), held);
    } catch (RuntimeException e) {
      timer.shutdownNow();
      throw e;
    }
  }

  private static void prepare(Path socket) {
    try {
      Path parent = socket.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // A socket file left by an agent that did not stop cleanly would refuse the bind.
      if (Files.exists(socket) && !Files.isRegularFile(socket) && !Files.isDirectory(socket)) {
        Files.delete(socket);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the socket path " + socket + ": "
          + e.getMessage(), e);
    }
  }

  static String trustDomain(String spiffeId) {
    String rest = spiffeId.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** The socket path served. */
  public Path socket() {
    return socket;
  }

  /** The agent's own SPIFFE ID. */
  public String spiffeId() {
    return node.spiffeId();
  }

  /** Blocks until the agent stops. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    timer.shutdownNow();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("cannot remove the socket {}: {}", socket, e.getMessage());
    }
  }
}
