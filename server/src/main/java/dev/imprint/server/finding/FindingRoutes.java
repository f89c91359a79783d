package dev.imprint.server.finding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.http.Shape;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/findings}: pipelines and admins upload Imprint JSON reports (this route alone
 * accepts bodies up to 16 times the server-wide limit); admins, auditors and pipelines read them.
 */
public final class FindingRoutes implements ApiModule {
  /**
   * Body of {@code POST /v1/findings}; {@code inventory} is optional (older clients omit it),
   * {@code replace} and {@code reason} ask an admin's replacement of stored findings.
   */
  public record UploadRequest(String repository, String commit,
      @JsonDeserialize(using = ReportTree.class) JsonNode report,
      @JsonDeserialize(using = InventoryTree.class) JsonNode inventory, Boolean replace,
      String reason) {}

  /** What {@link FindingService} reads of a report; the rest is skipped as it streams by. */
  static final Shape REPORT = Shape.object().scalars("schemaVersion")
      .field("tool", Shape.object().scalars("version"))
      .field("findings", Shape.array(Shape.object()
          .scalars("ruleId", "title", "severity", "category", "path", "line", "column",
              "message", "fingerprint")
          .field("secret", Shape.object().scalars("redacted", "fingerprint")),
          FindingService.MAX_FINDINGS, "finding.report_too_large"));

  /** What {@link UploadedInventory} reads of an inventory; its top level admits no other field. */
  static final Shape INVENTORY = inventoryShape();

  private static Shape inventoryShape() {
    Shape location = Shape.object().scalars("path", "line");
    Shape list = Shape.array(Shape.scalar(), UploadedInventory.MAX_LIST, "inventory.too_large");
    Shape identity = Shape.object().scalars("id", "kind", "name", "access", "credential")
        .field("location", location).field("permissions", list).field("trustedBy", list)
        .field("usedBy", list).field("flags", list).field("details", list);
    Shape link = Shape.object().scalars("kind", "from", "to", "reason")
        .field("fromLocation", location).field("toLocation", location);
    return Shape.object().scalars("schemaVersion", "summary")
        .field("identities", Shape.array(identity, UploadedInventory.MAX_IDENTITIES,
            "inventory.too_large"))
        .field("links", Shape.array(link, UploadedInventory.MAX_LINKS, "inventory.too_large"))
        .closed();
  }

  /** Reads {@code report} through {@link #REPORT}. */
  static final class ReportTree extends Shape.Tree {
    private static final long serialVersionUID = 1L;

    ReportTree() {
      super(REPORT, "report");
    }
  }

  /** Reads {@code inventory} through {@link #INVENTORY}. */
  static final class InventoryTree extends Shape.Tree {
    private static final long serialVersionUID = 1L;

    InventoryTree() {
      super(INVENTORY, "inventory");
    }
  }

  private final FindingService findings;
  private final long maxBodyBytes;

  private final Idempotent idempotent;

  /**
   * {@code serverMaxBody} is the server-wide body limit; uploads may be {@link
   * ApiServer#DOCUMENT_BODY_FACTOR} times larger.
   */
  public FindingRoutes(FindingService findings, long serverMaxBody, Idempotent idempotent) {
    this.findings = findings;
    this.maxBodyBytes = serverMaxBody * ApiServer.DOCUMENT_BODY_FACTOR;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/findings", this::upload, Role.PIPELINE, Role.ADMIN);
    api.get("/v1/findings", this::show, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
    api.get("/v1/findings/summary", this::summary, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
  }

  @Override
  public String openApiFragment() {
    return "openapi/findings.json";
  }

  private void upload(Context ctx) {
    UploadRequest r = Json.body(ctx, UploadRequest.class, maxBodyBytes);
    Caller caller = ApiServer.caller(ctx);
    boolean withInventory = r.inventory() != null && !r.inventory().isNull();
    idempotent.respond(ctx, r, FindingService.Uploaded.class, up -> {
      Map<String, Object> body = report(up.report());
      body.put("identities", withInventory ? r.inventory().path("identities").size() : null);
      body.put("created", up.created());
      body.put("replaced", up.replaced());
      return Idempotent.answer(up.created() ? 201 : 200, null, body);
    }, () -> findings.upload(r.repository(), r.commit(), r.report(), r.inventory(),
        new FindingService.Replacement(Boolean.TRUE.equals(r.replace()), r.reason()), caller));
  }

  private void show(Context ctx) {
    String repo = ctx.queryParam("repository");
    String commit = ctx.queryParam("commit");
    FindingService.FindingPage page = findings.page(repo, commit, ctx.queryParam("cursor"),
        limit(ctx.queryParam("limit"), FindingService.MAX_PAGE)).orElseThrow(() ->
            ApiProblem.notFound("finding.not_found", "no findings uploaded for repository '"
                + FreeText.printable(repo) + "'" + (commit == null ? "" : " at commit "
                    + FreeText.printable(commit))));
    Map<String, Object> body = report(page.report());
    body.put("items", page.items());
    body.put("next", page.next());
    ctx.json(body);
  }

  private void summary(Context ctx) {
    FindingService.SummaryPage page = findings.summary(ctx.queryParam("repository"),
        ctx.queryParam("cursor"), limit(ctx.queryParam("limit"), 200));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(s -> {
      Map<String, Object> m = report(s.latest());
      m.put("commits", s.commits());
      return m;
    }).toList());
    body.put("next", page.next());
    ctx.json(body);
  }

  /** The {@code limit} query parameter: 50 by default. */
  private static int limit(String limit, int max) {
    try {
      return limit == null ? 50 : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to " + max
          + ", got '" + FreeText.printable(limit) + "'");
    }
  }

  private static Map<String, Object> report(FindingService.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("repository", r.repository());
    m.put("commit", r.commit());
    m.put("uploadedAt", r.uploadedAt());
    m.put("uploadedBy", r.uploadedBy());
    m.put("toolVersion", r.toolVersion());
    m.put("bySeverity", r.bySeverity());
    m.put("total", r.bySeverity().values().stream().mapToInt(Integer::intValue).sum());
    return m;
  }
}
