package dev.imprint.scan;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a scan: findings sorted by path, line and rule, diagnostics sorted by path,
 * and counts.
 */
public record ScanReport(
    List<Finding> findings,
    List<Diagnostic> diagnostics,
    long filesScanned,
    long bytesScanned,
    long filesSkipped,
    int suppressed,
    Duration elapsed) {

  public ScanReport {
    findings = List.copyOf(findings);
    diagnostics = List.copyOf(diagnostics);
  }

  /** Findings at or above a severity. */
  public List<Finding> atLeast(Severity severity) {
    return findings.stream().filter(f -> f.severity().atLeast(severity)).toList();
  }
}
