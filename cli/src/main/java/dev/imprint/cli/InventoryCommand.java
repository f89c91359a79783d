package dev.imprint.cli;

import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.cli.remote.RemoteOptions;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.inventory.Inventory;
import dev.imprint.scan.inventory.InventoryBuilder;
import dev.imprint.scan.inventory.InventoryFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imprint inventory}: lists the non-human identities code defines and how they link. */
@Command(name = "inventory", mixinStandardHelpOptions = true, sortOptions = false,
    description = "List the non-human identities the code defines or holds (Kubernetes service"
        + " accounts, IAM users, roles and keys, cloud service accounts, CI pipelines, baked"
        + " credentials), what each may do, its risk flags, and the links between them.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:inventory written",
        "2:usage error, configuration error or unreadable target",
        "3:--remote: the server refused the request",
        "4:--remote: the server could not be reached",
        "5:internal error: Imprint hit a bug of its own on some file (the inventory is"
            + " incomplete)"})
final class InventoryCommand implements Callable<Integer> {
  static final Pattern REPOSITORY =
      Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PATH",
      description = "Files or directories to read (default: the current directory).")
  List<Path> targets = new ArrayList<>();

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the inventory to FILE (atomically) instead of standard output.")
  Path output;

  @Option(names = "--exclude", paramLabel = "GLOB",
      description = "Do not read paths matching GLOB (repeatable).")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--repository", paramLabel = "OWNER/NAME",
      description = "The GitHub repository the code is in, to match OIDC trust 'sub' conditions"
          + " (default: GITHUB_REPOSITORY, else the git remote of the checkout whose root"
          + " holds the workflow).")
  String repository;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file for excludes (default: .imprint.yaml in the first"
          + " directory target, else in the current directory).")
  Path config;

  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      description = "Key of secret fingerprints, for secret:<fingerprint> ids (default:"
          + " IMPRINT_FINGERPRINT_KEY, else fingerprint-key-file in .imprint.yaml, else a random"
          + " key for this run).")
  Path fingerprintKeyFile;

  @Option(names = "--remote",
      description = "Read the server's inventory instead: the identities of each repository's"
          + " latest 'imprint scan --upload' (of --repository only, if given) with the counts of"
          + " the findings that concern them; uses --server and IMPRINT_TOKEN.")
  boolean remote;

  @Option(names = "--kind", paramLabel = "KIND",
      description = "With --remote: only identities of this kind (e.g. aws-iam-user).")
  String kind;

  @Option(names = "--flag", paramLabel = "FLAG",
      description = "With --remote: only identities with this risk flag.")
  String flag;

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:IMPRINT_SERVER:-http://127.0.0.1:7878}",
      description = "Control plane for --remote (default: IMPRINT_SERVER or ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--insecure",
      description = "Allow --remote to send the token over plain http:// to a server that is"
          + " not on this machine (refused otherwise).")
  boolean insecure;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (!format.equals("text") && !format.equals("json")) {
        throw new ScanCommand.UsageException("--format: expected text or json, got '" + format
            + "'");
      }
      String rendered;
      InventoryBuilder.Scanned local = null;
      try {
        if (remote) {
          rendered = RemoteInventory.render(remoteClient(), repository, kind, flag, format);
        } else {
          local = inventory();
          rendered = render(local.inventory());
        }
      } catch (RemoteException e) {
        err.println("imprint inventory: " + e.getMessage() + (e.status() > 0
            ? " (HTTP " + e.status() + ", " + e.code() + ")" : ""));
        err.flush();
        return e.exitCode();
      }
      if (output != null) {
        try {
          OutputFile.writeAtomically(output, rendered);
        } catch (IOException e) {
          throw new ScanCommand.UsageException("--output: cannot write " + output + ": "
              + e.getMessage());
        }
      } else {
        out.print(rendered);
        out.flush();
      }
      if (local != null && Main.internalErrors("inventory", local.report(), err)) {
        return Main.INTERNAL;
      }
      return Main.OK;
    } catch (ScanCommand.UsageException e) {
      err.println("imprint inventory: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
  }

  /** The client for --remote, after refusing the options that only a local inventory takes. */
  private ApiClient remoteClient() throws ScanCommand.UsageException {
    if (!targets.isEmpty() || !excludes.isEmpty() || config != null
        || fingerprintKeyFile != null) {
      throw new ScanCommand.UsageException("--remote reads the server's inventory: PATH,"
          + " --exclude, --config and --fingerprint-key-file go with a local inventory only");
    }
    try {
      return RemoteOptions.client(server, insecure);
    } catch (IllegalArgumentException e) {
      throw new ScanCommand.UsageException("--server: " + e.getMessage());
    }
  }

  private InventoryBuilder.Scanned inventory() throws ScanCommand.UsageException {
    if (kind != null || flag != null) {
      throw new ScanCommand.UsageException("--kind and --flag go with --remote");
    }
    String repo = repository != null ? repository : System.getenv("GITHUB_REPOSITORY");
    if (repo != null && !REPOSITORY.matcher(repo).matches()) {
      throw new ScanCommand.UsageException("--repository: expected OWNER/NAME, got '" + repo
          + "'");
    }
    List<Path> paths = targets.isEmpty() ? List.of(Path.of(".")) : targets;
    ScanSettings settings = FingerprintKeys.apply(
        ScanCommand.loadConfig(config, paths).applyTo(ScanSettings.defaults()),
        fingerprintKeyFile);
    List<String> all = new ArrayList<>(settings.excludes());
    all.addAll(excludes);
    settings = settings.withExcludes(all);
    try {
      return InventoryBuilder.scan(paths, settings, repo, Scanner.Listener.NONE);
    } catch (Scanner.TargetException e) {
      throw new ScanCommand.UsageException(e.getMessage());
    }
  }

  private String render(Inventory inv) {
    return format.equals("json") ? InventoryFormat.json(inv) : InventoryFormat.text(inv);
  }
}
