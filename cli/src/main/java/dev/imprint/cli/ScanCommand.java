package dev.imprint.cli;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imprint scan}: runs every rule over files and directories and reports findings. */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Scan Dockerfiles, Kubernetes manifests, Terraform, Packer, compose files,"
        + " CI workflows and any text file for NHI risks.")
final class ScanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories.")
  List<Path> targets;

  @Option(names = "--fail-on", defaultValue = "high", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at or above this severity (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Severity threshold;
    try {
      threshold = Severity.parse(failOn);
    } catch (IllegalArgumentException e) {
      err.println("imprint scan: --fail-on: " + e.getMessage());
      return Main.USAGE;
    }
    ScanReport report;
    try {
      report = Scanner.create(ScanSettings.defaults()).scan(targets);
    } catch (Scanner.TargetException e) {
      err.println("imprint scan: " + e.getMessage());
      return Main.USAGE;
    }
    for (Finding f : report.findings()) {
      out.println(f.location() + " " + f.severity().id().toUpperCase(java.util.Locale.ROOT) + " "
          + f.ruleId() + " " + f.message());
    }
    out.println(report.findings().size() + " findings in " + report.filesScanned() + " files");
    out.flush();
    return report.atLeast(threshold).isEmpty() ? Main.OK : Main.FINDINGS;
  }
}
