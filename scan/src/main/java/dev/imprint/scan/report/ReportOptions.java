package dev.imprint.scan.report;

import java.time.Clock;
import java.util.Objects;

/**
 * Options shared by every reporter.
 *
 * @param color whether the text reporter may use ANSI colors
 * @param toolVersion the Imprint version written into machine formats
 * @param clock the clock for timestamps (GitLab SAST start and end times)
 * @param sourceRoot what SARIF locations are relative to
 */
public record ReportOptions(boolean color, String toolVersion, Clock clock,
    SourceRoot sourceRoot) {

  public ReportOptions {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sourceRoot, "sourceRoot");
  }

  /** Options whose source root is the working directory. */
  public ReportOptions(boolean color, String toolVersion, Clock clock) {
    this(color, toolVersion, clock, SourceRoot.ofWorkingDirectory());
  }

  /** These options with another source root. */
  public ReportOptions withSourceRoot(SourceRoot root) {
    return new ReportOptions(color, toolVersion, clock, root);
  }

  /** Plain options for tests: no color, development version, the system UTC clock. */
  public static ReportOptions defaults() {
    return new ReportOptions(false, "0.1.0-SNAPSHOT", Clock.systemUTC());
  }
}
