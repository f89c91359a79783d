package dev.imprint.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
        RulesCommand.class,
        ServerCommand.class,
        TokenCommand.class,
        IdentityCommand.class,
        ImageCommand.class,
        AuditCommand.class,
        DemoCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main {

  /** Exit codes shared by every command. */
  public static final int OK = 0;
  public static final int FINDINGS = 1;
  public static final int USAGE = 2;

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
    CommandLine cl = new CommandLine(new Main());
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
