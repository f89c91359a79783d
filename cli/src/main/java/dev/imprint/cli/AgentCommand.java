package dev.imprint.cli;

import dev.imprint.agent.Agent;
import dev.imprint.agent.AgentConfig;
import dev.imprint.agent.RuntimeRoots;
import dev.imprint.agent.ServerException;
import dev.imprint.cli.remote.RemoteException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code imprint agent}: the SPIFFE Workload API on a node (see docs/agent.md). */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Runs the node agent: attests itself to the Imprint server (a join token, or"
        + " a Kubernetes projected service-account token), then serves the SPIFFE Workload API"
        + " (gRPC) on a Unix domain socket. Each caller is attested from the socket's peer"
        + " credentials: its container's image digest where the runtime shows it, else the"
        + " --selectors map. See docs/agent.md.",
        "The server issues a caller's SVIDs only for an approved image, and only for identities"
            + " a grant lets the agent's own identity serve (action 'issue' on"
            + " svid:<trust-domain><path>)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (SIGTERM or Ctrl-C)",
        "2:usage error, a malformed selector map, or the socket cannot be served",
        "3:the server refused the agent's attestation (the problem's code is printed)",
        "4:the server could not be reached"})
final class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:IMPRINT_SERVER:-http://127.0.0.1:7878}",
      description = "Control plane URL (default: IMPRINT_SERVER or ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--insecure",
      description = "Allow plain http:// to a server that is not on this machine (refused"
          + " otherwise: the agent's session would cross the network readable).")
  boolean insecure;

  @Option(names = "--socket", paramLabel = "PATH",
      defaultValue = "/run/imprint/agent/public/api.sock",
      description = "The Workload API socket (default: ${DEFAULT-VALUE}); workloads set"
          + " SPIFFE_ENDPOINT_SOCKET=unix:<PATH>.")
  Path socket;

  @Option(names = "--join-token", paramLabel = "TOKEN",
      defaultValue = "${env:IMPRINT_JOIN_TOKEN}",
      description = "A join token for the agent's own image and node identity (default:"
          + " IMPRINT_JOIN_TOKEN, which keeps it out of the process list).")
  String joinToken;

  @Option(names = "--k8s-token-file", paramLabel = "FILE",
      description = "Attest with this Kubernetes projected service-account token (audience"
          + " imprint) instead of a join token; read again at each re-attestation.")
  Path k8sTokenFile;

  @Option(names = "--cluster", paramLabel = "NAME",
      description = "With --k8s-token-file: the cluster the token's issuer is registered as.")
  String cluster;

  @Option(names = "--selectors", paramLabel = "FILE",
      description = "The selector map (YAML): uid/gid/executable path to SPIFFE ID and image"
          + " digest, for callers whose container image is not visible.")
  Path selectors;

  @Option(names = "--x509-ttl", paramLabel = "DURATION",
      converter = ServerCommand.IntervalConverter.class,
      description = "X.509-SVID lifetime asked for (default: the server's, 1h); a new one is"
          + " pushed half way through.")
  Duration x509Ttl;

  @Option(names = "--jwt-ttl", paramLabel = "DURATION",
      converter = ServerCommand.IntervalConverter.class,
      description = "JWT-SVID lifetime asked for (default: the server's, 5m).")
  Duration jwtTtl;

  @Option(names = "--bundle-refresh", paramLabel = "DURATION", defaultValue = "10s",
      converter = ServerCommand.IntervalConverter.class,
      description = "How often the trust bundles are read from the server (default:"
          + " ${DEFAULT-VALUE}); changes are pushed to watching workloads.")
  Duration bundleRefresh;

  @Option(names = "--proc", paramLabel = "DIR", defaultValue = "/proc",
      description = "Where the host's /proc is mounted (default: ${DEFAULT-VALUE}; an agent"
          + " in a container needs the host's PID namespace).")
  Path proc;

  @Option(names = "--docker-root", paramLabel = "DIR", defaultValue = "/var/lib/docker",
      description = "Docker's data root (default: ${DEFAULT-VALUE}).")
  Path dockerRoot;

  @Option(names = "--containerd-tasks", paramLabel = "DIR",
      defaultValue = "/run/containerd/io.containerd.runtime.v2.task",
      description = "containerd's runtime v2 task root (default: ${DEFAULT-VALUE}).")
  Path containerdTasks;

  @Option(names = "--crio-root", paramLabel = "DIR", defaultValue = "/var/lib/containers/storage",
      description = "CRI-O's container storage (default: ${DEFAULT-VALUE}).")
  Path crioRoot;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    AgentConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      err.println("imprint agent: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
    quietLibraries();
    Agent agent;
    try {
      agent = Agent.start(config);
    } catch (ServerException e) {
      err.println("imprint agent: " + e.getMessage() + (e.status() > 0 ? " (HTTP "
          + e.status() + ")" : ""));
      err.flush();
      return e.status() == 0 && e.code().equals("agent.server_unreachable")
          ? RemoteException.UNREACHABLE : e.status() == 0 ? Main.USAGE : RemoteException.REFUSED;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("imprint agent: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "imprint-agent-shutdown"));
    spec.commandLine().getOut().println("imprint agent " + agent.spiffeId()
        + " serving the Workload API on unix:" + agent.socket());
    spec.commandLine().getOut().flush();
    stopped.await();
    return Main.OK;
  }

  private AgentConfig config() {
    boolean join = joinToken != null && !joinToken.isBlank();
    if (join == (k8sTokenFile != null)) {
      throw new IllegalArgumentException("expected exactly one of --join-token (or"
          + " IMPRINT_JOIN_TOKEN) and --k8s-token-file, got " + (join ? "both" : "neither"));
    }
    URI url;
    try {
      url = URI.create(server);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--server: expected a URL, got '" + server + "'");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException("--server: expected http(s)://HOST[:PORT], got '"
          + server + "'");
    }
    if (scheme.equals("http") && !insecure && !loopback(url.getHost())) {
      throw new IllegalArgumentException("--server: plain http:// to " + url.getHost()
          + " would send the agent's credentials readable over the network; use https://"
          + " or --insecure");
    }
    AgentConfig.NodeAttestation how = join
        ? new AgentConfig.JoinToken(new AgentConfig.Secret(joinToken.strip()))
        : new AgentConfig.KubernetesToken(k8sTokenFile, cluster);
    return new AgentConfig(url, socket, how, selectors, proc,
        new RuntimeRoots(dockerRoot, containerdTasks, crioRoot), x509Ttl, jwtTtl,
        bundleRefresh);
  }

  /**
   * The agent's own messages at INFO; gRPC's and Netty's at WARN (their DEBUG start-up chatter
   * otherwise floods the log), and Netty's bootstrap at ERROR: it warns on every connection that
   * a Unix socket has no SO_KEEPALIVE, which gRPC sets on every server channel.
   */
  private static void quietLibraries() {
    if (!(org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext ctx)) {
      return;
    }
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
    ctx.getLogger("io.netty").setLevel(ch.qos.logback.classic.Level.WARN);
    ctx.getLogger("io.grpc").setLevel(ch.qos.logback.classic.Level.WARN);
    ctx.getLogger("io.netty.bootstrap.ServerBootstrap")
        .setLevel(ch.qos.logback.classic.Level.ERROR);
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
        || host.equals("::1");
  }
}
