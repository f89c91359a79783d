package dev.imprint.server.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.http.Shape;
import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.identity.IdentityRoutes;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/images}: pipelines (and admins) register images; admins approve, reject, deploy,
 * retire and roll back; auditors and pipelines read. {@code {digest}} is {@code sha256:<hex>}.
 * A registration carries scan reports, so it alone accepts bodies up to 16 times the
 * server-wide limit.
 */
public final class ImageRoutes implements ApiModule {
  /** Body of {@code POST /v1/images}. */
  public record RegisterRequest(String repository, String tag, String digest, String identity,
      Image.Provenance provenance,
      @JsonDeserialize(using = ScanReportTree.class) JsonNode scanReport,
      @JsonDeserialize(using = VulnerabilityReportTree.class) JsonNode vulnerabilityReport) {}

  /**
   * What {@link ReportReader} reads of a scan report, Imprint JSON or SARIF 2.1.0: severities
   * and who made the report; everything else (messages, locations, rule help, ...) is skipped
   * as it streams by.
   */
  static final Shape SCAN_REPORT = scanReportShape();

  private static Shape scanReportShape() {
    Shape rule = Shape.object().scalars("id")
        .field("properties", Shape.object().scalars("security-severity"))
        .field("defaultConfiguration", Shape.object().scalars("level"));
    Shape tool = Shape.object().field("driver", Shape.object()
        .scalars("name", "semanticVersion", "version")
        .field("rules", Shape.array(rule)));
    Shape run = Shape.object().field("tool", tool)
        .field("versionControlProvenance", Shape.array(Shape.object().scalars("revisionId")))
        .field("results", Shape.array(Shape.object().scalars("ruleIndex", "ruleId", "level")));
    return Shape.object().scalars("schemaVersion", "version")
        .field("tool", Shape.object().scalars("name", "version"))
        .field("summary", Shape.object().scalars("filesScanned"))
        .field("findings", Shape.array(Shape.object().scalars("severity")))
        .field("runs", Shape.array(run))
        .namingOthers(8);
  }

  /** What {@link ReportReader} reads of a Trivy or Grype report, and who made it, of what. */
  static final Shape VULNERABILITY_REPORT = Shape.object()
      .scalars("ArtifactName")
      .field("Metadata", Shape.object().field("RepoDigests", Shape.array(Shape.scalar())))
      .field("Trivy", Shape.object().scalars("Version"))
      .field("Results", Shape.array(Shape.object().field("Vulnerabilities",
          Shape.array(Shape.object().scalars("Severity")))))
      .field("source", Shape.object().field("target", Shape.object()
          .scalars("userInput", "manifestDigest")
          .field("repoDigests", Shape.array(Shape.scalar()))))
      .field("descriptor", Shape.object().scalars("name", "version"))
      .field("matches", Shape.array(Shape.object().field("vulnerability",
          Shape.object().scalars("severity"))))
      .namingOthers(8);

  /** Reads {@code scanReport} through {@link #SCAN_REPORT}. */
  static final class ScanReportTree extends Shape.Tree {
    private static final long serialVersionUID = 1L;

    ScanReportTree() {
      super(SCAN_REPORT, "scanReport");
    }
  }

  /** Reads {@code vulnerabilityReport} through {@link #VULNERABILITY_REPORT}. */
  static final class VulnerabilityReportTree extends Shape.Tree {
    private static final long serialVersionUID = 1L;

    VulnerabilityReportTree() {
      super(VULNERABILITY_REPORT, "vulnerabilityReport");
    }
  }

  /** Body of {@code POST /v1/images/{digest}/approve}. */
  public record ApproveRequest(String reason, Boolean force) {}

  /** Body of the other moves. */
  public record ReasonRequest(String reason) {}

  private final ImageService images;
  private final long maxRegistrationBytes;

  private final Idempotent idempotent;

  /**
   * {@code serverMaxBody} is the server-wide body limit; registrations may be {@link
   * ApiServer#DOCUMENT_BODY_FACTOR} times larger.
   */
  public ImageRoutes(ImageService images, long serverMaxBody, Idempotent idempotent) {
    this.images = images;
    this.maxRegistrationBytes = serverMaxBody * ApiServer.DOCUMENT_BODY_FACTOR;
    this.idempotent = idempotent;
  }

