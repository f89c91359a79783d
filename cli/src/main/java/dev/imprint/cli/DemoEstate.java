package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.inventory.InventoryBuilder;
import dev.imprint.scan.inventory.InventoryFormat;
import dev.imprint.scan.report.ReportOptions;
import dev.imprint.scan.report.Reporters;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The example estate {@code imprint demo} loads through the API before it walks through
 * {@link DemoChain}, so that a newcomer finds findings, an inventory, identities and tokens in a
 * fresh server's console. Each capability that lands adds one {@link Step} to {@link #steps()}.
 */
final class DemoEstate {
  /**
   * What every step gets: the admin client, the server's URL, the examples directory and the
   * trust domain; and the payments API's pipeline, created by the first step that needs it.
   */
  static final class Context {
    private final ApiClient admin;
    private final String server;
    private final Path examples;
    private final String trustDomain;
    private ApiClient pipeline;
    private ApiClient ordersPipeline;

    Context(ApiClient admin, String server, Path examples, String trustDomain) {
      this.admin = admin;
      this.server = server;
      this.examples = examples;
      this.trustDomain = trustDomain;
    }

    ApiClient admin() {
      return admin;
    }

    Path examples() {
      return examples;
    }

    String trustDomain() {
      return trustDomain;
    }

    /** The payments API's SPIFFE ID. */
    String paymentsApi() {
      return "spiffe://" + trustDomain + "/payments/api";
    }

    /**
     * A client holding a pipeline token bound to the payments API (created on first use), as
     * its CI would: only such a token may register its images and upload the findings of the
     * repository it is linked to, and only its reports count for the image policy.
     */
    ApiClient pipeline() {
      if (pipeline == null) {
        JsonNode t = admin.post("/v1/tokens", Map.of("role", "pipeline", "description",
            "demo pipeline", "identity", paymentsApi()));
        // the demo's own server, in this process: requests never leave the machine
        pipeline = new ApiClient(server, t.path("token").asText(), true);
      }
      return pipeline;
    }

    /** The orders service's pipeline client, once {@link DemoChain} has created it. */
    ApiClient ordersPipeline() {
      if (ordersPipeline == null) {
        throw new IllegalStateException("the orders pipeline token is not created yet");
      }
      return ordersPipeline;
    }

    void setOrdersPipeline(ApiClient client) {
      ordersPipeline = client;
    }

    /** A digest computed from an example file's content, so it is the same on every run. */
    String digestOf(String relative) {
      try (InputStream in = Files.newInputStream(examples.resolve(relative))) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(in.readAllBytes());
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new IllegalStateException("cannot read example " + relative + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** One loading step: a title and what it did, in a line. */
  interface Step {
    String title();

    /** The API path this step needs ({@code null}: none); absent paths skip the step. */
    default String requires() {
      return null;
    }

    String load(Context ctx) throws Exception;
  }

  static final String DEMO_REPOSITORY = "github.com/imprint-demo/payments";
  static final String DEMO_COMMIT = "9f2c4e1a7b3d5c6e8f0a1b2c3d4e5f60718293a4";

  private DemoEstate() {}

  /** The steps, in order. */
  static List<Step> steps() {
    return List.of(new ScanExamples(), new Identities(), new Tokens(), new UploadFindings());
  }

  /** Imprint's JSON report of a scan of {@code paths}, as {@code imprint scan -f json} writes. */
  static JsonNode jsonReport(List<Path> paths) throws IOException {
    ScanReport report = Scanner.create(ScanSettings.defaults()).scan(paths);
    StringWriter out = new StringWriter();
    Reporters.forFormat("json", new ReportOptions(false, Main.version(), Clock.systemUTC()))
        .write(report, out);
    return ApiClient.json().readTree(out.toString());
  }

  /** The inventory of {@code paths}, as {@code imprint inventory --format json} writes it. */
  static JsonNode jsonInventory(List<Path> paths) throws IOException {
    return ApiClient.json().readTree(InventoryFormat.json(
        InventoryBuilder.build(paths, ScanSettings.defaults())));
  }

  /** The findings and inventory of examples/, uploaded as {@code imprint scan --upload} would. */
  static final class UploadFindings implements Step {
    @Override
    public String title() {
      return "upload findings and inventory";
    }

    @Override
    public String requires() {
      return "/v1/findings";
    }

    @Override
    public String load(Context ctx) throws IOException {
      JsonNode inventory = jsonInventory(List.of(ctx.examples()));
      ctx.pipeline().post("/v1/findings", Map.of("repository", DEMO_REPOSITORY,
          "commit", DEMO_COMMIT, "report", jsonReport(List.of(ctx.examples())),
          "inventory", inventory));
      return "stored for " + DEMO_REPOSITORY + " at commit " + DEMO_COMMIT.substring(0, 12)
          + " with " + inventory.path("identities").size() + " identities";
    }
  }

  /**
   * Two identities: the payments API workload, linked to the demo repository, and the pipeline
   * that deploys it.
   */
  static final class Identities implements Step {
    @Override
    public String title() {
      return "create identities";
    }

    @Override
    public String requires() {
      return "/v1/identities";
    }

    @Override
    public String load(Context ctx) {
      String api = ctx.paymentsApi();
      String ci = "spiffe://" + ctx.trustDomain() + "/ci/payments-deploy";
      ctx.admin().post("/v1/identities", Map.of("spiffeId", api, "kind", "workload",
          "owner", "team-payments", "environment", "prod",
          "description", "payments API (examples/safe/Dockerfile)",
          "repositories", List.of(DEMO_REPOSITORY)));
      ctx.admin().post("/v1/identities", Map.of("spiffeId", ci, "kind", "pipeline",
          "owner", "team-platform", "environment", "prod",
          "description", "deploy workflow (examples/ci)"));
      return api + ", " + ci;
    }
  }

  /** Runs the scanner over {@code examples/}: the findings a CI gate would report. */
  static final class ScanExamples implements Step {
    private ScanReport report;

    @Override
    public String title() {
      return "scan examples/";
    }

    @Override
    public String load(Context ctx) {
      report = Scanner.create(ScanSettings.defaults()).scan(List.of(ctx.examples()));
      Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
      for (Finding f : report.findings()) {
        bySeverity.merge(f.severity(), 1L, Long::sum);
      }
      String counts = bySeverity.entrySet().stream()
          .sorted(Map.Entry.comparingByKey((a, b) -> b.compareTo(a)))
          .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining(", "));
      return report.findings().size() + " findings in " + report.filesScanned() + " files ("
          + counts + ")";
    }
  }

  /**
   * A pipeline token bound to the payments API (the next steps upload and register with it)
   * and an auditor token, so the audit log records who made them.
   */
  static final class Tokens implements Step {
    @Override
    public String title() {
      return "create tokens";
    }

    @Override
    public String requires() {
      return "/v1/identities";
    }

    @Override
    public String load(Context ctx) {
      ctx.pipeline();
      ctx.admin().post("/v1/tokens", Map.of("role", "auditor", "description", "demo auditor"));
      return "a pipeline token bound to " + ctx.paymentsApi() + " and an auditor token"
          + " (secrets not kept; `imprint token list` shows them)";
    }
  }
}
