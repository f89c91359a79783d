package dev.imprint.server.dbcreds;

import dev.imprint.server.auth.Role;
import dev.imprint.server.authz.PolicyException;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database-login API: registering servers (admin), a workload asking for a login and
 * renewing it with its JWT-SVID as the bearer, listing and revoking leases (admin, auditor
 * to list), and removing a server (admin). Only translates: services raise {@link DbException}s.
 */
public final class DbRoutes implements ApiModule {
  /** Body of {@code POST /v1/db/servers}. */
  public record ServerBody(String name, String url, String adminUser, String password) {
    @Override
    public String toString() {
      return "ServerBody[" + name + ", " + url + ", " + adminUser + ", password=[redacted]]";
    }
  }

  /** Body of {@code POST /v1/db/credentials}. */
  public record CredentialsBody(String resource, List<String> privileges, String ttl) {}

  /** Body of a renewal. */
  public record RenewBody(String ttl) {}

  /** Body of a revocation. */
  public record RevokeBody(String reason) {}

  private final DbServers servers;
  private final LeaseService leases;

  private final Idempotent idempotent;

  /** A registration and a login honour an Idempotency-Key through {@code idempotent}. */
  public DbRoutes(DbServers servers, LeaseService leases, Idempotent idempotent) {
    this.servers = servers;
    this.leases = leases;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/db/servers", guarded(this::register), Role.ADMIN);
    api.get("/v1/db/servers", guarded(this::servers), Role.ADMIN, Role.AUDITOR);
    api.delete("/v1/db/servers/{name}", guarded(this::remove), Role.ADMIN);
    api.publicPost("/v1/db/credentials", guarded(this::credentials));
    api.publicPost("/v1/db/leases/{id}/renew", guarded(this::renew));
    api.get("/v1/db/leases", guarded(this::list), Role.ADMIN, Role.AUDITOR);
    api.post("/v1/db/leases/{id}/revoke", guarded(this::revoke), Role.ADMIN);
  }

  @Override
  public String openApiFragment() {
    return "openapi/dbcreds.json";
  }

