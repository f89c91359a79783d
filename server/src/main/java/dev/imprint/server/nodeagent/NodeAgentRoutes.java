package dev.imprint.server.nodeagent;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.Json;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidRoutes;
import dev.imprint.server.svid.SvidService;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/agent/svid}: a node agent, authenticated by its own workload session, obtains
 * the SVIDs of a workload it attested (see {@link NodeAgentService}).
 */
public final class NodeAgentRoutes implements ApiModule {
  /** Body: the workload's image (and identity), the SVIDs asked for, and who called the agent. */
  record Body(String image, String identity, String audience,
      @JsonProperty("jwt_ttl") String jwtTtl, String csr,
      @JsonProperty("x509_ttl") String x509Ttl, Map<String, String> caller) {}

  private final NodeAgentService agents;

  public NodeAgentRoutes(NodeAgentService agents) {
    this.agents = agents;
  }

  @Override
  public void routes(Api api) {
    api.publicPost("/v1/agent/svid", SvidRoutes.guarded(this::issue));
  }

  @Override
  public String openApiFragment() {
    return "openapi/agent.json";
  }

  private void issue(Context ctx) {
    String header = ctx.header("Authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : null;
    NodeAgentService.Issued issued;
    try {
      issued = agents.issue(bearer, () -> ask(Json.body(ctx, Body.class)));
    } catch (SvidException e) {
      if (e.kind() == SvidException.Kind.UNAUTHENTICATED) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"imprint-workload\"");
      }
      throw e;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("spiffe_id", issued.workload().spiffeId());
    body.put("image", issued.workload().imageDigest());
    body.put("agent", issued.agent());
    issued.jwt().ifPresent(j -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("token", j.token());
      m.put("audience", j.audience());
      m.put("kid", j.keyId());
      m.put("jti", j.jti());
      m.put("expires_at", j.expiresAt().toString());
      body.put("jwt_svid", m);
    });
    issued.x509().ifPresent(x -> {
      Map<String, Object> m = new LinkedHashMap<>();
      StringBuilder pem = new StringBuilder();
      x.chain().forEach(c -> pem.append(SvidService.pem(c)));
      m.put("certificates", pem.toString());
      m.put("serial", x.serial());
      m.put("expires_at", x.expiresAt().toString());
      body.put("x509_svid", m);
    });
    ctx.json(body);
  }

  private static NodeAgentService.Ask ask(Body b) {
    SvidRoutes.Ask svid = new SvidRoutes.Ask(b.audience(), b.jwtTtl(), b.csr(), b.x509Ttl());
    return new NodeAgentService.Ask(b.image(), b.identity(), svid.request(), b.caller());
  }
}
