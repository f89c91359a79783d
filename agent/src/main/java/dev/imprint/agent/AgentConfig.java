package dev.imprint.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an agent runs: the server it talks to, the socket it serves, how it attests itself, where
 * it reads callers' facts, and the lifetimes it asks for.
 *
 * @param server the Imprint server's base URL
 * @param socket the Unix domain socket the Workload API listens on
 * @param nodeAttestation how the agent proves itself to the server
 * @param selectors the operator's selector map file, or null for none
 * @param procRoot where {@code /proc} is (tests point it elsewhere)
 * @param runtimes where container runtimes keep their state
 * @param x509Ttl the X.509-SVID lifetime asked for (null: the server's default)
 * @param jwtTtl the JWT-SVID lifetime asked for (null: the server's default)
 * @param bundleRefresh how often the trust bundles are read from the server
 */
public record AgentConfig(URI server, Path socket, NodeAttestation nodeAttestation,
    Path selectors, Path procRoot, RuntimeRoots runtimes, Duration x509Ttl,
    Duration jwtTtl, Duration bundleRefresh) {
  /** Where the agent listens unless told: SPIRE's conventional public socket directory. */
  public static final Path DEFAULT_SOCKET = Path.of("/run/imprint/agent/public/api.sock");

  public AgentConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(nodeAttestation, "nodeAttestation");
    Objects.requireNonNull(procRoot, "procRoot");
    Objects.requireNonNull(runtimes, "runtimes");
    Objects.requireNonNull(bundleRefresh, "bundleRefresh");
    if (bundleRefresh.isNegative() || bundleRefresh.isZero()) {
      throw new IllegalArgumentException("expected a positive bundle refresh interval, got "
          + bundleRefresh);
    }
  }

  /** How the agent attests itself: a single-use join token, or a projected token file. */
  public sealed interface NodeAttestation {}

  /** A join token bound to the agent's image and node identity; spent at the first start. */
  public record JoinToken(Secret token) implements NodeAttestation {
    public JoinToken {
      Objects.requireNonNull(token, "token");
    }
  }

  /** A Kubernetes projected service-account token, read from {@code file} at each attestation. */
  public record KubernetesToken(Path file, String cluster) implements NodeAttestation {
    public KubernetesToken {
      Objects.requireNonNull(file, "file");
    }
  }

  /** A secret string whose {@code toString()} never shows it. */
  public static final class Secret {
    private final String value;

    public Secret(String value) {
      this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret itself; call only where it is sent. */
    public String reveal() {
      return value;
    }

    @Override
    public String toString() {
      return "[redacted]";
    }
  }
}
