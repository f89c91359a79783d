package dev.imprint.server.bundle;

import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The public, unauthenticated trust documents: {@code GET /v1/bundle} (the SPIFFE bundle), {@code
 * /v1/bundle/jwt} (its JWT authorities alone), {@code /v1/bundle/x509} (its X.509 authorities as
 * PEM),
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
    api.publicGet("/v1/bundle/jwt", ctx -> send(ctx, bundle.jwtBundle()));
    api.publicGet("/v1/bundle/x509", ctx -> {
      cache(ctx);
      ctx.contentType("application/x-pem-file").result(bundle.x509BundlePem());
    });
    api.publicGet(TrustBundle.JWKS_PATH, ctx -> send(ctx, bundle.jwks()));
    api.publicGet("/.well-known/openid-configuration", ctx -> send(ctx, bundle.discovery()));
  }

  private void send(Context ctx, Map<String, Object> doc) {
    cache(ctx);
    ctx.json(doc);
  }

  /** A verifier refreshes at the hint; a proxy may keep a copy for a fifth of it. */
  private void cache(Context ctx) {
    ctx.header("Cache-Control", "public, max-age="
        + Math.max(1, bundle.refreshHint().toSeconds() / 5));
  }

  @Override
  public String openApiFragment() {
    return "openapi/bundle.json";
  }
}
