package dev.imprint.server.identity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code /v1/identities}: admins create, change, disable, enable and offboard identities;
 * admins, auditors and pipelines read them. {@code {id}} is the short id (16 hex digits of
 * SHA-256 of the SPIFFE ID), which clients can compute themselves.
 */
public final class IdentityRoutes implements ApiModule {
  /** Body of {@code POST /v1/identities}. */
  public record CreateRequest(String spiffeId, String kind, String owner, String environment,
      String description,
      @JsonDeserialize(using = LabelsReader.class) Map<String, String> labels,
      List<String> repositories) {}

  /** Body of {@code PATCH /v1/identities/{id}}; absent fields stay unchanged. */
  public record UpdateRequest(String owner, String environment, String description,
      @JsonDeserialize(using = LabelsReader.class) Map<String, String> labels,
      List<String> repositories) {}

  /**
   * Reads {@code labels} and stops at the label past {@link IdentityService#MAX_LABELS}
   * ({@code identity.labels_too_many}), so a body of a million labels is never built.
   */
  static final class LabelsReader extends StdDeserializer<Map<String, String>> {
    private static final long serialVersionUID = 1L;

    LabelsReader() {
      super(Map.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      if (!p.hasToken(JsonToken.START_OBJECT)) {
        return (Map<String, String>) ctxt.handleUnexpectedToken(Map.class, p);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
        if (labels.size() == IdentityService.MAX_LABELS) {
          throw ApiProblem.badRequest("identity.labels_too_many", "expected at most "
              + IdentityService.MAX_LABELS + " labels, got " + (IdentityService.MAX_LABELS + 1)
              + " or more");
        }
        p.nextToken();
        if (p.hasToken(JsonToken.VALUE_NULL)) {
          throw ApiProblem.badRequest("request.invalid_field", "field 'labels."
              + FreeText.printable(key) + "' is null; expected a value");
        }
        labels.put(key, ctxt.readValue(p, String.class));
      }
      return labels;
    }
  }

  /** Optional body of the status moves. */
  public record ReasonRequest(String reason) {}

  private final IdentityService identities;
  private final Function<String, Instant> pendingLastSeen;

  private final Idempotent idempotent;

  /**
   * Routes over {@code identities}; {@code pendingLastSeen} gives, by identity id, a use of a
   * bound token not yet written to the store (or null), so "last seen" is current at once.
   * Creations honour an Idempotency-Key through {@code idempotent}.
   */
  public IdentityRoutes(IdentityService identities, Function<String, Instant> pendingLastSeen,
      Idempotent idempotent) {
    this.identities = identities;
    this.pendingLastSeen = pendingLastSeen;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/identities", this::create, Role.ADMIN);
    api.get("/v1/identities", this::list, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
    api.get("/v1/identities/{id}", this::show, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
    api.patch("/v1/identities/{id}", this::update, Role.ADMIN);
    api.post("/v1/identities/{id}/disable", ctx -> move(ctx, "disable"), Role.ADMIN);
    api.post("/v1/identities/{id}/enable", ctx -> move(ctx, "enable"), Role.ADMIN);
    api.post("/v1/identities/{id}/offboard", ctx -> move(ctx, "offboard"), Role.ADMIN);
  }

  @Override
  public String openApiFragment() {
    return "openapi/identities.json";
  }

  private void create(Context ctx) {
    CreateRequest r = Json.body(ctx, CreateRequest.class);
    String actor = ApiServer.caller(ctx).actor();
    idempotent.respond(ctx, r, Identity.class, created -> Idempotent.answer(201,
        "/v1/identities/" + created.id(), view(created)),
        () -> identities.create(new IdentityService.NewIdentity(r.spiffeId(), r.kind(),
            r.owner(), r.environment(), r.description(), r.labels(), r.repositories()), actor));
  }

  private void list(Context ctx) {
    String kind = ctx.queryParam("kind");
    String status = ctx.queryParam("status");
    IdentityService.Filter f = new IdentityService.Filter(
        kind == null ? null : Identity.Kind.parse(kind), ctx.queryParam("owner"),
        ctx.queryParam("env"), status == null ? null : Identity.Status.parse(status),
        ctx.queryParams("label"));
    IdentityService.Page page = identities.list(f, ctx.queryParam("cursor"), limit(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(this::current).toList());
    body.put("next", page.next());
    ctx.json(body);
  }

  private void show(Context ctx) {
    ctx.json(current(identities.get(ctx.pathParam("id"))));
  }

  private void update(Context ctx) {
    UpdateRequest r = Json.body(ctx, UpdateRequest.class);
    ctx.json(current(identities.update(ctx.pathParam("id"), new IdentityService.Changes(r.owner(),
        r.environment(), r.description(), r.labels(), r.repositories()),
        ApiServer.caller(ctx).actor())));
  }

  private void move(Context ctx, String what) {
    ReasonRequest r = Json.optionalBody(ctx, ReasonRequest.class, new ReasonRequest(null));
    String id = ctx.pathParam("id");
    String actor = ApiServer.caller(ctx).actor();
    Identity after = switch (what) {
      case "disable" -> identities.disable(id, r.reason(), actor);
      case "enable" -> identities.enable(id, r.reason(), actor);
      default -> identities.offboard(id, r.reason(), actor);
    };
    ctx.json(current(after));
  }

  /** The {@code limit} query parameter: 50 by default, at most 200. */
  public static int limit(Context ctx) {
    String s = ctx.queryParam("limit");
    if (s == null) {
      return 50;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + IdentityService.MAX_LIMIT + ", got '" + FreeText.printable(s) + "'");
    }
  }

  /** The JSON view with the latest last-seen time this server knows. */
  private Map<String, Object> current(Identity i) {
    Map<String, Object> m = view(i);
    Instant pending = pendingLastSeen.apply(i.id());
    if (pending != null && (i.lastSeenAt() == null || pending.isAfter(i.lastSeenAt()))) {
      m.put("lastSeenAt", pending);
    }
    return m;
  }

  /** The JSON view of an identity. */
  public static Map<String, Object> view(Identity i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("spiffeId", i.spiffeId());
    m.put("kind", i.kind().wire());
    m.put("owner", i.owner());
    m.put("environment", i.environment());
    m.put("description", i.description());
    m.put("labels", new TreeMap<>(i.labels()));
    m.put("repositories", i.repositories());
    m.put("status", i.status().wire());
    m.put("createdAt", i.createdAt());
    m.put("updatedAt", i.updatedAt());
    m.put("lastSeenAt", i.lastSeenAt());
    return m;
  }
}
