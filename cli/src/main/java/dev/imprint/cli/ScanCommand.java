package dev.imprint.cli;

import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.config.Baseline;
import dev.imprint.scan.config.ConfigException;
import dev.imprint.scan.config.ImprintConfig;
import dev.imprint.scan.inventory.Inventory;
import dev.imprint.scan.inventory.InventoryBuilder;
import dev.imprint.scan.inventory.InventoryFormat;
import dev.imprint.scan.report.ReportOptions;
import dev.imprint.scan.report.Reporter;
import dev.imprint.scan.report.Reporters;
import dev.imprint.scan.report.SourceRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imprint scan}: runs every rule over files and directories and reports findings. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Scan Dockerfiles, Kubernetes manifests, Terraform, Packer, compose files,"
        + " CI workflows and any text file for NHI risks.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:no finding at or above the fail-on severity",
        "1:findings at or above the fail-on severity",
        "2:usage error, configuration or baseline error, unreadable scan target",
        "3:--upload was refused by the server",
        "4:--upload could not reach the server",
        "5:internal error: Imprint hit a bug of its own on some file (the report is incomplete)"})
final class ScanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PATH",
      description = "Files or directories to scan (default: the current directory).")
  List<Path> targets = new ArrayList<>();

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "Output format: text, json, sarif, junit or gitlab (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the report to FILE (atomically) instead of standard output.")
  Path output;

  @Option(names = "--fail-on", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at or above this severity"
          + " (default: fail-on from .imprint.yaml, else high).")
  String failOn;

  @Option(names = "--min-severity", paramLabel = "SEVERITY",
      description = "Show only findings at or above this severity (exit code is unaffected).")
  String minSeverity;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: .imprint.yaml in the first directory"
          + " target, else in the current directory).")
  Path config;

  @Option(names = "--baseline", paramLabel = "FILE",
      description = "Do not report findings whose fingerprint is in this baseline file.")
  Path baseline;

  @Option(names = "--write-baseline", paramLabel = "FILE",
      description = "Write every current finding to this baseline file; they then count as"
          + " baselined.")
  Path writeBaseline;

  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      description = "Key of secret fingerprints (default: IMPRINT_FINGERPRINT_KEY, else"
          + " fingerprint-key-file in .imprint.yaml, else a random key for this run).")
  Path fingerprintKeyFile;

  @Option(names = "--no-inline-ignores",
      description = "Ignore imprint:ignore comments (report suppressed findings too).")
  boolean noInlineIgnores;

  @Option(names = "--exclude", paramLabel = "GLOB",
      description = "Do not scan paths matching GLOB (repeatable).")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--trusted-registry", paramLabel = "HOST",
      description = "Registry images may come from (repeatable).")
  List<String> trustedRegistries = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Worker threads (default: one per core).")
  int threads;

  @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
      description = "Color text output: auto, always or never (default: ${DEFAULT-VALUE};"
          + " auto means a terminal and NO_COLOR unset).")
  String color;

  @Option(names = "--upload",
      description = "Also upload the findings (Imprint JSON) and the inventory of the same"
          + " targets to the control plane at --server with the token in IMPRINT_TOKEN"
          + " (pipeline or admin role).")
  boolean upload;

  @Option(names = "--repository", paramLabel = "NAME",
      description = "Source repository for --upload (default: GITHUB_REPOSITORY or"
          + " CI_PROJECT_PATH).")
  String repository;

  @Option(names = "--commit", paramLabel = "SHA",
      description = "Commit for --upload (default: GITHUB_SHA, CI_COMMIT_SHA or GIT_COMMIT).")
  String commit;

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:IMPRINT_SERVER:-http://127.0.0.1:7878}",
      description = "Control plane for --upload (default: IMPRINT_SERVER or ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--insecure",
      description = "Allow --upload to send the token over plain http:// to a server that is"
          + " not on this machine (refused otherwise).")
  boolean insecure;

  @Option(names = "--replace",
      description = "With --upload: replace the findings already stored for this repository and"
          + " commit (admin token only; needs --reason, which is audited). Without it a second,"
          + " different upload for a commit is refused.")
  boolean replace;

  @Option(names = "--reason", paramLabel = "TEXT",
      description = "Why --replace rewrites the stored findings (kept in the audit log).")
  String reason;

  @Option(names = {"-q", "--quiet"},
      description = "No progress line and no notes on standard error.")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return scan(out, err);
    } catch (UsageException e) {
      err.println("imprint scan: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
  }

  private int scan(PrintWriter out, PrintWriter err) throws UsageException {
    Severity shownFrom = minSeverity == null ? Severity.INFO : severity("--min-severity",
        minSeverity);
    boolean colored = colored();
    List<Path> paths = targets.isEmpty() ? List.of(Path.of(".")) : targets;
    Reporter reporter;
    try {
      reporter = Reporters.forFormat(format, new ReportOptions(colored, Main.version(),
          Clock.systemUTC(), SourceRoot.of(paths)));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--format: " + e.getMessage());
    }
    if (threads < 0) {
      throw new UsageException("--threads: expected 0 or more, got " + threads);
    }
    String[] source = uploadSource();
    ApiClient client = source == null ? null : uploadClient();
    ImprintConfig cfg = loadConfig(paths);
    Severity threshold = failOn != null ? severity("--fail-on", failOn)
        : cfg.failOn() != null ? cfg.failOn() : Severity.HIGH;
    ScanSettings settings = FingerprintKeys.apply(cfg.applyTo(ScanSettings.defaults()),
        fingerprintKeyFile).withThreads(threads);
    List<String> allExcludes = new ArrayList<>(settings.excludes());
    allExcludes.addAll(excludes);
    List<String> registries = new ArrayList<>(settings.trustedRegistries());
    registries.addAll(trustedRegistries);
    settings = settings.withExcludes(allExcludes).withTrustedRegistries(registries);
    if (noInlineIgnores) {
      settings = settings.withInlineIgnores(false);
    }
    Baseline accepted = null;
    if (baseline != null) {
      try {
        accepted = Baseline.read(baseline);
      } catch (ConfigException e) {
        throw new UsageException(e.getMessage());
      }
      if (accepted.legacy()) {
        note(err, "baseline " + baseline + " has schemaVersion " + accepted.schemaVersion()
            + ": its secret findings are matched by their former fingerprints; rewrite it once"
            + " with 'imprint baseline migrate " + baseline + "'");
      }
    }
    ScanReport report;
    Inventory inventory = null;
    boolean progress = !quiet && System.console() != null;
    try (Progress listener = Progress.start(err, progress)) {
      if (source != null) {
        // one walk yields the report and the inventory that goes with it to the server
        InventoryBuilder.Scanned both = InventoryBuilder.scan(paths, settings,
            inventoryRepository(), listener);
        report = both.report();
        inventory = both.inventory();
      } else {
        report = Scanner.create(settings).scan(paths, listener);
      }
    } catch (Scanner.TargetException e) {
      throw new UsageException(e.getMessage());
    }
    ScanReport full = report;
    int baselined = 0;
    if (accepted != null) {
      Baseline.Applied applied = accepted.apply(report);
      report = applied.report();
      baselined = applied.baselined();
    }
    if (writeBaseline != null) {
      try {
        Baseline.write(full, writeBaseline);
      } catch (IOException e) {
        throw new UsageException("--write-baseline: cannot write " + writeBaseline + ": "
            + e.getMessage());
      }
      baselined += report.findings().size();
      note(err, "wrote " + full.findings().size() + " findings to baseline " + writeBaseline);
      report = withFindings(report, List.of());
    }
    if (baselined > 0) {
      note(err, baselined + (baselined == 1 ? " finding" : " findings") + " baselined");
    }
    boolean failed = !report.atLeast(threshold).isEmpty();
    ScanReport shown = filter(report, shownFrom);
    StringWriter rendered = new StringWriter();
    try {
      reporter.write(shown, rendered);
      if (output != null) {
        OutputFile.writeAtomically(output, rendered.toString());
      } else {
        out.print(rendered);
        out.flush();
      }
    } catch (IOException e) {
      throw new UsageException("--output: cannot write " + output + ": " + e.getMessage());
    }
    if (source != null) {
      try {
        upload(client, report, inventory, source[0], source[1], err);
      } catch (RemoteException e) {
        err.println("imprint scan: --upload: " + e.getMessage() + (e.status() > 0
            ? " (HTTP " + e.status() + ", " + e.code() + ")" : ""));
        err.flush();
        return e.exitCode();
      }
    }
    if (Main.internalErrors("scan", report, err)) {
      return Main.INTERNAL;
    }
    return failed ? Main.FINDINGS : Main.OK;
  }

  /** Repository and commit for --upload (null without --upload), from options or CI. */
  private String[] uploadSource() throws UsageException {
    if (!upload) {
      if (repository != null || commit != null || replace || reason != null) {
        throw new UsageException("--repository, --commit, --replace and --reason go with"
            + " --upload");
      }
      return null;
    }
    if (replace != (reason != null)) {
      throw new UsageException(replace ? "--replace needs --reason saying why the stored"
          + " findings are rewritten (it is audited)" : "--reason goes with --replace");
    }
    String repo = repository != null ? repository : CiEnvironment.repository();
    String sha = commit != null ? commit : CiEnvironment.commit();
    if (repo == null || sha == null) {
      throw new UsageException("--upload needs the source repository and commit: give"
          + " --repository and --commit, or run in CI (GITHUB_REPOSITORY/GITHUB_SHA,"
          + " CI_PROJECT_PATH/CI_COMMIT_SHA); missing " + (repo == null ? "--repository"
              : "--commit"));
    }
    return new String[] {repo, sha};
  }

  /** GITHUB_REPOSITORY for OIDC {@code sub} matching, as {@code imprint inventory} takes it. */
  private static String inventoryRepository() {
    String repo = CiEnvironment.source.apply("GITHUB_REPOSITORY");
    return repo != null && InventoryCommand.REPOSITORY.matcher(repo).matches() ? repo : null;
  }

  /** The client for --upload, checked before the scan runs (URL, plain HTTP off this host). */
  private ApiClient uploadClient() throws UsageException {
    try {
      return RemoteOptions.client(server, insecure);
    } catch (IllegalArgumentException | RemoteException e) {
      throw new UsageException("--upload: " + e.getMessage());
    }
  }

  private void upload(ApiClient client, ScanReport report, Inventory inventory, String repo,
      String sha, PrintWriter err) throws UsageException {
    StringWriter json = new StringWriter();
    try {
      Reporters.forFormat("json", new ReportOptions(false, Main.version(), Clock.systemUTC()))
          .write(report, json);
    } catch (IllegalArgumentException | IOException e) {
      throw new UsageException("--upload: " + e.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("repository", repo);
    body.put("commit", sha);
    if (replace) {
      body.put("replace", true);
      body.put("reason", reason);
    }
    try {
      body.put("report", ApiClient.json().readTree(json.toString()));
      body.put("inventory", ApiClient.json().readTree(InventoryFormat.json(inventory)));
    } catch (IOException e) {
      throw new IllegalStateException("the JSON reporter wrote invalid JSON", e);
    }
    com.fasterxml.jackson.databind.JsonNode stored = client.post("/v1/findings", body);
    if (!stored.path("created").asBoolean(true)) {
      note(err, "the same findings were already uploaded for " + repo + "@" + sha
          + "; nothing changed");
      return;
    }
    note(err, (stored.path("replaced").asBoolean(false) ? "replaced the stored findings with "
        : "uploaded ") + report.findings().size() + " findings and "
        + inventory.identities().size() + " identities for " + repo + "@" + sha + " to "
        + server);
  }

  private ImprintConfig loadConfig(List<Path> paths) throws UsageException {
    return loadConfig(config, paths);
  }

  /** The given configuration file, else {@code .imprint.yaml} where the targets are. */
  static ImprintConfig loadConfig(Path config, List<Path> paths) throws UsageException {
    Optional<Path> file = config != null ? Optional.of(config)
        : ImprintConfig.locate(paths, Path.of("."));
    if (file.isEmpty()) {
      return ImprintConfig.empty();
    }
    try {
      return ImprintConfig.load(file.get());
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private boolean colored() throws UsageException {
    return switch (color) {
      case "always" -> true;
      case "never" -> false;
      case "auto" -> output == null && System.console() != null
          && System.getenv("NO_COLOR") == null;
      default -> throw new UsageException(
          "--color: expected auto, always or never, got '" + color + "'");
    };
  }

  private static Severity severity(String option, String text) throws UsageException {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static ScanReport filter(ScanReport report, Severity from) {
    if (from == Severity.INFO) {
      return report;
    }
    return withFindings(report, report.atLeast(from));
  }

  private static ScanReport withFindings(ScanReport report, List<Finding> kept) {
    return new ScanReport(kept, report.diagnostics(), report.filesScanned(),
        report.bytesScanned(), report.filesSkipped(), report.suppressed(), report.elapsed());
  }

  private void note(PrintWriter err, String message) {
    if (!quiet) {
      err.println("imprint: " + message);
      err.flush();
    }
  }

  /** A problem that makes the command exit with {@link Main#USAGE}. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
