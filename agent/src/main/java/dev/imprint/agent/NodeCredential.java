package dev.imprint.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own credential: the workload session it receives when it attests (join token or
 * Kubernetes projected token) and renews at {@code renew_after}, so it never lapses while the
 * server accepts it. The session authenticates the agent's delegated requests.
 */
final class NodeCredential {
  private static final Logger LOG = LoggerFactory.getLogger(NodeCredential.class);
  /** The shortest wait before retrying a renewal the server did not answer. */
  static final Duration RETRY = Duration.ofSeconds(2);

  /** The agent's identity and the session that proves it. */
  record Held(String spiffeId, String image, String session, Instant sessionExpires,
      Instant renewAfter) {
    @Override
    public String toString() {
      return "Held[" + spiffeId + ", " + image + ", session [redacted]]";
    }
  }

  private final ServerApi api;
  private final AgentConfig.NodeAttestation how;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private volatile Held held;

  NodeCredential(ServerApi api, AgentConfig.NodeAttestation how, Clock clock,
      ScheduledExecutorService timer) {
    this.api = api;
    this.how = how;
    this.clock = clock;
    this.timer = timer;
  }

  /**
   * Attests the agent and schedules its renewals.
   *
   * @throws ServerException when the server refuses or cannot be reached
   */
  Held attest() {
    Map<String, Object> body = new LinkedHashMap<>();
    String path;
    if (how instanceof AgentConfig.JoinToken j) {
      path = "/v1/attest/join-token";
      body.put("join_token", j.token().reveal());
    } else {
      AgentConfig.KubernetesToken k = (AgentConfig.KubernetesToken) how;
      path = "/v1/attest/k8s";
      body.put("token", readToken(k));
      if (k.cluster() != null) {
        body.put("cluster", k.cluster());
      }
    }
    body.put("audience", audience());
    held = held(api.post(path, body, null));
    LOG.info("agent attested as {} (image {}), method {}", held.spiffeId(), held.image(),
        how instanceof AgentConfig.JoinToken ? "join_token" : "k8s_psat");
    schedule();
    return held;
  }

  /** The current credential. */
  Held current() {
    Held h = held;
    if (h == null) {
      throw new IllegalStateException("the agent has not attested yet");
    }
    return h;
  }

  private void renew() {
    try {
      held = held(api.post("/v1/svid/renew", Map.of("audience", audience()), held.session()));
      schedule();
    } catch (ServerException e) {
      if (e.code().equals("svid.session_invalid")
          && how instanceof AgentConfig.KubernetesToken) {
        LOG.warn("agent session refused ({}); attesting again with the projected token",
            e.code());
        retry(this::attestAgain);
        return;
      }
      if (e.status() == 0 || e.status() >= 500) {
        LOG.warn("agent renewal failed ({}); retrying", e.code());
        retry(this::renew);
        return;
      }
      LOG.error("the server refused the agent's renewal ({}): {}; the agent can no longer"
          + " obtain SVIDs until it attests again", e.code(), e.getMessage());
    }
  }

  private void attestAgain() {
    try {
      attest();
    } catch (ServerException e) {
      LOG.warn("agent attestation failed ({}); retrying", e.code());
      retry(this::attestAgain);
    }
  }

  private void retry(Runnable r) {
    Duration left = Duration.between(clock.instant(), held.sessionExpires());
    Duration wait = left.dividedBy(10).compareTo(RETRY) > 0 ? left.dividedBy(10) : RETRY;
    timer.schedule(r, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void schedule() {
    long ms = Math.max(0, Duration.between(clock.instant(), held.renewAfter()).toMillis());
    timer.schedule(this::renew, ms, TimeUnit.MILLISECONDS);
  }

  private String audience() {
    return "imprint-agent";
  }

  private static Held held(JsonNode r) {
    return new Held(r.path("spiffe_id").asText(), r.path("image").asText(),
        r.path("session").path("token").asText(), Instant.parse(r.path("session")
            .path("expires_at").asText()), Instant.parse(r.path("renew_after").asText()));
  }

  private static String readToken(AgentConfig.KubernetesToken k) {
    try {
      return Files.readString(k.file(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ServerException(0, "agent.token_unreadable", "cannot read the projected"
          + " service-account token " + k.file() + ": " + e.getMessage());
    }
  }
}
