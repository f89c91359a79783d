package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imprint image}: images by digest and their lifecycle on the server. */
@Command(name = "image", mixinStandardHelpOptions = true,
    description = "Registers images by digest and moves them through registered -> approved |"
        + " rejected -> deployed -> retired, with rollback.",
    subcommands = {ImageCommand.Register.class, ImageCommand.Approve.class,
        ImageCommand.Reject.class, ImageCommand.Deploy.class, ImageCommand.Retire.class,
        ImageCommand.Rollback.class, ImageCommand.ListImages.class, ImageCommand.Show.class})
final class ImageCommand {
  /** Largest report file read. */
  static final long MAX_REPORT = 16L << 20;

  private ImageCommand() {}

  static String path(String digest) {
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("expected an image digest sha256:<64 lower-case hex>,"
          + " got '" + digest + "'");
    }
    return "/v1/images/" + digest;
  }

  static JsonNode readJson(String option, Path file) {
    try {
      if (Files.size(file) > MAX_REPORT) {
        throw new IllegalArgumentException(option + ": " + file + " is larger than "
            + (MAX_REPORT >> 20) + " MiB");
      }
      return ApiClient.json().readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(option + ": " + file + " is not JSON: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException(option + ": cannot read " + file + ": "
          + e.getMessage());
    }
  }

  /** {@code repository[:tag]@digest}: the reference that runs exactly this image. */
  static String reference(JsonNode image) {
    return image.path("repository").asText() + (image.path("tag").isTextual() ? ":"
        + image.path("tag").asText() : "") + "@" + image.path("digest").asText();
  }

  static String shortDigest(String d) {
    return d.length() > 19 ? d.substring(0, 19) : d;
  }

  static void printOne(JsonNode i, PrintWriter out) {
    out.println("digest:      " + i.path("digest").asText());
    out.println("repository:  " + i.path("repository").asText()
        + (i.path("tag").isNull() ? "" : ":" + i.path("tag").asText()));
    out.println("identity:    " + i.path("identity").asText());
    out.println("status:      " + i.path("status").asText());
    JsonNode p = i.path("provenance");
    out.println("provenance:  " + (p.path("sourceRepository").isNull() ? "-"
        : p.path("sourceRepository").asText()) + " @ " + (p.path("commit").isNull() ? "-"
            : p.path("commit").asText()) + " (run " + (p.path("pipelineRun").isNull() ? "-"
                : p.path("pipelineRun").asText()) + ", builder " + (p.path("builder").isNull()
                    ? "-" : p.path("builder").asText()) + ")");
    out.println("scan:        " + summary(i.path("scan")));
    out.println("vulns:       " + summary(i.path("vulnerabilities")));
    JsonNode by = i.path("suppliers");
    out.println("supplied by: provenance " + supplier(by.path("provenance"), p)
        + "; scan " + supplier(by.path("scanReport"), i.path("scan"))
        + "; vulns " + supplier(by.path("vulnerabilityReport"), i.path("vulnerabilities")));
    JsonNode policy = i.path("policy");
    out.println("policy:      " + (policy.path("passes").asBoolean() ? "passes" : "fails"));
    for (JsonNode v : policy.path("violations")) {
      out.println("  - " + v.asText());
    }
    if (i.has("history")) {
      Table t = new Table("WHEN", "FROM", "TO", "ACTION", "BY", "REASON");
      for (JsonNode e : i.path("history")) {
        t.row(e.path("at").asText(), e.path("from").isNull() ? "-" : e.path("from").asText(),
            e.path("to").asText(), e.path("action").asText(), e.path("actor").asText(),
            e.path("reason").asText().isEmpty() ? "-" : e.path("reason").asText());
      }
      out.println("history:");
      t.print(out);
    }
  }

  private static String summary(JsonNode s) {
    if (s.isNull() || s.isMissingNode()) {
      return "none";
    }
    JsonNode c = s.path("counts");
    JsonNode src = s.path("source");
    String by = src.path("scanner").isTextual() ? " by " + src.path("scanner").asText()
        + (src.path("scannerVersion").isTextual() ? " " + src.path("scannerVersion").asText()
            : "") : "";
    String of = src.path("subject").isTextual() ? " of " + src.path("subject").asText() : "";
    return s.path("format").asText() + by + of + ": " + c.path("critical").asInt()
        + " critical, " + c.path("high").asInt() + " high, " + c.path("medium").asInt()
        + " medium, " + c.path("low").asInt() + " low, " + c.path("info").asInt() + " info";
  }

  /** Who supplied a part: {@code token:ab12 (pipeline, spiffe://...)}, "-" for an absent part. */
  private static String supplier(JsonNode by, JsonNode part) {
    boolean present = !part.isNull() && !part.isMissingNode()
        && (!part.isObject() || part.has("counts") || hasValue(part));
    if (!present) {
      return "-";
    }
    if (by.isNull() || by.isMissingNode()) {
      return "not recorded";
    }
    return by.path("token").asText() + " (" + by.path("role").asText()
        + (by.path("identity").isTextual() ? ", " + by.path("identity").asText() : "") + ")";
  }

  private static boolean hasValue(JsonNode provenance) {
    for (JsonNode v : provenance) {
      if (!v.isNull()) {
        return true;
      }
    }
    return false;
  }

  /** {@code imprint image register}. */
  @Command(name = "register", mixinStandardHelpOptions = true,
      description = {"Registers an image by digest for an identity (pipeline or admin).",
          "Provenance defaults to what the CI system says (GITHUB_*, CI_*, Jenkins GIT_*)."})
  static final class Register extends RemoteCommand {
    @Option(names = "--repository", required = true, paramLabel = "REPO",
        description = "Image repository, e.g. registry.example/payments/api.")
    String repository;

    @Option(names = "--tag", paramLabel = "TAG", description = "The tag it was pushed with.")
    String tag;

    @Option(names = "--digest", required = true, paramLabel = "sha256:HEX",
        description = "The image digest (tags alone are refused).")
    String digest;

    @Option(names = "--identity", required = true, paramLabel = "SPIFFE_ID",
        description = "The identity the image carries.")
    String identity;

    @Option(names = "--scan-report", paramLabel = "FILE",
        description = "imprint scan --format json or --format sarif output.")
    Path scanReport;

    @Option(names = {"--vuln-report", "--vulnerability-report"}, paramLabel = "FILE",
        description = "A Trivy (-f json) or Grype (-o json) report.")
    Path vulnReport;

    @Option(names = "--source-repository", paramLabel = "URL",
        description = "Source repository (default: from the CI environment).")
    String sourceRepository;

    @Option(names = "--commit", paramLabel = "SHA",
        description = "Source commit (default: GITHUB_SHA, CI_COMMIT_SHA or GIT_COMMIT; outside"
            + " CI the local git checkout's HEAD and origin, with builder local-checkout).")
    String commit;

    @Option(names = "--pipeline-run", paramLabel = "URL|ID",
        description = "The pipeline run that built it (default: from the CI environment).")
    String pipelineRun;

    @Option(names = "--builder", paramLabel = "NAME",
        description = "What built it (default: github-actions, gitlab-ci or jenkins when run"
            + " there).")
    String builder;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("repository", repository);
      if (tag != null) {
        body.put("tag", tag);
      }
      body.put("digest", digest);
      body.put("identity", identity);
      Map<String, Object> prov = new LinkedHashMap<>();
      String src = sourceRepository != null ? sourceRepository : CiEnvironment.sourceRepository();
      String sha = commit != null ? commit : CiEnvironment.commit();
      String by = builder != null ? builder : CiEnvironment.builder();
      if (src == null && sha == null) {
        // Outside CI: what the local checkout says, marked as such so a policy can tell.
        CiEnvironment.LocalCheckout local = CiEnvironment.localCheckout();
        if (local != null) {
          src = local.remote();
          sha = local.commit();
          by = by != null ? by : "local-checkout";
        }
      }
      prov.put("sourceRepository", src);
      prov.put("commit", sha);
      prov.put("pipelineRun", pipelineRun != null ? pipelineRun : CiEnvironment.pipelineRun());
      prov.put("builder", by);
      body.put("provenance", prov);
      if (scanReport != null) {
        body.put("scanReport", readJson("--scan-report", scanReport));
      }
      if (vulnReport != null) {
        body.put("vulnerabilityReport", readJson("--vuln-report", vulnReport));
      }
      return client.post("/v1/images", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println((r.path("created").asBoolean() ? "registered " : "already registered ")
          + r.path("digest").asText() + " for " + r.path("identity").asText());
      JsonNode policy = r.path("policy");
      out.println("policy: " + (policy.path("passes").asBoolean() ? "passes" : "fails"));
      boolean provenanceMissing = false;
      for (JsonNode v : policy.path("violations")) {
        out.println("  - " + v.asText());
        provenanceMissing |= v.asText().startsWith("provenance.");
      }
      if (provenanceMissing) {
        // Outside CI and outside a git checkout with a remote nothing says where it came from.
        out.println("hint: give --source-repository URL and --commit SHA, or register from CI"
            + " or from a git checkout with a remote, which supply them");
      }
    }
  }

  /** A lifecycle move of one image. */
  abstract static class Move extends RemoteCommand {
    @Parameters(paramLabel = "DIGEST", description = "sha256:<64 hex>")
    String digest;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the history"
        + " and the audit log).")
    String reason;

    abstract String verb();

    Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      if (reason != null) {
        body.put("reason", reason);
      }
      return body;
    }

    @Override
    protected JsonNode call(ApiClient client) {
      return client.post(path(digest) + "/" + verb(), body());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("image " + r.path("digest").asText() + " is now " + r.path("status").asText());
    }
  }

  /** {@code imprint image approve DIGEST}. */
  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approves a registered image if it passes the image policy (admin).")
  static final class Approve extends Move {
    @Option(names = "--force", description = "Approve despite policy violations (needs"
        + " --reason and a policy with allowForce: true).")
    boolean force;

    @Override
    String verb() {
      return "approve";
    }

    @Override
    Map<String, Object> body() {
      Map<String, Object> body = super.body();
      if (force) {
        body.put("force", true);
      }
      return body;
    }
  }

  /** {@code imprint image reject DIGEST}. */
  @Command(name = "reject", mixinStandardHelpOptions = true,
      description = "Rejects a registered image (admin; --reason required).")
  static final class Reject extends Move {
    @Override
    String verb() {
      return "reject";
    }
  }

  /** {@code imprint image deploy DIGEST}. */
  @Command(name = "deploy", mixinStandardHelpOptions = true,
      description = "Marks an approved image deployed (admin).")
  static final class Deploy extends Move {
    @Override
    String verb() {
      return "deploy";
    }
  }

  /** {@code imprint image retire DIGEST}. */
  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = "Retires an approved or deployed image (admin; --reason required).")
  static final class Retire extends Move {
    @Override
    String verb() {
      return "retire";
    }
  }

  /** {@code imprint image rollback DIGEST}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Re-deploys the predecessor of a deployed image and retires this one"
          + " (admin; --reason required).")
  static final class Rollback extends Move {
    @Override
    String verb() {
      return "rollback";
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      JsonNode back = r.path("deployed");
      out.println("rolled back " + r.path("retired").path("digest").asText() + " (now retired)");
      out.println("deployed    " + back.path("digest").asText());
      out.println("go back to  " + reference(back));
      out.println("(set this image on the workload, e.g. kubectl set image, or run 'imprint pin'"
          + " on manifests that name " + back.path("repository").asText()
          + (back.path("tag").isTextual() ? ":" + back.path("tag").asText() : "") + ")");
    }
  }

  /** {@code imprint image list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists images in digest order, with filters.")
  static final class ListImages extends RemoteCommand {
    @Option(names = "--identity", paramLabel = "SPIFFE_ID", description = "Only this identity.")
    String identity;

    @Option(names = "--repository", paramLabel = "REPO", description = "Only this repository.")
    String repository;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only this status.")
    String status;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "Page size, 1 to 200 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "NEXT", description = "Continue after a page.")
    String cursor;

    @Override
    protected JsonNode call(ApiClient client) {
      StringBuilder q = new StringBuilder("/v1/images?limit=" + limit);
      IdentityCommand.append(q, "identity", identity);
      IdentityCommand.append(q, "repository", repository);
      IdentityCommand.append(q, "status", status);
      IdentityCommand.append(q, "cursor", cursor);
      return client.get(q.toString(), Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("DIGEST", "REPOSITORY", "TAG", "IDENTITY", "STATUS", "POLICY");
      for (JsonNode i : r.path("items")) {
        t.row(shortDigest(i.path("digest").asText()), i.path("repository").asText(),
            i.path("tag").isNull() ? "-" : i.path("tag").asText(), i.path("identity").asText(),
            i.path("status").asText(), i.path("policy").path("passes").asBoolean() ? "passes"
                : "fails");
      }
      t.print(out);
      if (!r.path("next").isNull() && !r.path("next").isMissingNode()) {
        out.println("more: --cursor " + r.path("next").asText());
      }
    }
  }

  /** {@code imprint image show DIGEST}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows one image with its policy verdict and history.")
  static final class Show extends RemoteCommand {
    @Parameters(paramLabel = "DIGEST", description = "sha256:<64 hex>")
    String digest;

    @Override
    protected JsonNode call(ApiClient client) {
      return client.get(path(digest), Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printOne(r, out);
    }
  }
}
