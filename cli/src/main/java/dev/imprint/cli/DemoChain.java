package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.server.audit.AuditVerifier;
import dev.imprint.server.audit.VerifierKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The chain {@code imprint demo} walks through, one titled block a step with the commands a
 * user would type: the article's Dockerfile scanned and its rebuild found clean; the rebuild
 * registered by digest and approved, the article's image rejected by policy; a workload of it
 * attested and authorized through a grant; the image retired and its credentials refused; and
 * all of it in the audit log, verified offline with the pinned key.
 */
final class DemoChain {
  /** The image repository of the orders service, whose Dockerfiles are examples/database. */
  static final String REPOSITORY = "registry.example/orders/api";
  /** The source repository the orders service's CI uploads and registers for. */
  static final String SOURCE = "github.com/imprint-demo/orders";
  /** What the demo's grant lets the orders service read. */
  static final String RESOURCE = "db:postgres://orders-db/orders/public";
  /** The audience of the JWT-SVID the workload asks {@code /v1/authorize} with. */
  static final String AUDIENCE = "imprint:authorize";
  /** The audit actions the chain must leave in the verified log, in the order it makes them. */
  static final List<String> AUDITED = List.of("identity.created", "token.created",
      "findings.uploaded", "image.registered", "image.approved", "image.rejected",
      "join_token.created", "attestation.accepted", "svid.issued", "grants.applied",
      "authz.decided", "image.retired");

  private static final String INDENT = "   ";

  private final DemoEstate.Context ctx;
  private final PrintWriter out;
  private final String server;
  private final Runnable flushBatchedAudit;
  private final Path exportFile;

  /**
   * A chain against the demo's server.
   *
   * @param flushBatchedAudit writes the audit entries the server batches (decisions, issuance)
   *     now, so that the export holds them
   * @param exportFile where the audit export is written
   */
  DemoChain(DemoEstate.Context ctx, PrintWriter out, String server, Runnable flushBatchedAudit,
      Path exportFile) {
    this.ctx = ctx;
    this.out = out;
    this.server = server;
    this.flushBatchedAudit = flushBatchedAudit;
    this.exportFile = exportFile;
  }

