package dev.imprint.server.authz;

import dev.imprint.authz.Decision;
import dev.imprint.authz.Diagnostic;
import dev.imprint.authz.Explanation;
import dev.imprint.authz.Grant;
import dev.imprint.authz.GrantJson;
import dev.imprint.authz.GrantSource;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.text.FreeText;
import dev.imprint.server.tls.ClientCertificates;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authorization API: {@code POST /v1/authorize} (authenticated by the caller's JWT-SVID, by
 * its X.509-SVID as the TLS client certificate, or by a gateway's API token together with the
 * caller's JWT-SVID), the policy
 * ({@code GET /v1/grants} with an ETag, {@code POST /v1/grants/plan}, {@code PUT /v1/grants}),
 * and what decisions tell ({@code POST /v1/authz/explain}, {@code GET /v1/authz/unused},
 * {@code POST /v1/grants/replay}). Only translates: services raise {@link PolicyException}s.
 */
public final class AuthzRoutes implements ApiModule {
  static final int MAX_FILES = 10_000;
  private static final Pattern SINCE = Pattern.compile("(\\d{1,5})([dhm])");

  /** Body of {@code POST /v1/authorize}. */
  public record AuthorizeBody(String action, String resource, Map<String, String> context,
      String svid, String audience) {}

  /** One grant file. */
  public record FileBody(String name, String content) {}

  /** Body of plan and apply. */
  public record GrantFilesBody(List<FileBody> files, Long expectedVersion) {}

  /** Body of replay. */
  public record ReplayBody(List<FileBody> files, String since) {}

  /** Body of explain. */
  public record ExplainBody(String subject, String action, String resource,
      Map<String, String> context) {}

  private final PolicyService policies;
  private final DecisionService decisions;
  private final TokenService tokens;
  private final Clock clock;
  private final long maxBodyBytes;

  public AuthzRoutes(PolicyService policies, DecisionService decisions, TokenService tokens,
      Clock clock, long maxBodyBytes) {
    this.policies = policies;
    this.decisions = decisions;
    this.tokens = tokens;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void routes(Api api) {
    api.publicPost("/v1/authorize", guarded(this::authorize));
    api.get("/v1/grants", guarded(this::grants), Role.ADMIN, Role.AUDITOR, Role.WORKLOAD);
    api.post("/v1/grants/plan", guarded(this::plan), Role.ADMIN, Role.AUDITOR);
    api.put("/v1/grants", guarded(this::apply), Role.ADMIN);
    api.post("/v1/grants/replay", guarded(this::replay), Role.ADMIN, Role.AUDITOR);
    api.post("/v1/authz/explain", guarded(this::explain), Role.ADMIN, Role.AUDITOR);
    api.get("/v1/authz/unused", guarded(this::unused), Role.ADMIN, Role.AUDITOR);
  }

  @Override
  public String openApiFragment() {
    return "openapi/authz.json";
  }

  private void authorize(Context ctx) {
    String header = ctx.header("Authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : null;
    if (bearer == null || bearer.isEmpty()) {
      List<X509Certificate> chain = ClientCertificates.of(
          ctx.req().getAttribute(ClientCertificates.ATTRIBUTE));
      if (!chain.isEmpty()) {
        authorizeX509(ctx, chain);
        return;
      }
      ctx.header("WWW-Authenticate", "Bearer realm=\"imprint-authorize\"");
      throw new PolicyException(PolicyException.Kind.UNAUTHENTICATED, "authz.credential_missing",
          "expected Authorization: Bearer with the caller's JWT-SVID, a gateway's API token"
              + " (with the caller's JWT-SVID in 'svid'), or the caller's X.509-SVID as its TLS"
              + " client certificate, got none");
    }
    boolean gateway = bearer.startsWith("imp_");
    String via = "svid";
    if (gateway) {
      Caller caller = tokens.authenticate(bearer).orElseThrow(() -> {
        ctx.header("WWW-Authenticate", "Bearer realm=\"imprint\"");
        return new ApiProblem(401, "auth.token_invalid", "Unauthorized", "the bearer token is"
            + " unknown, revoked or malformed, or the identity it is bound to is disabled or"
            + " offboarded");
      });
      if (!(caller.role() == Role.ADMIN || caller.role() == Role.WORKLOAD && caller.bound())) {
        throw new PolicyException(PolicyException.Kind.FORBIDDEN, "authz.gateway_forbidden",
            "asking about another workload needs an admin token or a workload token bound to"
                + " the gateway's identity; the token has role " + caller.role().wire()
                + (caller.bound() ? "" : " and is unbound"));
      }
      via = caller.actor();
    }
    AuthorizeBody body = request(ctx);
    String svid;
    String audience;
    if (gateway) {
      if (body.svid() == null || body.audience() == null) {
        throw new PolicyException(PolicyException.Kind.INVALID, "authz.svid_missing",
            "a gateway's request needs 'svid' (the caller's JWT-SVID) and 'audience' (the"
                + " audience the gateway expects it to carry)");
      }
      svid = body.svid();
      audience = body.audience();
    } else {
      if (body.svid() != null || body.audience() != null) {
        throw new PolicyException(PolicyException.Kind.INVALID, "authz.request_invalid",
            "'svid' and 'audience' are for gateways (with an API token); a workload asking"
                + " about itself sends only its JWT-SVID, with audience '"
                + DecisionService.AUDIENCE + "', as the bearer");
      }
      svid = bearer;
      audience = DecisionService.AUDIENCE;
    }
    DecisionService.Outcome o = decisions.authorize(svid, audience, via, body.action(),
        body.resource(), body.context() == null ? Map.of() : body.context());
    ctx.json(decision(o.subject(), o.decision()));
  }

  /** A workload asking about itself with its X.509-SVID as the TLS client certificate. */
  private void authorizeX509(Context ctx, List<X509Certificate> chain) {
    AuthorizeBody body = request(ctx);
    if (body.svid() != null || body.audience() != null) {
      throw new PolicyException(PolicyException.Kind.INVALID, "authz.request_invalid",
          "'svid' and 'audience' are for gateways (with an API token); a workload presenting its"
              + " X.509-SVID as its TLS client certificate sends only the request");
    }
    DecisionService.Outcome o = decisions.authorizeX509(chain, body.action(), body.resource(),
        body.context() == null ? Map.of() : body.context());
    ctx.json(decision(o.subject(), o.decision()));
  }

  /** The body of {@code POST /v1/authorize}, with its action and resource. */
  private static AuthorizeBody request(Context ctx) {
    AuthorizeBody body = Json.body(ctx, AuthorizeBody.class);
    if (body.action() == null || body.resource() == null) {
      throw new PolicyException(PolicyException.Kind.INVALID, "authz.request_invalid",
          "expected fields 'action' and 'resource', got " + (body.action() == null ? "no action"
              : "no resource"));
    }
    return body;
  }

  static Map<String, Object> decision(String subject, Decision d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("decision", d.effect().word());
    out.put("allowed", d.allowed());
    out.put("reason", d.reason().code());
    out.put("grants", d.grants());
    out.put("policyVersion", d.policyVersion());
    out.put("subject", subject);
    out.put("detail", d.detail());
    return out;
  }

  private void grants(Context ctx) {
    PolicyService.Current c = policies.current();
    ctx.header("ETag", c.etag());
    String match = ctx.header("If-None-Match");
    if (match != null && List.of(match.split(",")).stream().map(String::trim)
        .anyMatch(m -> m.equals(c.etag()) || m.equals("*"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType("application/json").result(c.document());
  }

  private void plan(Context ctx) {
    GrantFilesBody body = Json.body(ctx, GrantFilesBody.class, maxBodyBytes * 16);
    PolicyService.Plan p = policies.plan(sources(body.files()));
    ctx.json(plan(p));
  }

  private void apply(Context ctx) {
    GrantFilesBody body = Json.body(ctx, GrantFilesBody.class, maxBodyBytes * 16);
    PolicyService.Applied a = policies.apply(sources(body.files()), body.expectedVersion(),
        ApiServer.caller(ctx).actor());
    Map<String, Object> out = plan(a.plan());
    out.put("version", a.version());
    out.put("applied", a.plan().changes());
    ctx.json(out);
  }

  private static Map<String, Object> plan(PolicyService.Plan p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("currentVersion", p.currentVersion());
    out.put("added", p.added().stream().map(AuthzRoutes::grant).toList());
    out.put("removed", p.removed().stream().map(AuthzRoutes::grant).toList());
    out.put("changed", p.changed().stream().map(ch -> Map.of("before", grant(ch.before()),
        "after", grant(ch.after()))).toList());
    out.put("unchanged", p.unchanged());
    out.put("errors", diagnostics(p.diagnostics(), Diagnostic.Severity.ERROR));
    out.put("warnings", diagnostics(p.diagnostics(), Diagnostic.Severity.WARNING));
    return out;
  }

  static Object grant(Grant g) {
    try {
      return Json.MAPPER.readTree(GrantJson.grant(g));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Map<String, Object>> diagnostics(List<Diagnostic> all, Diagnostic.Severity s) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Diagnostic d : all) {
      if (d.severity() != s) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", d.code());
      m.put("file", d.location() == null ? null : d.location().file());
      m.put("line", d.location() == null ? null : d.location().line());
      m.put("column", d.location() == null ? null : d.location().column());
      m.put("grant", d.grantId());
      m.put("message", d.message());
      out.add(m);
    }
    return out;
  }

  private List<GrantSource> sources(List<FileBody> files) {
    if (files == null) {
      throw new PolicyException(PolicyException.Kind.INVALID, "grants.files_missing",
          "expected 'files': a list of {name, content} grant files");
    }
    if (files.size() > MAX_FILES) {
      throw new PolicyException(PolicyException.Kind.INVALID, "grants.files_missing",
          "expected at most " + MAX_FILES + " files, got " + files.size());
    }
    List<GrantSource> out = new ArrayList<>();
    for (FileBody f : files) {
      if (f == null || f.name() == null || f.content() == null) {
        throw new PolicyException(PolicyException.Kind.INVALID, "grants.files_missing",
            "each file needs 'name' and 'content'");
      }
      out.add(new GrantSource(f.name(), f.content()));
    }
    return out;
  }

  private void replay(Context ctx) {
    ReplayBody body = Json.body(ctx, ReplayBody.class, maxBodyBytes * 16);
    Instant since = since(body.since() == null ? "7d" : body.since());
    DecisionService.Replay r = decisions.replay(sources(body.files()), since);
    ctx.json(r);
  }

  private void explain(Context ctx) {
    ExplainBody b = Json.body(ctx, ExplainBody.class);
    if (b.subject() == null || b.action() == null || b.resource() == null) {
      throw new PolicyException(PolicyException.Kind.INVALID, "authz.request_invalid",
          "expected fields 'subject', 'action' and 'resource'");
    }
    Explanation e = decisions.explain(b.subject(), b.action(), b.resource(),
        b.context() == null ? Map.of() : b.context());
    ctx.json(explanation(b.subject(), e));
  }

  static Map<String, Object> explanation(String subject, Explanation e) {
    Map<String, Object> out = decision(subject, e.decision());
    out.put("verdicts", e.verdicts().stream().map(v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("grant", v.grantId());
      m.put("effect", v.effect().word());
      m.put("applies", v.applies());
      m.put("why", v.why());
      m.put("location", v.location() == null ? null : v.location().toString());
      return m;
    }).toList());
    out.put("unrelatedGrants", e.unrelatedGrants());
    return out;
  }

  private void unused(Context ctx) {
    String since = ctx.queryParam("since");
    ctx.json(decisions.unused(since(since == null ? "30d" : since)));
  }

  /** {@code 30d}, {@code 12h}, {@code 90m}, or an RFC 3339 instant. */
  Instant since(String text) {
    Matcher m = SINCE.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofMinutes(n);
      };
      return clock.instant().minus(d);
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new PolicyException(PolicyException.Kind.INVALID, "authz.since_invalid",
          "expected 'since' as 30d, 12h, 90m or an RFC 3339 instant, got '"
              + FreeText.printable(text) + "'");
    }
  }

  /** Runs {@code h}, turning a {@link PolicyException} into its problem. */
  static Handler guarded(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (PolicyException e) {
        throw problem(e);
      }
    };
  }

  static ApiProblem problem(PolicyException e) {
    String title = switch (e.kind()) {
      case INVALID -> "Bad request";
      case UNAUTHENTICATED -> "Unauthorized";
      case FORBIDDEN -> "Forbidden";
      case CONFLICT -> "Conflict";
      case UNPROCESSABLE -> "Unprocessable content";
    };
    Map<String, Object> ext = new LinkedHashMap<>();
    if (!e.diagnostics().isEmpty()) {
      ext.put("errors", diagnostics(e.diagnostics(), Diagnostic.Severity.ERROR));
      ext.put("warnings", diagnostics(e.diagnostics(), Diagnostic.Severity.WARNING));
    }
    return new ApiProblem(e.kind().status(), e.code(), title, e.detail(), ext);
  }
}
