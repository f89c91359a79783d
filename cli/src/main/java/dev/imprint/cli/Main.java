package dev.imprint.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code imprint} command: the entry point that wires the subcommands. */
@Command(
    name = "imprint",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Secures non-human identities: finds baked secrets, mutable images and"
        + " over-privileged identities in infrastructure code.",
    subcommands = {ScanCommand.class, RulesCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  /** Exit codes shared by every command. */
  public static final int OK = 0;
  public static final int FINDINGS = 1;
  public static final int USAGE = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> USAGE);
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("imprint: " + ex.getMessage());
      ex.getCommandLine().getErr().println(
          "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    return cl.execute(args);
  }

  /** Reads the version from the jar manifest, falling back to the development version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"imprint " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
