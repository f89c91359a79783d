package dev.imprint.server.finding;

import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/inventory}: the non-human identities of each repository's latest upload with the
 * counts of its findings that concern them and their links; admins, auditors and pipelines read
 * it (uploads go through {@code POST /v1/findings}).
 */
public final class InventoryRoutes implements ApiModule {
  private final InventoryService inventory;

  public InventoryRoutes(InventoryService inventory) {
    this.inventory = inventory;
  }

  @Override
  public void routes(Api api) {
    api.get("/v1/inventory", this::inventory, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
  }

  @Override
  public String openApiFragment() {
    return "openapi/inventory.json";
  }

  private void inventory(Context ctx) {
    InventoryService.Page page = inventory.list(ctx.queryParam("repository"),
        ctx.queryParam("kind"), ctx.queryParam("flag"), ctx.queryParam("cursor"),
        limit(ctx.queryParam("limit"), InventoryService.MAX_LIMIT));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(InventoryRoutes::entry).toList());
    body.put("next", page.next());
    ctx.json(body);
  }

  private static Map<String, Object> entry(InventoryService.Entry e) {
    UploadedInventory.Nhi n = e.nhi();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("repository", e.repository());
    m.put("commit", e.commit());
    m.put("uploadedAt", e.uploadedAt());
    m.put("id", n.id());
    m.put("kind", n.kind());
    m.put("name", n.name());
    m.put("location", place(n.path(), n.line()));
    m.put("access", n.access());
    m.put("permissions", n.permissions());
    m.put("credential", n.credential());
    m.put("trustedBy", n.trustedBy());
    m.put("usedBy", n.usedBy());
    m.put("flags", n.flags());
    m.put("details", n.details());
    Map<String, Object> counts = new LinkedHashMap<>(e.findings());
    counts.put("total", e.findings().values().stream().mapToInt(Integer::intValue).sum());
    m.put("findings", counts);
    m.put("links", e.links().stream().map(l -> {
      Map<String, Object> lm = new LinkedHashMap<>();
      lm.put("kind", l.kind());
      lm.put("from", l.from());
      lm.put("to", l.to());
      lm.put("fromLocation", place(l.fromPath(), l.fromLine()));
      lm.put("toLocation", place(l.toPath(), l.toLine()));
      lm.put("reason", l.reason());
      return lm;
    }).toList());
    return m;
  }

  private static Map<String, Object> place(String path, int line) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("line", line);
    return m;
  }

  private static int limit(String limit, int max) {
    try {
      return limit == null ? 50 : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to " + max
          + ", got '" + FreeText.printable(limit) + "'");
    }
  }
}
