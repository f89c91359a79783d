package dev.imprint.scan.report;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JUnit XML for CI test-report views (Jenkins {@code junit}, GitLab {@code reports: junit}): one
 * testsuite per file with findings, one failing testcase per finding; a scan without findings is
 * one passing testcase so the report is never empty.
 */
final class JunitReporter implements Reporter {
  private final ReportOptions options;

  JunitReporter(ReportOptions options) {
    this.options = options;
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    Map<String, List<Finding>> byFile = new TreeMap<>();
    for (Finding f : report.findings()) {
      byFile.computeIfAbsent(Texts.slashes(f.location().path()), k -> new ArrayList<>()).add(f);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int total = report.findings().size();
    sb.append("<testsuites name=\"imprint ").append(esc(options.toolVersion()))
        .append("\" tests=\"").append(Math.max(1, total))
        .append("\" failures=\"").append(total).append("\" time=\"")
        .append(Texts.seconds(report.elapsed())).append("\">\n");
    if (byFile.isEmpty()) {
      sb.append("  <testsuite name=\"imprint\" tests=\"1\" failures=\"0\">\n");
      sb.append("    <testcase classname=\"imprint\" name=\"")
          .append(report.filesScanned()).append(" files scanned, no findings\"/>\n");
      sb.append("  </testsuite>\n");
    }
    for (Map.Entry<String, List<Finding>> e : byFile.entrySet()) {
      String file = esc(e.getKey());
      sb.append("  <testsuite name=\"").append(file).append("\" tests=\"")
          .append(e.getValue().size()).append("\" failures=\"").append(e.getValue().size())
          .append("\">\n");
      for (Finding f : e.getValue()) {
        sb.append("    <testcase classname=\"").append(file).append("\" name=\"")
            .append(esc(f.ruleId() + " line " + f.location().line())).append("\" file=\"")
            .append(file).append("\" line=\"").append(f.location().line()).append("\">\n");
        sb.append("      <failure type=\"").append(esc(f.ruleId())).append("\" message=\"")
            .append(esc(f.severity().id() + ": " + f.rule().title())).append("\">");
        StringBuilder body = new StringBuilder();
        body.append(f.location()).append('\n').append(f.message()).append('\n');
        if (f.secret() != null) {
          body.append("secret: ").append(f.secret().redacted()).append(" (fingerprint ")
              .append(f.secret().fingerprintText()).append(")\n");
        }
        body.append("fix: ").append(Texts.firstSentence(f.rule().remediation()));
        sb.append(esc(body.toString())).append("</failure>\n");
        sb.append("    </testcase>\n");
      }
      sb.append("  </testsuite>\n");
    }
    sb.append("</testsuites>\n");
    out.write(sb.toString());
    out.flush();
  }

  /** Escapes XML markup and drops characters XML 1.0 cannot carry. */
  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&apos;");
        default -> {
          boolean legal = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
          sb.appendCodePoint(legal ? c : 0xFFFD);
        }
      }
    });
    return sb.toString();
  }
}
