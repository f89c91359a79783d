package dev.imprint.server.auth;

import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/tokens}: create (shown once), list and show without secrets, revoke. Admins change
 * tokens; admins and auditors read them.
 */
public final class TokenRoutes implements ApiModule {
  /**
   * Body of {@code POST /v1/tokens}; {@code identity} (a SPIFFE ID or short id) binds a workload
   * or pipeline token to an identity.
   */
  public record CreateRequest(String role, String description, String identity) {}

  private final TokenService tokens;
  private final Idempotent idempotent;

  public TokenRoutes(TokenService tokens, Idempotent idempotent) {
    this.tokens = tokens;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/tokens", this::create, Role.ADMIN);
    api.get("/v1/tokens", this::list, Role.ADMIN, Role.AUDITOR);
    api.get("/v1/tokens/{id}", this::show, Role.ADMIN, Role.AUDITOR);
    api.delete("/v1/tokens/{id}", this::revoke, Role.ADMIN);
  }

  @Override
  public String openApiFragment() {
    return "openapi/tokens.json";
  }

  private void create(Context ctx) {
    CreateRequest req = Json.body(ctx, CreateRequest.class);
    if (req.role() == null) {
      throw ApiProblem.badRequest("token.role_missing",
          "expected field 'role' (admin, pipeline, auditor, workload or admission), got none");
    }
    Role role;
    try {
      role = Role.parse(req.role());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("token.role_unknown", e.getMessage());
    }
    String description = req.description() == null ? "" : FreeText.check(req.description(),
        "description", 200, "token.description_too_long", "token.description_invalid");
    String actor = ApiServer.caller(ctx).actor();
    idempotent.respond(ctx, req, IssuedToken.class, issued -> {
      Map<String, Object> body = view(issued.token());
      body.put("token", issued.secret());
      return Idempotent.answer(201, null, body);
    }, () -> tokens.create(role, description, req.identity(), actor));
  }

  private void list(Context ctx) {
    TokenService.Page page = tokens.list(ctx.queryParam("cursor"), limit(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(TokenRoutes::view).toList());
    body.put("next", page.next());
    ctx.json(body);
  }

  /** The {@code limit} query parameter: 50 by default, 1 to {@link TokenService#MAX_PAGE}. */
  private static int limit(Context ctx) {
    String s = ctx.queryParam("limit");
    try {
      return s == null ? 50 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + TokenService.MAX_PAGE + ", got '" + FreeText.printable(s) + "'");
    }
  }

  private void show(Context ctx) {
    String id = ctx.pathParam("id");
    ApiToken t = tokens.find(id).orElseThrow(() -> notFound(id));
    ctx.json(view(t));
  }

  private static ApiProblem notFound(String id) {
    return ApiProblem.notFound("token.not_found", "no token with id '"
        + FreeText.printable(id) + "'");
  }

  private void revoke(Context ctx) {
    String id = ctx.pathParam("id");
    if (!tokens.revoke(id, ApiServer.caller(ctx).actor())) {
      throw notFound(id);
    }
    ctx.status(204);
  }

  static Map<String, Object> view(ApiToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("role", t.role().wire());
    m.put("description", t.description());
    m.put("createdAt", t.createdAt());
    m.put("createdBy", t.createdBy());
    m.put("revokedAt", t.revokedAt());
    m.put("lastUsedAt", t.lastUsedAt());
    m.put("identity", t.identity());
    m.put("identityId", t.identityId());
    return m;
  }
}
