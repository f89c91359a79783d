package dev.imprint.server.bundle;

import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The public, unauthenticated trust documents: {@code GET /v1/bundle} (the SPIFFE bundle),
 * {@code GET /v1/jwks} (the JWT-SVID keys for OIDC verifiers) and {@code GET
 * /.well-known/openid-configuration}. Verifiers may cache them for the refresh hint.
 */
public final class BundleRoutes implements ApiModule {
  private final TrustBundle bundle;

  public BundleRoutes(TrustBundle bundle) {
    this.bundle = bundle;
  }

  @Override
  public void routes(Api api) {
    api.publicGet("/v1/bundle", ctx -> send(ctx, bundle.spiffeBundle()));
    api.publicGet(TrustBundle.JWKS_PATH, ctx -> send(ctx, bundle.jwks()));
    api.publicGet("/.well-known/openid-configuration", ctx -> send(ctx, bundle.discovery()));
  }

  private void send(Context ctx, Map<String, Object> doc) {
    // a verifier refreshes at the hint; a proxy may keep a copy for a fraction of it
    ctx.header("Cache-Control", "public, max-age="
        + Math.max(1, bundle.refreshHint().toSeconds() / 5));
    ctx.json(doc);
  }

  @Override
  public String openApiFragment() {
    return "openapi/bundle.json";
  }
}
