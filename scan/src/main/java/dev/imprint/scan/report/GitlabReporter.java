package dev.imprint.scan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.Severity;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** GitLab SAST report (schema 15.0.7) for {@code artifacts: reports: sast:}. */
final class GitlabReporter implements Reporter {
  static final String SCHEMA_VERSION = "15.0.7";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final ReportOptions options;

  GitlabReporter(ReportOptions options) {
    this.options = options;
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    Instant end = options.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Instant start = end.minus(report.elapsed()).truncatedTo(ChronoUnit.SECONDS);
    ObjectNode root = Json.object();
    root.put("version", SCHEMA_VERSION);
    ObjectNode scan = root.putObject("scan");
    ObjectNode analyzer = scan.putObject("analyzer");
    analyzer.put("id", "imprint");
    analyzer.put("name", "Imprint");
    analyzer.put("version", options.toolVersion());
    analyzer.putObject("vendor").put("name", "Imprint");
    ObjectNode scanner = scan.putObject("scanner");
    scanner.put("id", "imprint");
    scanner.put("name", "Imprint");
    scanner.put("version", options.toolVersion());
    scanner.putObject("vendor").put("name", "Imprint");
    scan.put("type", "sast");
    scan.put("start_time", TIME.format(start));
    scan.put("end_time", TIME.format(end));
    scan.put("status", "success");
    ArrayNode vulns = root.putArray("vulnerabilities");
    for (Finding f : report.findings()) {
      ObjectNode v = vulns.addObject();
      v.put("id", f.fingerprint() != null ? f.fingerprint()
          : SecretlessId.of(f.ruleId(), f.location().toString(), f.message()));
      v.put("name", f.rule().title());
      String description = f.message();
      if (f.secret() != null) {
        description += " (secret " + f.secret().redacted() + ", fingerprint "
            + f.secret().fingerprintText() + ")";
      }
      v.put("description", description);
      v.put("severity", severity(f.severity()));
      v.put("solution", f.rule().remediation());
      ObjectNode location = v.putObject("location");
      location.put("file", Texts.slashes(f.location().path()));
      location.put("start_line", Math.max(1, f.location().line()));
      ObjectNode id = v.putArray("identifiers").addObject();
      id.put("type", "imprint_rule_id");
      id.put("name", f.ruleId());
      id.put("value", f.ruleId());
    }
    Json.write(root, out);
  }

  static String severity(Severity s) {
    String id = s.id();
    return Character.toUpperCase(id.charAt(0)) + id.substring(1);
  }

  /** A stable id for findings that have no scanner fingerprint (in-memory test reports). */
  static final class SecretlessId {
    private SecretlessId() {}

    static String of(String... parts) {
      return dev.imprint.scan.Digests.sha256Hex(String.join("\u0000", parts), 8);
    }
  }
}
