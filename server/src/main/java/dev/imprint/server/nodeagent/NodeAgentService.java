package dev.imprint.server.nodeagent;

import dev.imprint.server.authz.DecisionService;
import dev.imprint.server.svid.AttestedWorkload;
import dev.imprint.server.svid.JwtSvid;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidRequest;
import dev.imprint.server.svid.SvidService;
import dev.imprint.server.svid.WorkloadStates;
import dev.imprint.server.svid.X509Svid;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Issues SVIDs to a workload on behalf of the node agent that attested it. The agent proves
 * itself with its workload session (from its own attestation); the server then checks, on every
 * request, that the agent's image and identity are still live, that the workload's image is
 * approved or deployed and carries the identity asked for, and that a grant allows the agent's
 * identity the action {@value #ACTION} on {@code svid:<trust domain><path>} of that identity.
 * A compromised agent can therefore obtain only identities it was granted, and only while an
 * approved image carries them.
 */
public final class NodeAgentService {
  /** The grant action a node agent needs on {@code svid:<trust-domain><path>}. */
  public static final String ACTION = "issue";
  /** The attestation method recorded for what agents obtain. */
  public static final String METHOD = "node_agent";
  private static final Pattern FACT = Pattern.compile("[A-Za-z0-9._:/@+=,-]{1,256}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /** What an agent asks: the workload's image (and identity), the SVIDs, who called it. */
  public record Ask(String image, String identity, SvidRequest svids,
      Map<String, String> caller) {}

  /** What was issued, for whom, on whose behalf. */
  public record Issued(String agent, AttestedWorkload workload, Optional<JwtSvid> jwt,
      Optional<X509Svid> x509) {}

  private final SvidService svids;
  private final DecisionService decisions;

  public NodeAgentService(SvidService svids, DecisionService decisions) {
    this.svids = svids;
    this.decisions = decisions;
  }

  /**
   * Issues what {@code ask} requests for a workload the agent holding {@code session} attested
   * ({@code ask} is read once the session is verified, so an unauthenticated caller learns
   * nothing of the body's rules).
   *
   * @throws SvidException {@code svid.session_invalid} (401), {@code agent.request_invalid}
   *     (400), {@code agent.node_inactive} (403: the agent's own image or identity is no longer
   *     live), {@code agent.not_authorized} (403: no grant), {@code svid.image_unknown},
   *     {@code svid.identity_mismatch} (409), or any refusal of the issuer
   */
  public Issued issue(String session, java.util.function.Supplier<Ask> request) {
    AttestedWorkload agent = svids.session(session).orElseThrow(() -> new SvidException(
        SvidException.Kind.UNAUTHENTICATED, "svid.session_invalid", session == null
            ? "expected Authorization: Bearer <the agent's workload session>, got none"
            : "the agent's workload session is malformed, unknown or expired; attest again"));
    Ask ask = request.get();
    Map<String, String> facts = facts(agent, ask);
    requireLive(agent);
    WorkloadStates.State target = target(ask);
    String identity = ask.identity() == null ? target.spiffeId() : ask.identity();
    AttestedWorkload workload = new AttestedWorkload(identity, ask.image(),
        new AttestedWorkload.Attestation(METHOD, facts));
    svids.checkRequest(workload, ask.svids());
    String resource = "svid:" + identity.substring("spiffe://".length());
    DecisionService.Outcome o = decisions.authorizeAttested(agent.spiffeId(),
        agent.imageDigest(), "agent", ACTION, resource);
    if (!o.decision().allowed()) {
      throw new SvidException(SvidException.Kind.FORBIDDEN, "agent.not_authorized", "node agent "
          + agent.spiffeId() + " may not obtain SVIDs of " + identity + ": no grant allows it '"
          + ACTION + "' on " + resource + " (" + o.decision().reason().name()
              .toLowerCase(java.util.Locale.ROOT) + ")");
    }
    SvidRequest r = ask.svids();
    Optional<JwtSvid> jwt = r.audience() == null ? Optional.empty()
        : Optional.of(svids.issueJwt(workload, r.audience(), r.jwtTtl()));
    Optional<X509Svid> x509 = r.csrDer() == null ? Optional.empty()
        : Optional.of(svids.issueX509(workload, r.csrDer(), r.x509Ttl()));
    return new Issued(agent.spiffeId(), workload, jwt, x509);
  }

  private static Map<String, String> facts(AttestedWorkload agent, Ask ask) {
    if (ask.image() == null || !DIGEST.matcher(ask.image()).matches()) {
      throw invalid("expected 'image' as sha256:<64 lower-case hex>, got " + ask.image());
    }
    if (ask.identity() != null && !ask.identity().startsWith("spiffe://")) {
      throw invalid("expected 'identity' as a SPIFFE ID, got " + ask.identity());
    }
    Map<String, String> facts = new TreeMap<>();
    if (ask.caller() != null) {
      if (ask.caller().size() > 8) {
        throw invalid("expected at most 8 'caller' facts, got " + ask.caller().size());
      }
      ask.caller().forEach((k, v) -> {
        if (k == null || v == null || !k.matches("[a-z_]{1,32}") || !FACT.matcher(v).matches()) {
          throw invalid("expected 'caller' facts as short [a-z_] names and values of"
              + " [A-Za-z0-9._:/@+=,-], got " + k + "=" + v);
        }
        facts.put("caller_" + k, v);
      });
    }
    facts.put("agent", agent.spiffeId());
    facts.put("agent_image", agent.imageDigest());
    return facts;
  }

  private void requireLive(AttestedWorkload agent) {
    Optional<WorkloadStates.State> s = svids.states().of(agent.imageDigest());
    if (s.isEmpty() || !s.get().imageLive() || !s.get().identityActive()
        || !s.get().spiffeId().equals(agent.spiffeId())) {
      throw new SvidException(SvidException.Kind.FORBIDDEN, "agent.node_inactive", "node agent "
          + agent.spiffeId() + " runs image " + agent.imageDigest() + ", which is "
          + s.map(x -> x.imageStatus() + " with identity " + x.identityStatus())
              .orElse("unknown") + "; a node agent acts only while its own image is approved or"
          + " deployed and its identity active");
    }
  }

  private WorkloadStates.State target(Ask ask) {
    WorkloadStates.State s = svids.states().of(ask.image()).orElseThrow(() ->
        new SvidException(SvidException.Kind.CONFLICT, "svid.image_unknown",
            "no image with digest " + ask.image() + " is registered"));
    if (ask.identity() != null && !ask.identity().equals(s.spiffeId())) {
      throw new SvidException(SvidException.Kind.CONFLICT, "svid.identity_mismatch", "image "
          + ask.image() + " carries " + s.spiffeId() + ", not " + ask.identity());
    }
    return s;
  }

  private static SvidException invalid(String detail) {
    return new SvidException(SvidException.Kind.INVALID, "agent.request_invalid", detail);
  }
}
