package dev.imprint.scan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * Imprint's own JSON format, schema version 1 (documented in docs/output-formats.md). Fields are
 * only ever added within a schema version; removing or renaming one bumps the version.
 */
final class JsonReporter implements Reporter {
  static final int SCHEMA_VERSION = 1;

  private final ReportOptions options;

  JsonReporter(ReportOptions options) {
    this.options = options;
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    ObjectNode root = Json.object();
    root.put("schemaVersion", SCHEMA_VERSION);
    ObjectNode tool = root.putObject("tool");
    tool.put("name", "imprint");
    tool.put("version", options.toolVersion());
    ObjectNode summary = root.putObject("summary");
    summary.put("findings", report.findings().size());
    ObjectNode bySeverity = summary.putObject("bySeverity");
    Map<Severity, Integer> counts = Texts.bySeverity(report);
    for (int i = Severity.values().length - 1; i >= 0; i--) {
      Severity s = Severity.values()[i];
      bySeverity.put(s.id(), counts.get(s));
    }
    summary.put("filesScanned", report.filesScanned());
    summary.put("bytesScanned", report.bytesScanned());
    summary.put("filesSkipped", report.filesSkipped());
    summary.put("suppressed", report.suppressed());
    summary.put("diagnostics", report.diagnostics().size());
    ArrayNode findings = root.putArray("findings");
    for (Finding f : report.findings()) {
      ObjectNode o = findings.addObject();
      o.put("ruleId", f.ruleId());
      o.put("title", f.rule().title());
      o.put("severity", f.severity().id());
      o.put("category", f.rule().category().id());
      o.put("path", Texts.slashes(f.location().path()));
      o.put("line", f.location().line());
      o.put("column", f.location().column());
      o.put("message", f.message());
      if (f.fingerprint() != null) {
        o.put("fingerprint", f.fingerprint());
      } else {
        o.putNull("fingerprint");
      }
      if (f.secret() != null) {
        ObjectNode secret = o.putObject("secret");
        secret.put("redacted", f.secret().redacted());
        secret.put("fingerprint", f.secret().fingerprint());
        secret.put("guessable", f.secret().guessable());
      }
    }
    ArrayNode diagnostics = root.putArray("diagnostics");
    for (Diagnostic d : report.diagnostics()) {
      ObjectNode o = diagnostics.addObject();
      o.put("path", Texts.slashes(d.location().path()));
      o.put("line", d.location().line());
      o.put("column", d.location().column());
      o.put("kind", d.kind().id());
      o.put("message", d.message());
    }
    Json.write(root, out);
  }
}
