package dev.imprint.server.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.auth.IssuedToken;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.store.Database;
import dev.imprint.server.svid.SvidIssuer;
import dev.imprint.server.svid.SvidRequest;
import dev.imprint.server.svid.SvidRoutes;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes over HTTP: the admission webhooks ({@code /v1/admission/validate} and
 * {@code /mutate}, for the API server's admission token and admins), clusters and their
 * service-account bindings ({@code /v1/clusters}, admin; auditors read), tag resolution for
 * {@code imprint pin} ({@code /v1/images/resolve}) and pod attestation ({@code /v1/attest/k8s},
 * authenticated by the pod's projected service-account token). Only translates: the services
 * decide.
 */
public final class KubernetesRoutes implements ApiModule {
  /** Body of {@code POST /v1/clusters}: exactly one of {@code jwks} and {@code jwksUrl}. */
  public record ClusterRequest(String name, String issuer, JsonNode jwks, String jwksUrl) {}

  /** Body of {@code PATCH /v1/clusters/{name}}: what to change. */
  public record ClusterChange(String issuer, JsonNode jwks, String jwksUrl) {}

  /** Body of {@code POST /v1/clusters/{name}/admission-tokens}. */
  public record TokenRequest(String description) {}

  /** Body of {@code POST /v1/clusters/{name}/bindings}. */
  public record BindingRequest(String identity, String namespace, String serviceAccount) {}

  /** Body of {@code POST /v1/images/resolve}. */
  public record ResolveRequest(List<String> references) {}

  /**
   * Body of {@code POST /v1/attest/k8s}: the pod's projected service-account token, optionally
   * the cluster and the identity, and the SVIDs asked for as for any attestation.
   */
  public record AttestRequest(String token, String cluster, String identity, String audience,
      @JsonProperty("jwt_ttl") String jwtTtl, String csr,
      @JsonProperty("x509_ttl") String x509Ttl) {}

  /** Most references one resolve call takes. */
  static final int MAX_REFERENCES = 1000;

  private final Database db;
  private final ClusterService clusters;
  private final AdmissionService admission;
  private final KubernetesAttestor attestor;
  private final SvidIssuer issuer;
  private final long maxReviewBytes;
  private final Idempotent idempotent;

  /**
   * {@code serverMaxBody} is the server-wide body limit; a review carries the object and, on
   * UPDATE, the old one (each up to the API server's own 3 MiB request limit), so the webhooks
   * accept 8 times as much.
   */
  public KubernetesRoutes(Database db, ClusterService clusters, AdmissionService admission,
      KubernetesAttestor attestor, SvidIssuer issuer, long serverMaxBody,
      Idempotent idempotent) {
    this.db = db;
    this.idempotent = idempotent;
    this.clusters = clusters;
    this.admission = admission;
    this.attestor = attestor;
    this.issuer = issuer;
    this.maxReviewBytes = serverMaxBody * 8;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/admission/validate", guard(this::validate), Role.ADMISSION, Role.ADMIN);
    api.post("/v1/admission/mutate", guard(this::mutate), Role.ADMISSION, Role.ADMIN);
    api.post("/v1/clusters", guard(this::add), Role.ADMIN);
    api.get("/v1/clusters", guard(this::list), Role.ADMIN, Role.AUDITOR);
    api.get("/v1/clusters/{name}", guard(this::show), Role.ADMIN, Role.AUDITOR);
    api.patch("/v1/clusters/{name}", guard(this::update), Role.ADMIN);
    api.post("/v1/clusters/{name}/admission-tokens", guard(this::token), Role.ADMIN);
    api.post("/v1/clusters/{name}/bindings", guard(this::bind), Role.ADMIN);
    api.delete("/v1/clusters/{name}/bindings", guard(this::unbind), Role.ADMIN);
    api.post("/v1/images/resolve", guard(this::resolve), Role.ADMIN, Role.PIPELINE,
        Role.AUDITOR);
    // the projected service-account token is the credential: no API token
    api.publicPost("/v1/attest/k8s", guard(SvidRoutes.guarded(this::attest)));
  }

  @Override
  public String openApiFragment() {
    return "openapi/kubernetes.json";
  }

  private void validate(Context ctx) {
    JsonNode review = Json.body(ctx, JsonNode.class, maxReviewBytes);
    ctx.json(admission.validate(review, ApiServer.caller(ctx), ctx.queryParam("cluster")));
  }

  private void mutate(Context ctx) {
    ctx.json(admission.mutate(Json.body(ctx, JsonNode.class, maxReviewBytes)));
  }

  private void attest(Context ctx) {
    AttestRequest r = Json.body(ctx, AttestRequest.class);
    SvidRequest ask = new SvidRoutes.Ask(r.audience(), r.jwtTtl(), r.csr(), r.x509Ttl())
        .request();
    KubernetesAttestor.Attested a = attestor.attest(new KubernetesAttestor.Request(r.token(),
        r.cluster(), r.identity(), ask));
    Map<String, Object> body = new LinkedHashMap<>(issuer.describe(a.workload(), a.svids()));
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("cluster", a.cluster());
    pod.put("namespace", a.namespace());
    pod.put("pod", a.pod());
    pod.put("pod_uid", a.podUid());
    pod.put("service_account", a.serviceAccount());
    body.put("kubernetes", pod);
    ctx.json(body);
  }

  private void add(Context ctx) {
    ClusterRequest r = Json.body(ctx, ClusterRequest.class);
    String actor = ApiServer.caller(ctx).actor();
    idempotent.respond(ctx, r, Cluster.class, c -> Idempotent.answer(201,
        "/v1/clusters/" + c.name(), view(c, true)),
        () -> clusters.add(r.name(), r.issuer(), text(r.jwks()), r.jwksUrl(), actor));
  }

  private void update(Context ctx) {
    ClusterChange r = Json.body(ctx, ClusterChange.class);
    ctx.json(view(clusters.update(ctx.pathParam("name"), r.issuer(), text(r.jwks()),
        r.jwksUrl(), ApiServer.caller(ctx).actor()), true));
  }

  private void list(Context ctx) {
    ctx.json(Map.of("items", clusters.list().stream().map(c -> view(c, false)).toList()));
  }

  private void show(Context ctx) {
    ctx.json(view(clusters.get(ctx.pathParam("name")), true));
  }

  private void token(Context ctx) {
    TokenRequest r = Json.optionalBody(ctx, TokenRequest.class, new TokenRequest(null));
    if (r.description() != null) {
      FreeText.check(r.description(), "description", 200, "token.description_too_long",
          "token.description_invalid");
    }
    String name = ctx.pathParam("name");
    String actor = ApiServer.caller(ctx).actor();
    // the answer holds the token's secret, so a replay's stored copy is sealed (see Idempotent)
    idempotent.respond(ctx, r, IssuedToken.class, t -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", t.token().id());
      body.put("role", t.token().role().wire());
      body.put("description", t.token().description());
      body.put("createdAt", t.token().createdAt());
      body.put("createdBy", t.token().createdBy());
      body.put("cluster", name);
      body.put("token", t.secret());
      return Idempotent.answer(201, null, body);
    }, () -> clusters.admissionToken(name, r.description(), actor));
  }

  private void bind(Context ctx) {
    BindingRequest r = Json.body(ctx, BindingRequest.class);
    String name = ctx.pathParam("name");
    String actor = ApiServer.caller(ctx).actor();
    idempotent.respond(ctx, r, ClusterService.Binding.class, b -> Idempotent.answer(201, null,
        binding(b)), () -> clusters.bind(name, r.identity(), r.namespace(), r.serviceAccount(),
        actor));
  }

  private void unbind(Context ctx) {
    if (!clusters.unbind(ctx.pathParam("name"), ctx.queryParam("identity"),
        ctx.queryParam("namespace"), ctx.queryParam("serviceAccount"),
        ApiServer.caller(ctx).actor())) {
      throw KubernetesException.notFound("cluster.binding_not_found", "no such binding in"
          + " cluster '" + ContainerImage.shorten(ctx.pathParam("name")) + "'");
    }
    ctx.status(204);
  }

  private void resolve(Context ctx) {
    ResolveRequest r = Json.body(ctx, ResolveRequest.class);
    List<String> refs = r.references();
    if (refs == null || refs.isEmpty() || refs.size() > MAX_REFERENCES
        || refs.stream().anyMatch(java.util.Objects::isNull)) {
      throw ApiProblem.badRequest("image_ref.references_invalid", "expected 'references', a"
          + " list of 1 to " + MAX_REFERENCES + " image references, got "
          + (refs == null ? "none" : refs.size() + " entries"));
    }
    List<Map<String, Object>> items = db.read(c -> {
      List<Map<String, Object>> out = new java.util.ArrayList<>();
      for (String ref : refs) {
        out.add(resolution(TagResolver.resolve(c, ref)));
      }
      return out;
    });
    ctx.json(Map.of("items", items));
  }

  private static Map<String, Object> resolution(TagResolver.Resolution r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reference", r.reference());
    if (r.parsed() != null) {
      m.put("repository", r.parsed().repository());
      m.put("tag", r.parsed().ref().tag());
      m.put("pinned", r.parsed().pinned());
    }
    if (r.resolved()) {
      m.put("digest", r.image() == null ? r.parsed().digest() : r.image().digest());
      m.put("status", r.image() == null ? null : r.image().status().wire());
      m.put("identity", r.image() == null ? null : r.image().spiffeId());
    } else {
      m.put("error", Map.of("code", r.code(), "detail", r.detail()));
    }
    return m;
  }

  private Map<String, Object> view(Cluster c, boolean detailed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("issuer", c.issuer());
    m.put("jwksUrl", c.jwksUrl());
    m.put("keyIds", clusters.keyIds(c));
    m.put("createdAt", c.createdAt());
    m.put("createdBy", c.createdBy());
    m.put("updatedAt", c.updatedAt());
    if (detailed) {
      m.put("bindings", clusters.bindings(c.name()).stream().map(KubernetesRoutes::binding)
          .toList());
    }
    return m;
  }

  private static Map<String, Object> binding(ClusterService.Binding b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", b.cluster());
    m.put("identity", b.identity());
    m.put("namespace", b.namespace());
    m.put("serviceAccount", b.serviceAccount());
    m.put("createdAt", b.createdAt());
    m.put("createdBy", b.createdBy());
    return m;
  }

  private static String text(JsonNode jwks) {
    if (jwks == null || jwks.isNull()) {
      return null;
    }
    if (!jwks.isObject()) {
      throw ApiProblem.badRequest("cluster.jwks_invalid", "expected 'jwks' to be a JWKS object"
          + " ({\"keys\": [...]}), got " + jwks.getNodeType().name().toLowerCase(
              java.util.Locale.ROOT));
    }
    return jwks.toString();
  }

  /** Runs a handler and turns the capability's refusals into problems. */
  static Handler guard(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (KubernetesException e) {
        throw problem(e);
      }
    };
  }

  static ApiProblem problem(KubernetesException e) {
    return switch (e.kind()) {
      case INVALID -> ApiProblem.badRequest(e.code(), e.detail());
      case UNAUTHENTICATED -> new ApiProblem(401, e.code(), "Unauthorized", e.detail());
      case FORBIDDEN -> new ApiProblem(403, e.code(), "Forbidden", e.detail());
      case NOT_FOUND -> ApiProblem.notFound(e.code(), e.detail());
      case CONFLICT -> ApiProblem.conflict(e.code(), e.detail());
      case UNPROCESSABLE -> new ApiProblem(422, e.code(), "Unprocessable content", e.detail());
      case UNAVAILABLE -> new ApiProblem(503, e.code(), "Service unavailable", e.detail());
    };
  }
}