  @Override
  public void routes(Api api) {
    api.post("/v1/images", this::register, Role.PIPELINE, Role.ADMIN);
    api.get("/v1/images", this::list, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
    api.get("/v1/images/{digest}", this::show, Role.ADMIN, Role.AUDITOR, Role.PIPELINE);
    api.post("/v1/images/{digest}/approve", this::approve, Role.ADMIN);
    api.post("/v1/images/{digest}/reject", ctx -> move(ctx, "reject"), Role.ADMIN);
    api.post("/v1/images/{digest}/deploy", ctx -> move(ctx, "deploy"), Role.ADMIN);
    api.post("/v1/images/{digest}/retire", ctx -> move(ctx, "retire"), Role.ADMIN);
    api.post("/v1/images/{digest}/rollback", this::rollback, Role.ADMIN);
    api.get("/v1/image-policy", ctx -> ctx.json(images.policy().describe()), Role.ADMIN,
        Role.AUDITOR, Role.PIPELINE);
  }

  @Override
  public String openApiFragment() {
    return "openapi/images.json";
  }

  private void register(Context ctx) {
    RegisterRequest r = Json.body(ctx, RegisterRequest.class, maxRegistrationBytes);
    Caller caller = ApiServer.caller(ctx);
    idempotent.respond(ctx, r, ImageService.Registered.class, reg -> {
      Map<String, Object> body = view(reg.image());
      body.put("created", reg.created());
      return Idempotent.answer(reg.created() ? 201 : 200, "/v1/images/" + reg.image().digest(),
          body);
    }, () -> images.register(new ImageService.Registration(r.repository(), r.tag(), r.digest(),
        r.identity(), r.provenance(), r.scanReport(), r.vulnerabilityReport()), caller));
  }

  private void list(Context ctx) {
    String status = ctx.queryParam("status");
    ImageService.Page page = images.list(new ImageService.Filter(ctx.queryParam("identity"),
        ctx.queryParam("repository"), status == null ? null : Image.Status.parse(status)),
        ctx.queryParam("cursor"), IdentityRoutes.limit(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(this::view).toList());
    body.put("next", page.next());
    ctx.json(body);
  }

  private void show(Context ctx) {
    Image img = images.get(ctx.pathParam("digest"));
    Map<String, Object> body = view(img);
    body.put("history", images.history(img.digest()).stream().map(ImageRoutes::event).toList());
    ctx.json(body);
  }

  private void approve(Context ctx) {
    ApproveRequest r = Json.optionalBody(ctx, ApproveRequest.class,
        new ApproveRequest(null, null));
    ctx.json(view(images.approve(ctx.pathParam("digest"), r.reason(),
        Boolean.TRUE.equals(r.force()), ApiServer.caller(ctx).actor())));
  }

  private void move(Context ctx, String what) {
    ReasonRequest r = reason(ctx);
    String d = ctx.pathParam("digest");
    String actor = ApiServer.caller(ctx).actor();
    Image after = switch (what) {
      case "reject" -> images.reject(d, r.reason(), actor);
      case "deploy" -> images.deploy(d, r.reason(), actor);
      default -> images.retire(d, r.reason(), actor);
    };
    ctx.json(view(after));
  }

  private void rollback(Context ctx) {
    ImageService.Rollback rb = images.rollback(ctx.pathParam("digest"), reason(ctx).reason(),
        ApiServer.caller(ctx).actor());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("retired", view(rb.retired()));
    body.put("deployed", view(rb.deployed()));
    ctx.json(body);
  }

  private static ReasonRequest reason(Context ctx) {
    return Json.optionalBody(ctx, ReasonRequest.class, new ReasonRequest(null));
  }

  /** The JSON view of an image, with the current policy verdict. */
  Map<String, Object> view(Image i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("digest", i.digest());
    m.put("repository", i.repository());
    m.put("tag", i.tag());
    m.put("identity", i.spiffeId());
    m.put("identityId", i.identityId());
    m.put("status", i.status().wire());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("sourceRepository", i.provenance().sourceRepository());
    p.put("commit", i.provenance().commit());
    p.put("pipelineRun", i.provenance().pipelineRun());
    p.put("builder", i.provenance().builder());
    m.put("provenance", p);
    m.put("scan", i.scan());
    m.put("vulnerabilities", i.vulnerabilities());
    m.put("suppliers", i.suppliers());
    List<String> violations = images.policy().evaluate(i);
    m.put("policy", Map.of("passes", violations.isEmpty(), "violations", violations));
    m.put("registeredAt", i.registeredAt());
    m.put("registeredBy", i.registeredBy());
    m.put("updatedAt", i.updatedAt());
    m.put("deployedAt", i.deployedAt());
    return m;
  }

  private static Map<String, Object> event(ImageService.Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("from", e.from());
    m.put("to", e.to());
    m.put("action", e.action());
    m.put("actor", e.actor());
    m.put("reason", e.reason());
    m.put("at", e.at());
    return m;
  }
}
