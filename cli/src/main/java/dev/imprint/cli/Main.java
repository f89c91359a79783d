package dev.imprint.cli;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.ScanReport;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code imprint} command: the entry point that wires the subcommands. */
@Command(
    name = "imprint",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Secures non-human identities: finds baked secrets, mutable images and"
        + " over-privileged identities in infrastructure code.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:no finding at or above the fail-on severity",
        "1:findings at or above the fail-on severity",
        "2:usage error, configuration error or unreadable scan target"},
    subcommands = {
        ScanCommand.class,
        InventoryCommand.class,
        BaselineCommand.class,
        RulesCommand.class,
        ServerCommand.class,
        TokenCommand.class,
        IdentityCommand.class,
        ImageCommand.class,
        ClusterCommand.class,
        PinCommand.class,
        AuditCommand.class,
        KeysCommand.class,
        JoinTokenCommand.class,
        SvidCommand.class,
        GrantsCommand.class,
        AuthzCommand.class,
        DemoCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main {

  /** Exit codes shared by every command. */
  public static final int OK = 0;
  public static final int FINDINGS = 1;
  public static final int USAGE = 2;
  /**
   * A reader or analyzer hit a bug in Imprint on some file ({@code internal_error}
   * diagnostics): the report was still written, but it is incomplete.
   */
  public static final int INTERNAL = 5;

  /**
   * Says loudly on {@code err} which files Imprint failed on through a bug of its own, and
   * whether there were any: a command then exits with {@link #INTERNAL}.
   */
  static boolean internalErrors(String command, ScanReport report, PrintWriter err) {
    List<Diagnostic> bugs = report.diagnostics().stream()
        .filter(d -> d.kind() == Diagnostic.Kind.INTERNAL_ERROR).toList();
    if (bugs.isEmpty()) {
      return false;
    }
    err.println("imprint " + command + ": INTERNAL ERROR: Imprint hit a bug of its own on "
        + bugs.size() + (bugs.size() == 1 ? " file" : " files")
        + "; the result is incomplete (exit code " + INTERNAL + "). Please report it:");
    bugs.forEach(d -> err.println("  " + d));
    err.flush();
    return true;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line on the process's standard streams and returns the exit code. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line writing to the given streams and returns the exit code (tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> USAGE);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("imprint: " + ex.getMessage());
      line.getErr().flush();
      return USAGE;
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("imprint: " + ex.getMessage());
      ex.getCommandLine().getErr().println(
          "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      ex.getCommandLine().getErr().flush();
      return USAGE;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The command line for {@code args}. Building picocli's model of every subcommand costs about
   * half a second (reflection over each command's options), most of a short command's run and
   * a quarter of the server's start-up; so when the first argument names a subcommand, only that
   * one is modelled, under a root named {@code imprint}. Usage, errors and exit codes are the
   * same either way; anything else ({@code --help}, {@code help}, no or unknown arguments) gets
   * the whole tree.
   */
  static CommandLine commandLine(String... args) {
    Class<?> sub = args.length == 0 ? null : subcommand(args[0]);
    if (sub == null) {
      return new CommandLine(new Main());
    }
    CommandLine root = new CommandLine(CommandSpec.create().name("imprint"));
    root.addSubcommand(new CommandLine(sub));
    return root;
  }

  /**
   * The subcommand class named {@code name}, or null ({@code help} too: it needs the whole
   * tree). A switch rather than a read of {@link Main}'s annotation, which alone costs 0.1 s of
   * start-up; a test keeps the two in step.
   */
  static Class<?> subcommand(String name) {
    return switch (name) {
      case "scan" -> ScanCommand.class;
      case "inventory" -> InventoryCommand.class;
      case "baseline" -> BaselineCommand.class;
      case "rules" -> RulesCommand.class;
      case "server" -> ServerCommand.class;
      case "token" -> TokenCommand.class;
      case "identity" -> IdentityCommand.class;
      case "image" -> ImageCommand.class;
      case "cluster" -> ClusterCommand.class;
      case "pin" -> PinCommand.class;
      case "audit" -> AuditCommand.class;
      case "keys" -> KeysCommand.class;
      case "join-token" -> JoinTokenCommand.class;
      case "svid" -> SvidCommand.class;
      case "grants" -> GrantsCommand.class;
      case "authz" -> AuthzCommand.class;
      case "demo" -> DemoCommand.class;
      default -> null;
    };
  }

  /** The running version: the jar manifest's, else the development version. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  /** Reads the version from the jar manifest, falling back to the development version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"imprint " + version()};
    }
  }
}
