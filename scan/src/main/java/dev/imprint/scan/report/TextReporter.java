package dev.imprint.scan.report;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Human-readable report: findings grouped by file, diagnostics, and a one-line summary. */
final class TextReporter implements Reporter {
  private static final int SKIP_DETAIL_LIMIT = 10;
  private static final String RESET = "\u001b[0m";

  private final ReportOptions options;

  TextReporter(ReportOptions options) {
    this.options = options;
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder();
    String currentPath = null;
    for (Finding f : report.findings()) {
      String path = Texts.slashes(f.location().path());
      if (!Objects.equals(path, currentPath)) {
        if (currentPath != null) {
          sb.append('\n');
        }
        sb.append(bold(path)).append('\n');
        currentPath = path;
      }
      sb.append("  ").append(f.location().line()).append(':').append(f.location().column())
          .append("  ").append(severity(f.severity()))
          .append("  ").append(f.ruleId())
          .append("  ").append(f.rule().title()).append('\n');
      sb.append("      ").append(f.message()).append('\n');
      if (f.secret() != null) {
        sb.append("      secret: ").append(f.secret().redacted())
            .append(" (fingerprint ").append(f.secret().fingerprintText()).append(")\n");
      }
      sb.append("      fix: ").append(Texts.firstSentence(f.rule().remediation())).append('\n');
    }
    if (currentPath != null) {
      sb.append('\n');
    }
    diagnostics(report, sb);
    sb.append(summary(report)).append('\n');
    out.write(sb.toString());
    out.flush();
  }

  private void diagnostics(ScanReport report, StringBuilder sb) {
    List<Diagnostic> shown = new ArrayList<>();
    List<Diagnostic> skipped = new ArrayList<>();
    for (Diagnostic d : report.diagnostics()) {
      (d.kind() == Diagnostic.Kind.SKIPPED ? skipped : shown).add(d);
    }
    if (skipped.size() <= SKIP_DETAIL_LIMIT) {
      shown.addAll(skipped);
    }
    if (shown.isEmpty() && skipped.isEmpty()) {
      return;
    }
    sb.append(bold("Diagnostics")).append('\n');
    for (Diagnostic d : shown) {
      sb.append("  ").append(Texts.slashes(d.location().toString())).append("  ")
          .append(d.kind().id()).append("  ").append(d.message()).append('\n');
    }
    if (skipped.size() > SKIP_DETAIL_LIMIT) {
      Map<String, Integer> reasons = new TreeMap<>();
      for (Diagnostic d : skipped) {
        reasons.merge(reason(d.message()), 1, Integer::sum);
      }
      sb.append("  ").append(skipped.size()).append(" files skipped:\n");
      reasons.forEach((why, n) ->
          sb.append("    ").append(n).append("  ").append(why).append('\n'));
    }
    sb.append('\n');
  }

  /** A skip message without file-specific details, so equal reasons group together. */
  static String reason(String message) {
    String m = message;
    int paren = m.indexOf(" (");
    if (paren > 0) {
      m = m.substring(0, paren);
    }
    return m.replaceAll("\\d+", "N");
  }

  static String summary(ScanReport report) {
    int total = report.findings().size();
    StringBuilder sb = new StringBuilder();
    sb.append(total).append(total == 1 ? " finding" : " findings");
    List<String> parts = new ArrayList<>();
    Map<Severity, Integer> counts = Texts.bySeverity(report);
    for (int i = Severity.values().length - 1; i >= 0; i--) {
      Severity s = Severity.values()[i];
      if (counts.get(s) > 0) {
        parts.add(counts.get(s) + " " + s.id());
      }
    }
    if (!parts.isEmpty()) {
      sb.append(" (").append(String.join(", ", parts)).append(')');
    }
    sb.append(" in ").append(report.filesScanned())
        .append(report.filesScanned() == 1 ? " file" : " files");
    sb.append("; ").append(report.suppressed()).append(" suppressed");
    sb.append("; ").append(report.filesSkipped()).append(" skipped");
    sb.append("; ").append(Texts.seconds(report.elapsed())).append(" s");
    return sb.toString();
  }

  private String severity(Severity s) {
    String label = s.name();
    if (!options.color()) {
      return label;
    }
    String code = switch (s) {
      case CRITICAL -> "\u001b[1;35m";
      case HIGH -> "\u001b[1;31m";
      case MEDIUM -> "\u001b[33m";
      case LOW -> "\u001b[36m";
      case INFO -> "\u001b[2m";
    };
    return code + label + RESET;
  }

  private String bold(String text) {
    return options.color() ? "\u001b[1m" + text + RESET : text;
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
