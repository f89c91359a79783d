package dev.imprint.server.alert;

import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/alerts}: admins and auditors list and read alerts; admins acknowledge and resolve
 * them (audited). The HTTP layer only translates: {@link AlertException}s become problems.
 */
final class AlertRoutes implements ApiModule {
  /** Body of acknowledge and resolve: an optional note (why, what was done). */
  record NoteRequest(String note) {}

  private final AlertService alerts;

  AlertRoutes(AlertService alerts) {
    this.alerts = alerts;
  }

  @Override
  public void routes(Api api) {
    api.get("/v1/alerts", guarded(this::list), Role.ADMIN, Role.AUDITOR);
    api.get("/v1/alerts/{id}", guarded(this::show), Role.ADMIN, Role.AUDITOR);
    api.post("/v1/alerts/{id}/acknowledge", guarded(ctx -> change(ctx, false)), Role.ADMIN);
    api.post("/v1/alerts/{id}/resolve", guarded(ctx -> change(ctx, true)), Role.ADMIN);
  }

  @Override
  public String openApiFragment() {
    return "openapi/alerts.json";
  }

  private void list(Context ctx) {
    String s = ctx.queryParam("state");
    Optional<AlertState> state;
    try {
      state = s == null ? Optional.empty() : Optional.of(AlertState.parse(s));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("alert.state_invalid", "expected state open, acknowledged or"
          + " resolved, got '" + FreeText.printable(s) + "'");
    }
    AlertService.Page page = alerts.list(state, ctx.queryParam("cursor"), limit(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(AlertRoutes::view).toList());
    body.put("next", page.next());
    ctx.json(body);
  }

  private static int limit(Context ctx) {
    String s = ctx.queryParam("limit");
    try {
      return s == null ? 50 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to "
          + AlertService.MAX_PAGE + ", got '" + FreeText.printable(s) + "'");
    }
  }

  private void show(Context ctx) {
    String id = ctx.pathParam("id");
    ctx.json(view(alerts.find(id).orElseThrow(() -> ApiProblem.notFound("alert.not_found",
        "no alert with id '" + FreeText.printable(id) + "'"))));
  }

  private void change(Context ctx, boolean resolve) {
    NoteRequest r = Json.optionalBody(ctx, NoteRequest.class, new NoteRequest(null));
    String note = r.note() == null ? null : FreeText.check(r.note(), "note",
        AlertService.MAX_NOTE, "alert.note_too_long", "alert.note_invalid");
    String actor = ApiServer.caller(ctx).actor();
    String id = ctx.pathParam("id");
    ctx.json(view(resolve ? alerts.resolve(id, actor, note)
        : alerts.acknowledge(id, actor, note)));
  }

  /** The JSON view of an alert (the API, the webhook). */
  static Map<String, Object> view(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("rule", a.rule());
    m.put("severity", a.severity().wire());
    m.put("state", a.state().wire());
    m.put("subject", a.subject());
    m.put("summary", a.summary());
    m.put("evidence", a.evidence());
    m.put("link", a.link());
    m.put("raisedAt", a.raisedAt().toString());
    m.put("acknowledgedAt", a.acknowledgedAt() == null ? null : a.acknowledgedAt().toString());
    m.put("acknowledgedBy", a.acknowledgedBy());
    m.put("resolvedAt", a.resolvedAt() == null ? null : a.resolvedAt().toString());
    m.put("resolvedBy", a.resolvedBy());
    m.put("note", a.note());
    return m;
  }

  private static Handler guarded(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (AlertException e) {
        throw new ApiProblem(e.kind().status(), e.code(), switch (e.kind()) {
          case INVALID -> "Bad request";
          case NOT_FOUND -> "Not found";
          case CONFLICT -> "Conflict";
        }, e.detail());
      }
    };
  }
}
