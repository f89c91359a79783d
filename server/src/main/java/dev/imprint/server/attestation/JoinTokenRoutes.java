package dev.imprint.server.attestation;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.svid.AttestedWorkload;
import dev.imprint.server.svid.IssuedSvids;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidIssuer;
import dev.imprint.server.svid.SvidRequest;
import dev.imprint.server.svid.SvidRoutes;
import dev.imprint.server.keys.Ttl;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/join-tokens} (admin, pipeline) creates a join token; {@code POST
 * /v1/attest/join-token} redeems one for SVIDs (the join token is the credential, no API token).
 */
public final class JoinTokenRoutes implements ApiModule {
  /** Body of {@code POST /v1/join-tokens}. */
  public record CreateRequest(String image, String identity, String ttl) {}

  /** Body of {@code POST /v1/attest/join-token}: the token and what the workload asks for. */
  public record AttestRequest(@JsonProperty("join_token") String joinToken, String audience,
      @JsonProperty("jwt_ttl") String jwtTtl, String csr,
      @JsonProperty("x509_ttl") String x509Ttl) {}

  private final JoinTokenService tokens;
  private final SvidIssuer issuer;
  private final Idempotent idempotent;

  public JoinTokenRoutes(JoinTokenService tokens, SvidIssuer issuer, Idempotent idempotent) {
    this.tokens = tokens;
    this.issuer = issuer;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/join-tokens", SvidRoutes.guarded(this::create), Role.ADMIN, Role.PIPELINE);
    api.publicPost("/v1/attest/join-token", SvidRoutes.guarded(this::attest));
  }

  @Override
  public String openApiFragment() {
    return "openapi/attestation.json";
  }

  private void create(Context ctx) {
    CreateRequest req = Json.body(ctx, CreateRequest.class);
    Duration ttl = null;
    if (req.ttl() != null) {
      try {
        ttl = Ttl.parse(req.ttl());
      } catch (IllegalArgumentException e) {
        throw new SvidException(SvidException.Kind.INVALID, "join_token.ttl_invalid",
            e.getMessage());
      }
    }
    Duration asked = ttl;
    // the answer holds the join token, so a replay's stored copy is sealed (see Idempotent)
    idempotent.respond(ctx, req, JoinTokenService.Created.class, c -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", c.id());
      body.put("token", c.token());
      body.put("image", c.image());
      body.put("identity", c.spiffeId());
      body.put("expires_at", c.expiresAt().toString());
      return Idempotent.answer(201, null, body);
    }, () -> tokens.create(req.image(), req.identity(), asked, ApiServer.caller(ctx)));
  }

  private void attest(Context ctx) {
    AttestRequest req = Json.body(ctx, AttestRequest.class);
    if (req.joinToken() == null) {
      throw new SvidException(SvidException.Kind.UNAUTHENTICATED, "join_token.missing",
          "expected field 'join_token', got none");
    }
    SvidRequest ask = new SvidRoutes.Ask(req.audience(), req.jwtTtl(), req.csr(), req.x509Ttl())
        .request();
    AttestedWorkload peeked = tokens.peek(req.joinToken()).orElseThrow(() ->
        new SvidException(SvidException.Kind.UNAUTHENTICATED, "join_token.invalid",
            "the join token is malformed or unknown"));
    issuer.checkRequest(peeked, ask); // a malformed request does not spend the token
    AttestedWorkload w = tokens.redeem(req.joinToken());
    IssuedSvids issued = issuer.issue(w, ask);
    ctx.json(issuer.describe(w, issued));
  }
}