  /** A step whose outcome is not the one the demo shows: the demo stops and says why. */
  static final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
      super(message);
    }
  }

  private String orders() {
    return "spiffe://" + ctx.trustDomain() + "/orders/api";
  }

  /** Runs the five steps, printing each; throws {@link DemoFailure} when one goes wrong. */
  void run() throws IOException {
    scan();
    Images images = registerAndApprove();
    Workload w = attestAndAuthorize(images.rebuilt());
    retire(images.rebuilt(), w);
    verifyAudit();
  }

  private record Images(String rebuilt, String article) {}

  private record Workload(ApiClient svid, String jwt, ApiClient pipeline) {}

  private void title(int n, String title) {
    out.println();
    out.println(n + ". " + title);
    out.flush();
  }

  private void command(String line) {
    out.println(INDENT + "$ " + line);
  }

  private void say(String line) {
    out.println(INDENT + "  " + line);
    out.flush();
  }

  // 1. The article's Dockerfile and its rebuild, scanned.
  private void scan() {
    title(1, "The article's Dockerfile, scanned: a critical finding; the rebuild, clean");
    Path before = ctx.examples().resolve("database/before");
    command("./imprint scan " + before);
    ScanReport report = Scanner.create(ScanSettings.defaults()).scan(List.of(before));
    List<Finding> critical = report.findings().stream()
        .filter(f -> f.severity() == Severity.CRITICAL).toList();
    if (critical.isEmpty()) {
      throw new DemoFailure("the article's Dockerfile in " + before
          + " has no critical finding");
    }
    for (Finding f : critical) {
      say("CRITICAL " + f.ruleId() + " " + f.location().path() + ":" + f.location().line()
          + "  " + f.rule().title());
      say("  " + f.message());
      if (f.secret() != null) {
        say("  value: " + f.secret().redacted() + " (redacted: Imprint never prints a secret)");
      }
      say("  fix: " + firstSentences(f.rule().remediation(), 2));
    }
    List<Finding> rest = report.findings().stream()
        .filter(f -> f.severity() != Severity.CRITICAL).toList();
    say("and " + rest.size() + " more (" + bySeverity(rest) + "): exit 1, findings at or above"
        + " high");
    Path after = ctx.examples().resolve("database/after");
    command("./imprint scan " + after);
    ScanReport rebuilt = Scanner.create(ScanSettings.defaults()).scan(List.of(after));
    if (!rebuilt.findings().isEmpty()) {
      Finding f = rebuilt.findings().get(0);
      throw new DemoFailure("the rebuilt Dockerfile in " + after + " has "
          + rebuilt.findings().size() + " finding(s), the first " + f.ruleId() + " at "
          + f.location());
    }
    say("0 findings in " + rebuilt.filesScanned() + " files: exit 0. The rebuild pins its base"
        + " image, runs as a user, and holds no password: it asks Imprint for a login at start");
  }

  // 2. The rebuild registered by digest and approved; the article's image rejected by policy.
  private Images registerAndApprove() throws IOException {
    title(2, "The rebuilt image registered by digest and approved; the article's rejected");
    ApiClient admin = ctx.admin();
    command("./imprint identity create " + orders() + " --kind workload --owner team-orders"
        + " --env prod --repository " + SOURCE);
    admin.post("/v1/identities", Map.of("spiffeId", orders(), "kind", "workload",
        "owner", "team-orders", "environment", "prod",
        "description", "orders service (examples/database)", "repositories", List.of(SOURCE)));
    command("./imprint token create --role pipeline --identity " + orders()
        + "    # the orders CI's token");
    JsonNode token = admin.post("/v1/tokens", Map.of("role", "pipeline", "description",
        "orders pipeline", "identity", orders()));
    ApiClient pipeline = new ApiClient(server, token.path("token").asText(), true);
    say("a pipeline token bound to " + orders() + ": it registers this identity's images only");
    ctx.setOrdersPipeline(pipeline);

    Path examples = ctx.examples().resolve("database");
    command("./imprint scan " + examples + " --upload    # in CI, with the pipeline token");
    JsonNode inventory = DemoEstate.jsonInventory(List.of(examples));
    pipeline.post("/v1/findings", Map.of("repository", SOURCE, "commit", DemoEstate.DEMO_COMMIT,
        "report", DemoEstate.jsonReport(List.of(examples)), "inventory", inventory));
    say("findings and inventory stored for " + SOURCE + " at commit "
        + DemoEstate.DEMO_COMMIT.substring(0, 12));

    String rebuilt = ctx.digestOf("database/after/Dockerfile");
    String article = ctx.digestOf("database/before/Dockerfile");
    command("./imprint image register --repository " + REPOSITORY + " --tag 2.0.0 --digest "
        + rebuilt + " --identity " + orders() + " --scan-report imprint.json");
    register(pipeline, "2.0.0", rebuilt, "database/after");
    say("registered with its scan report and provenance (" + SOURCE + " at "
        + DemoEstate.DEMO_COMMIT.substring(0, 12) + "); the digest stands in for the built"
        + " image's: the SHA-256 of its Dockerfile");
    command("./imprint image approve " + rebuilt + " --reason \"passed policy\"");
    JsonNode approved = admin.post("/v1/images/" + rebuilt + "/approve",
        Map.of("reason", "passed policy"));
    say(approved.path("status").asText() + ": the image policy passed (no finding at or above"
        + " high, source repository and commit known)");

    command("./imprint image register --repository " + REPOSITORY + " --tag 1.0.0 --digest "
        + article + " --identity " + orders() + " --scan-report imprint.json");
    register(pipeline, "1.0.0", article, "database/before");
    command("./imprint image approve " + article + " --reason \"ship it\"");
    try {
      admin.post("/v1/images/" + article + "/approve", Map.of("reason", "ship it"));
      throw new DemoFailure("the article's image " + article + " was approved");
    } catch (RemoteException e) {
      say("refused (exit 3): " + e.code() + ": " + e.getMessage());
    }
    command("./imprint image reject " + article + " --reason \"bakes DB_PASS (IMP-DOCKER-005)\"");
    JsonNode rejected = admin.post("/v1/images/" + article + "/reject",
        Map.of("reason", "bakes DB_PASS (IMP-DOCKER-005)"));
    say(rejected.path("status").asText() + ": no workload of it can ever get a credential");
    refusedJoinToken(pipeline, article, "the article's rejected image");
    return new Images(rebuilt, article);
  }

  private void register(ApiClient pipeline, String tag, String digest, String example)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("repository", REPOSITORY);
    body.put("tag", tag);
    body.put("digest", digest);
    body.put("identity", orders());
    body.put("provenance", Map.of("sourceRepository", SOURCE, "commit", DemoEstate.DEMO_COMMIT,
        "pipelineRun", "demo-orders-" + tag, "builder", "imprint demo"));
    body.put("scanReport", DemoEstate.jsonReport(List.of(ctx.examples().resolve(example))));
    pipeline.post("/v1/images", body);
  }

  // 3. A workload attested with a join token, then authorized through a grant.
  private Workload attestAndAuthorize(String rebuilt) {
    title(3, "A workload attested with a join token, authorized through a grant");
    ApiClient pipeline = ctx.ordersPipeline();
    command("./imprint join-token create --image " + rebuilt + " --identity " + orders());
    JsonNode join = pipeline.post("/v1/join-tokens", Map.of("image", rebuilt,
        "identity", orders()));
    say("a single-use join token bound to this image and identity, valid until "
        + join.path("expires_at").asText() + " (imj_..., not shown)");
    command("IMPRINT_JOIN_TOKEN=imj_... ./imprint svid fetch --audience " + AUDIENCE
        + " --out /run/svid");
    // the join token is the workload's only credential: the attestation route ignores the
    // demo client's API token
    JsonNode issued = ctx.admin().post("/v1/attest/join-token", Map.of(
        "join_token", join.path("token").asText(), "audience", AUDIENCE,
        "csr", SvidFetcher.csr(SvidFetcher.newKey())));
    String jwt = issued.at("/jwt_svid/token").asText();
    say(issued.path("spiffe_id").asText(orders()) + ": an X.509-SVID until "
        + issued.at("/x509_svid/expires_at").asText() + " and a JWT-SVID for " + AUDIENCE
        + " until " + issued.at("/jwt_svid/expires_at").asText() + " (private key made here)");

    Path grants = ctx.examples().resolve("demo/grants");
    command("./imprint grants apply -f " + grants);
    JsonNode applied = ctx.admin().send("PUT", "/v1/grants", GrantsCommand.files(grants));
    for (JsonNode g : applied.path("added")) {
      say("+ " + g.path("id").asText() + ": " + g.path("subject").asText() + " may "
          + g.path("privileges") + " " + g.path("resource").asText() + " if "
          + g.path("conditions"));
    }
    say("policy version " + applied.path("version").asLong() + ", audited as grants.applied");

    // the workload asks about itself, with its JWT-SVID as the bearer
    ApiClient svid = new ApiClient(server, jwt, true);
    JsonNode allow = authorize(svid, "read", RESOURCE);
    expect(allow, "allow", "allowed", "read " + RESOURCE);
    say("allow: " + allow.path("reason").asText() + " by " + allow.path("grants"));
    JsonNode deny = authorize(svid, "write", RESOURCE);
    expect(deny, "deny", "no_grant", "write " + RESOURCE);
    say("deny: " + deny.path("reason").asText() + " (the grant gives read only; nothing is"
        + " allowed without a grant)");
    say("Database login: with a PostgreSQL registered (`imprint db add`), a JWT-SVID for"
        + " imprint:db now buys a login with SELECT on orders.public that expires in minutes:");
    say("  imprint db credentials --svid-file /run/svid/jwt_svid.token --resource " + RESOURCE
        + " --out /run/db");
    say("The demo runs on its embedded defaults, without a PostgreSQL, so it stops here; the"
        + " whole flow: examples/database/README.md and docs/database.md");
    return new Workload(svid, jwt, pipeline);
  }

  private JsonNode authorize(ApiClient svid, String action, String resource) {
    command("curl -H \"Authorization: Bearer $(cat /run/svid/jwt_svid.token)\" -d"
        + " '{\"action\":\"" + action + "\",\"resource\":\"" + resource + "\"}' " + server
        + "/v1/authorize");
    return svid.post("/v1/authorize", Map.of("action", action, "resource", resource));
  }

  private static void expect(JsonNode decision, String effect, String reason, String what) {
    if (!decision.path("decision").asText().equals(effect)
        || !decision.path("reason").asText().equals(reason)) {
      throw new DemoFailure("expected " + effect + " (" + reason + ") for " + what + ", got "
          + decision.path("decision").asText() + " (" + decision.path("reason").asText() + ")");
    }
  }

  // 4. The image retired: the workload's credentials refused, and no new join token.
  private void retire(String rebuilt, Workload w) {
    title(4, "The image retired: its workload's credentials refused");
    String reason = "superseded by 2.0.1 (CVE in the base image)";
    command("./imprint image retire " + rebuilt + " --reason \"" + reason + "\"");
    JsonNode retired = ctx.admin().post("/v1/images/" + rebuilt + "/retire",
        Map.of("reason", reason));
    say(retired.path("status").asText() + ": revocation is by retirement, at once");
    command("curl -H \"Authorization: Bearer $IMPRINT_TOKEN\" -d '{\"token\":\"'\"$(cat"
        + " /run/svid/jwt_svid.token)\"'\",\"audience\":\"" + AUDIENCE + "\"}' " + server
        + "/v1/svid/validate");
    JsonNode valid = ctx.admin().post("/v1/svid/validate", Map.of("token", w.jwt(),
        "audience", AUDIENCE));
    if (valid.path("valid").asBoolean(true)) {
      throw new DemoFailure("the retired image's JWT-SVID still validates");
    }
    say("valid=false, reason " + valid.path("reason").asText());
    JsonNode refused = authorize(w.svid(), "read", RESOURCE);
    if (refused.path("allowed").asBoolean(true)) {
      throw new DemoFailure("the retired image's workload is still allowed to read " + RESOURCE);
    }
    say(refused.path("decision").asText() + ": " + refused.path("reason").asText()
        + " (the grant's imageApproved condition no longer holds)");
    refusedJoinToken(w.pipeline(), rebuilt, "the retired image");
  }

  /** Asks for a join token for {@code digest}, which the server must refuse. */
  private void refusedJoinToken(ApiClient pipeline, String digest, String what) {
    command("./imprint join-token create --image " + digest + " --identity " + orders());
    try {
      pipeline.post("/v1/join-tokens", Map.of("image", digest, "identity", orders()));
      throw new DemoFailure("a join token was issued for " + what + " " + digest);
    } catch (RemoteException e) {
      say("refused (exit 3): " + e.code() + ": " + e.getMessage());
    }
  }

  // 5. All of it in the audit log, exported and verified offline with the pinned key.
  private void verifyAudit() throws IOException {
    title(5, "All of it in the audit log, verified offline with the pinned key");
    flushBatchedAudit.run();
    String key = ctx.admin().get("/v1/audit/key", Map.of()).path("verifierKey").asText();
    command("./imprint audit export audit.jsonl && ./imprint audit verify audit.jsonl --key '"
        + key + "'");
    ctx.admin().download("/v1/audit/export", exportFile);
    AuditVerifier.Result result = AuditVerifier.verify(exportFile, VerifierKey.parse(key));
    if (result instanceof AuditVerifier.Failed f) {
      throw new DemoFailure("the audit export " + exportFile + " does not verify: entry "
          + f.seq() + ": " + f.reason());
    }
    AuditVerifier.Verified v = (AuditVerifier.Verified) result;
    Export export = read(exportFile);
    say("verified: " + v.entries() + " entries, " + v.checkpoints() + " signed checkpoint(s),"
        + " with the pinned key (the export: " + exportFile + ")");
    say("latest checkpoint: size " + export.checkpointSize() + ", root "
        + export.checkpointRoot());
    List<String> missing = AUDITED.stream().filter(a -> !export.actions().containsKey(a))
        .toList();
    if (!missing.isEmpty()) {
      throw new DemoFailure("the verified audit log lacks " + String.join(", ", missing));
    }
    say("the steps above in it: " + AUDITED.stream()
        .map(a -> a + " x" + export.actions().get(a)).collect(Collectors.joining(", ")));
    say("In the console: " + server + "/audit (sign in with the admin token): every entry"
        + " checked against the signed checkpoint with its inclusion proof");
  }

  /** What the chain reads back from an export: each action's count and the last checkpoint. */
  record Export(Map<String, Long> actions, long checkpointSize, String checkpointRoot) {}

  static Export read(Path file) throws IOException {
    Map<String, Long> actions = new TreeMap<>();
    long size = -1;
    String root = "";
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode n = ApiClient.json().readTree(line);
        switch (n.path("type").asText()) {
          case "checkpoint" -> {
            size = n.path("size").asLong();
            // a signed note: origin, size, root hash (base64), then the signatures
            String[] note = n.path("note").asText().split("\n", 4);
            root = note.length > 2 ? note[2] : "";
          }
          case "entry" -> actions.merge(ApiClient.json().readTree(n.path("entry").asText())
              .path("action").asText(), 1L, Long::sum);
          default -> { }
        }
      }
    }
    return new Export(actions, size, root);
  }

  private static String bySeverity(List<Finding> findings) {
    Map<Severity, Long> counts = new EnumMap<>(Severity.class);
    findings.forEach(f -> counts.merge(f.severity(), 1L, Long::sum));
    return counts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey((a, b) -> b.compareTo(a)))
        .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  /** The first {@code n} sentences of {@code text}. */
  static String firstSentences(String text, int n) {
    int end = 0;
    for (int i = 0; i < n; i++) {
      int dot = text.indexOf(". ", end);
      if (dot < 0) {
        return text;
      }
      end = dot + 1;
    }
    return text.substring(0, end);
  }
}
