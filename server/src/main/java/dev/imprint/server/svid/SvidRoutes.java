package dev.imprint.server.svid;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.Call;
import dev.imprint.server.http.Json;
import dev.imprint.server.keys.Ttl;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/svid/renew} (authenticated by a workload session, not an API token) and
 * {@code POST /v1/svid/validate} (any API token). Maps {@link SvidException}s to problems.
 */
public final class SvidRoutes implements ApiModule {
  /**
   * What a workload asks for, at attestation and renewal: {@code audience} for a JWT-SVID and/or
   * {@code csr} (PEM) for an X.509-SVID, with optional lifetimes such as {@code 5m}.
   */
  public record Ask(String audience, @JsonProperty("jwt_ttl") String jwtTtl, String csr,
      @JsonProperty("x509_ttl") String x509Ttl) {
    /** The request, parsed. */
    public SvidRequest request() {
      return new SvidRequest(audience, ttl("jwt_ttl", jwtTtl),
          csr == null ? null : CsrPolicy.decode(csr), ttl("x509_ttl", x509Ttl));
    }
  }

  /** Body of {@code POST /v1/svid/validate}. */
  public record ValidateRequest(String token, String audience) {}

  private final SvidService svids;
  private final JwtSvidValidator validator;

  public SvidRoutes(SvidService svids, JwtSvidValidator validator) {
    this.svids = svids;
    this.validator = validator;
  }

  @Override
  public void routes(Api api) {
    api.publicPost("/v1/svid/renew", (Call.Handler) call -> {
      try {
        return renew(call);
      } catch (SvidException e) {
        throw problem(e);
      }
    });
    Role[] all = Role.values();
    api.post("/v1/svid/validate", guarded(this::validate), all[0],
        Arrays.copyOfRange(all, 1, all.length));
  }

  @Override
  public String openApiFragment() {
    return "openapi/svid.json";
  }

  private Object renew(Call call) {
    String header = call.header("Authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : null;
    SvidService.Renewal r;
    try {
      r = svids.renew(bearer, () -> call.body(Ask.class).request());
    } catch (SvidException e) {
      if (e.kind() == SvidException.Kind.UNAUTHENTICATED) {
        call.header("WWW-Authenticate", "Bearer realm=\"imprint-workload\"");
      }
      throw e;
    }
    return svids.answer(r.workload(), r.issued());
  }

  private void validate(Context ctx) {
    ValidateRequest req = Json.body(ctx, ValidateRequest.class);
    if (req.token() == null) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.token_missing",
          "expected field 'token' (a JWT-SVID), got none");
    }
    if (req.audience() == null) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.audience_missing",
          "expected field 'audience' (the audience the caller expects), got none");
    }
    JwtSvidValidator.Result r = validator.validate(req.token(), req.audience());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("valid", r.valid());
    body.put("reason", r.reason());
    body.put("spiffe_id", r.spiffeId());
    Json.answer(ctx, body);
  }

  static Duration ttl(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Ttl.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.ttl_invalid", "field '" + field
          + "': " + e.getMessage());
    }
  }

  /** Runs {@code h}, turning an {@link SvidException} into the problem of its kind and code. */
  public static Handler guarded(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (SvidException e) {
        throw problem(e);
      }
    };
  }

  /** The problem for a refusal. */
  public static ApiProblem problem(SvidException e) {
    String title = switch (e.kind()) {
      case INVALID -> "Bad request";
      case UNAUTHENTICATED -> "Unauthorized";
      case FORBIDDEN -> "Forbidden";
      case NOT_FOUND -> "Not found";
      case CONFLICT -> "Conflict";
    };
    return new ApiProblem(e.kind().status(), e.code(), title, e.detail());
  }
}
