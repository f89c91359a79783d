package dev.imprint.server.keys;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.Idempotent;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/keys} (admin, auditor) and {@code POST /v1/keys/rotate} (admin). */
public final class KeyRoutes implements ApiModule {
  /** Body of {@code POST /v1/keys/rotate}; {@code activate_in} such as {@code 10m}. */
  public record RotateRequest(@JsonProperty("activate_in") String activateIn) {}

  private final KeyRing keys;
  private final Duration defaultActivation;
  private final Idempotent idempotent;

  /**
   * Routes whose rotations activate after {@code defaultActivation} unless asked otherwise; a
   * rotation honours an Idempotency-Key through {@code idempotent}.
   */
  public KeyRoutes(KeyRing keys, Duration defaultActivation, Idempotent idempotent) {
    this.keys = keys;
    this.defaultActivation = defaultActivation;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.get("/v1/keys", this::list, Role.ADMIN, Role.AUDITOR);
    api.post("/v1/keys/rotate", this::rotate, Role.ADMIN);
  }

  @Override
  public String openApiFragment() {
    return "openapi/keys.json";
  }

  private void list(Context ctx) {
    Instant now = keys.now();
    List<SigningKey> all = keys.all();
    List<Map<String, Object>> items = new ArrayList<>();
    for (SigningKey k : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kid", k.kid());
      m.put("use", k.purpose().use());
      m.put("algorithm", k.purpose().algorithm());
      m.put("status", status(k, all, now));
      m.put("created_at", k.createdAt().toString());
      m.put("activates_at", k.activatesAt().toString());
      m.put("not_after", k.notAfter().toString());
      m.put("created_by", k.createdBy());
      items.add(m);
    }
    ctx.json(Map.of("items", items, "sequence", keys.sequence()));
  }

  /** active (signs now), prepared (published, not yet signing), retired (published), expired. */
  static String status(SigningKey k, List<SigningKey> all, Instant now) {
    if (!k.notAfter().isAfter(now)) {
      return "expired";
    }
    if (k.activatesAt().isAfter(now)) {
      return "prepared";
    }
    boolean superseded = all.stream().anyMatch(o -> o.purpose() == k.purpose() && o != k
        && !o.activatesAt().isAfter(now) && o.notAfter().isAfter(now)
        && o.activatesAt().isAfter(k.activatesAt()));
    return superseded ? "retired" : "active";
  }

  /**
   * A rotation creates keys, so it honours an Idempotency-Key: a retry of one that landed gets
   * its answer instead of rotating again.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void rotate(Context ctx) {
    RotateRequest req = Json.optionalBody(ctx, RotateRequest.class, new RotateRequest(null));
    Duration in = req.activateIn() == null ? defaultActivation : duration(req.activateIn());
    String actor = ApiServer.caller(ctx).actor();
    idempotent.respond(ctx, req, List.class,
        done -> Idempotent.answer(200, null, Map.of("rotations", view(done))), () -> {
          try {
            return keys.rotate(in, actor);
          } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(in.compareTo(KeyRing.PROPAGATION) < 0
                ? "keys.activation_too_soon" : "keys.activation_too_late", e.getMessage());
          }
        });
  }

  private static List<Map<String, Object>> view(List<KeyRing.Rotation> done) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (KeyRing.Rotation r : done) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("use", r.purpose().use());
      m.put("algorithm", r.purpose().algorithm());
      m.put("kid", r.kid());
      m.put("previous_kid", r.previousKid());
      m.put("activates_at", r.activatesAt().toString());
      m.put("not_after", r.notAfter().toString());
      out.add(m);
    }
    return out;
  }

  private static Duration duration(String text) {
    try {
      return Ttl.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("keys.activate_in_invalid", "field 'activate_in': "
          + e.getMessage());
    }
  }

}
