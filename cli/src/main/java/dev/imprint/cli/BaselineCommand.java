package dev.imprint.cli;

import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.config.Baseline;
import dev.imprint.scan.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imprint baseline}: maintains baseline files. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
    description = "Maintain baseline files (see 'imprint scan --baseline').",
    subcommands = {BaselineCommand.Migrate.class})
final class BaselineCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code imprint baseline migrate}: rewrites a baseline of an earlier schema. */
  @Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Rewrite a baseline written by an earlier Imprint (schemaVersion 1, whose"
          + " secret findings' fingerprints were an unkeyed hash of the secret) by scanning the"
          + " same code: accepted findings keep being accepted under today's fingerprints;"
          + " entries no current finding matches are dropped and listed.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the baseline was rewritten",
          "2:usage, configuration or baseline error, unreadable scan target"})
  static final class Migrate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASELINE", description = "The baseline file.")
    Path baseline;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "PATH",
        description = "What the baseline was written for (default: the current directory).")
    List<Path> targets = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the rewritten baseline here (default: replace BASELINE).")
    Path output;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Configuration file, as for 'imprint scan'.")
    Path config;

    @Option(names = "--exclude", paramLabel = "GLOB",
        description = "Do not scan paths matching GLOB (repeatable), as for 'imprint scan'.")
    List<String> excludes = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        return migrate(err);
      } catch (ScanCommand.UsageException e) {
        err.println("imprint baseline migrate: " + e.getMessage());
        err.flush();
        return Main.USAGE;
      }
    }

    private int migrate(PrintWriter err) throws ScanCommand.UsageException {
      Baseline old;
      try {
        old = Baseline.read(baseline);
      } catch (ConfigException e) {
        throw new ScanCommand.UsageException(e.getMessage());
      }
      List<Path> paths = targets.isEmpty() ? List.of(Path.of(".")) : targets;
      ScanSettings settings = ScanCommand.loadConfig(config, paths)
          .applyTo(ScanSettings.defaults());
      List<String> all = new ArrayList<>(settings.excludes());
      all.addAll(excludes);
      settings = settings.withExcludes(all);
      ScanReport report;
      try {
        report = Scanner.create(settings).scan(paths);
      } catch (Scanner.TargetException e) {
        throw new ScanCommand.UsageException(e.getMessage());
      }
      Path target = output != null ? output : baseline;
      Baseline.Migration m;
      try {
        m = old.migrate(report, target);
      } catch (IOException e) {
        throw new ScanCommand.UsageException("cannot write " + target + ": " + e.getMessage());
      }
      err.println("imprint: wrote " + (m.unchanged() + m.rewritten()) + " entries to " + target
          + " (schemaVersion 2): " + m.rewritten() + " rewritten, " + m.unchanged()
          + " unchanged, " + m.dropped().size() + " dropped");
      for (Baseline.Entry e : m.dropped()) {
        err.println("  dropped " + e.ruleId() + " " + e.path() + ": " + e.message());
      }
      err.flush();
      return Main.OK;
    }
  }
}