  private void register(Context ctx) {
    ServerBody b = Json.body(ctx, ServerBody.class);
    char[] password = b.password() == null ? null : b.password().toCharArray();
    try {
      // the stored answer holds no password, and the request only as a keyed hash
      idempotent.respond(ctx, b, DbServer.class, s -> Idempotent.answer(201, null, server(s)),
          () -> servers.register(new DbServers.Registration(b.name(), b.url(), b.adminUser(),
              password), ApiServer.caller(ctx).actor()));
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  private void servers(Context ctx) {
    ctx.json(Map.of("servers", servers.list().stream().map(DbRoutes::server).toList()));
  }

  private void remove(Context ctx) {
    String revoke = ctx.queryParam("revoke");
    if (revoke != null && !revoke.equals("true") && !revoke.equals("false")) {
      throw new DbException(DbException.Kind.INVALID, "db.revoke_invalid", "expected"
          + " revoke=true or revoke=false, got '" + FreeText.printable(revoke) + "'");
    }
    LeaseService.Removal r = leases.removeServer(ctx.pathParam("name"), "true".equals(revoke),
        ApiServer.caller(ctx).actor());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.server());
    m.put("removed", true);
    m.put("leasesRevoked", r.leasesRevoked());
    m.put("leaseRecordsDeleted", r.leaseRecordsDeleted());
    ctx.json(m);
  }

  static Map<String, Object> server(DbServer s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("host", s.host());
    m.put("port", s.port());
    m.put("database", s.database());
    m.put("adminUser", s.adminUser());
    m.put("sslmode", s.sslmode());
    m.put("createdAt", s.createdAt().toString());
    m.put("createdBy", s.createdBy());
    return m;
  }

  private void credentials(Context ctx) {
    LeaseService.Workload w = leases.authenticate(bearer(ctx));
    CredentialsBody b = Json.body(ctx, CredentialsBody.class);
    ctx.header("Cache-Control", "no-store");
    // the key is the workload's (its SPIFFE ID: no API token here); the stored answer holds the
    // password, sealed under the Idempotency-Key as every answer is, and commits with the lease
    idempotent.respond(ctx, w.subject(), b, IssuedLogin.class,
        login -> Idempotent.answer(201, null, login(login)),
        () -> leases.issue(w, b.resource(), b.privileges(), b.ttl()));
  }

  private static Map<String, Object> login(IssuedLogin login) {
    Lease l = login.lease();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", l.username());
    m.put("password", login.password());
    m.put("host", login.host());
    m.put("port", login.port());
    m.put("database", l.database());
    m.put("sslmode", login.sslmode());
    m.put("expiresAt", l.expiresAt().toString());
    m.put("lease", lease(l));
    return m;
  }

  private void renew(Context ctx) {
    LeaseService.Workload w = leases.authenticate(bearer(ctx));
    RenewBody b = Json.optionalBody(ctx, RenewBody.class, new RenewBody(null));
    ctx.json(lease(leases.renew(w, ctx.pathParam("id"), b.ttl())));
  }

  private void list(Context ctx) {
    ctx.json(Map.of("leases", leases.list(ctx.queryParam("state"), ctx.queryParam("subject"),
        ctx.queryParam("server")).stream().map(DbRoutes::lease).toList()));
  }

  private void revoke(Context ctx) {
    RevokeBody b = Json.optionalBody(ctx, RevokeBody.class, new RevokeBody(null));
    String reason = b.reason() == null ? "revoked by an operator"
        : FreeText.check(b.reason(), "'reason'", 1024, "db.reason_invalid");
    ctx.json(lease(leases.revoke(ctx.pathParam("id"), ApiServer.caller(ctx).actor(), reason)));
  }

  static Map<String, Object> lease(Lease l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", l.id());
    m.put("server", l.server());
    m.put("database", l.database());
    m.put("schema", l.schema());
    m.put("resource", l.resource());
    m.put("username", l.username());
    m.put("privileges", l.privileges());
    m.put("subject", l.subject());
    m.put("imageDigest", l.imageDigest());
    m.put("state", l.state());
    m.put("endReason", l.endReason());
    m.put("endedBy", l.endedBy());
    m.put("createdAt", l.createdAt().toString());
    m.put("expiresAt", l.expiresAt().toString());
    m.put("maxExpiresAt", l.maxExpiresAt().toString());
    m.put("renewals", l.renewals());
    m.put("endedAt", l.endedAt() == null ? null : l.endedAt().toString());
    m.put("droppedAt", l.droppedAt() == null ? null : l.droppedAt().toString());
    return m;
  }

  private static String bearer(Context ctx) {
    String header = ctx.header("Authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : null;
    if (bearer == null || bearer.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"imprint-db\"");
      throw new DbException(DbException.Kind.UNAUTHENTICATED, "db.credential_missing",
          "expected Authorization: Bearer with the workload's JWT-SVID (audience '"
              + LeaseService.AUDIENCE + "'), got none");
    }
    return bearer;
  }

  /** Runs {@code h}, turning a {@link DbException} into its problem. */
  static Handler guarded(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (DbException e) {
        String title = switch (e.kind()) {
          case INVALID -> "Bad request";
          case UNAUTHENTICATED -> "Unauthorized";
          case FORBIDDEN -> "Forbidden";
          case NOT_FOUND -> "Not found";
          case CONFLICT -> "Conflict";
          case DATABASE -> "Bad gateway";
        };
        throw new ApiProblem(e.kind().status(), e.code(), title, e.detail());
      } catch (PolicyException e) {
        // the decision point refused the request itself (a malformed one)
        throw new ApiProblem(e.kind().status(), e.code(), "Bad request", e.detail());
      }
    };
  }
}
