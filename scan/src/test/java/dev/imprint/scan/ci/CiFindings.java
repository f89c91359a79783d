package dev.imprint.scan.ci;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;

/** Runs the CI analyzer over one in-memory file and keeps what it reported. */
final class CiFindings {
  final List<Finding> findings = new ArrayList<>();
  final List<Diagnostic> diagnostics = new ArrayList<>();

  static CiFindings of(String path, String text) {
    CiFindings out = new CiFindings();
    new CiAnalyzer().start(ScanSettings.defaults()).analyze(SourceFile.of(path, text),
        new Analyzer.Sink() {
          @Override
          public void report(Finding finding) {
            out.findings.add(finding);
          }

          @Override
          public void diagnose(Diagnostic diagnostic) {
            out.diagnostics.add(diagnostic);
          }
        });
    return out;
  }

  List<String> at(String ruleId) {
    return findings.stream().filter(f -> f.ruleId().equals(ruleId))
        .map(f -> f.location().line() + ":" + f.location().column()).toList();
  }
}
