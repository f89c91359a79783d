package dev.imprint.server.finding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
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
  public record UploadRequest(String repository, String commit, JsonNode report,
      JsonNode inventory, Boolean replace, String reason) {}

  private final FindingService findings;
  private final long maxBodyBytes;

  /** {@code serverMaxBody} is the server-wide body limit; uploads may be 16 times larger. */
  public FindingRoutes(FindingService findings, long serverMaxBody) {
    this.findings = findings;
    this.maxBodyBytes = serverMaxBody * 16;
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
    FindingService.Uploaded up = findings.upload(r.repository(), r.commit(), r.report(),
        r.inventory(), new FindingService.Replacement(Boolean.TRUE.equals(r.replace()),
            r.reason()), ApiServer.caller(ctx));
    Map<String, Object> body = report(up.report());
    boolean withInventory = r.inventory() != null && !r.inventory().isNull();
    body.put("identities", withInventory ? r.inventory().path("identities").size() : null);
    body.put("created", up.created());
    body.put("replaced", up.replaced());
    ctx.status(up.created() ? 201 : 200).json(body);
  }

  private void show(Context ctx) {
    String repo = ctx.queryParam("repository");
    String commit = ctx.queryParam("commit");
    FindingService.Report r = findings.report(repo, commit).orElseThrow(() ->
        ApiProblem.notFound("finding.not_found", "no findings uploaded for repository '" + repo
            + "'" + (commit == null ? "" : " at commit " + commit)));
    Map<String, Object> body = report(r);
    body.put("findings", findings.findings(r.repository(), r.commit()));
    ctx.json(body);
  }

  private void summary(Context ctx) {
    String limit = ctx.queryParam("limit");
    int n;
    try {
      n = limit == null ? 50 : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("request.limit_invalid", "expected limit from 1 to 200, got '"
          + limit + "'");
    }
    FindingService.SummaryPage page = findings.summary(ctx.queryParam("repository"),
        ctx.queryParam("cursor"), n);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(s -> {
      Map<String, Object> m = report(s.latest());
      m.put("commits", s.commits());
      return m;
    }).toList());
    body.put("next", page.next());
    ctx.json(body);
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
