package dev.imprint.scan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. The driver lists only the rules
 * that have results (sorted by id), which keeps uploads small; {@code ruleIndex} points into it.
 */
final class SarifReporter implements Reporter {
  static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  static final String INFORMATION_URI = "https://github.com/imprint-dev/imprint";
  static final String FINGERPRINT_KEY = "imprint/v1";

  private final ReportOptions options;

  SarifReporter(ReportOptions options) {
    this.options = options;
  }

  @Override
  public void write(ScanReport report, Writer out) throws IOException {
    Map<String, Rule> rules = new TreeMap<>();
    for (Finding f : report.findings()) {
      rules.put(f.ruleId(), f.rule());
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    ObjectNode root = Json.object();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "Imprint");
    driver.put("informationUri", INFORMATION_URI);
    driver.put("semanticVersion", options.toolVersion());
    ArrayNode ruleArray = driver.putArray("rules");
    for (Rule r : rules.values()) {
      index.put(r.id(), index.size());
      ruleArray.add(rule(r));
    }
    ObjectNode invocation = run.putArray("invocations").addObject();
    invocation.put("executionSuccessful", true);
    ArrayNode notes = invocation.putArray("toolExecutionNotifications");
    for (Diagnostic d : report.diagnostics()) {
      ObjectNode n = notes.addObject();
      n.put("level", d.kind() == Diagnostic.Kind.INTERNAL_ERROR ? "error"
          : d.kind() == Diagnostic.Kind.PARSE_ERROR ? "warning" : "note");
      n.putObject("message").put("text", d.message());
      n.putObject("descriptor").put("id", d.kind().id());
      n.putArray("locations").add(location(d.location().path(), d.location().line(),
          d.location().column()));
    }
    run.putObject("originalUriBaseIds").putObject("%SRCROOT%")
        .putObject("description").put("text", "The directory the scan ran from.");
    ArrayNode results = run.putArray("results");
    for (Finding f : report.findings()) {
      ObjectNode r = results.addObject();
      r.put("ruleId", f.ruleId());
      r.put("ruleIndex", index.get(f.ruleId()));
      r.put("level", level(f.severity()));
      String text = f.message();
      if (f.secret() != null) {
        text += " (secret " + f.secret().redacted() + ", fingerprint "
            + f.secret().fingerprint() + ")";
      }
      r.putObject("message").put("text", text);
      r.putArray("locations").add(location(f.location().path(), f.location().line(),
          f.location().column()));
      if (f.fingerprint() != null) {
        r.putObject("partialFingerprints").put(FINGERPRINT_KEY, f.fingerprint());
      }
      r.putObject("properties").put("severity", f.severity().id());
    }
    Json.write(root, out);
  }

  private static ObjectNode rule(Rule r) {
    ObjectNode o = Json.object();
    o.put("id", r.id());
    o.put("name", Texts.camelCase(r.title()));
    o.putObject("shortDescription").put("text", r.title());
    o.putObject("fullDescription").put("text", r.rationale());
    ObjectNode help = o.putObject("help");
    help.put("text", r.rationale() + "\n\nRemediation: " + r.remediation()
        + "\n\nBad:\n" + r.badExample() + "\n\nGood:\n" + r.goodExample());
    help.put("markdown", "**" + r.title() + "**\n\n" + r.rationale()
        + "\n\n**Remediation.** " + r.remediation()
        + "\n\nBad:\n\n```\n" + r.badExample() + "\n```\n\nGood:\n\n```\n"
        + r.goodExample() + "\n```\n");
    o.putObject("defaultConfiguration").put("level", level(r.severity()));
    ObjectNode props = o.putObject("properties");
    ArrayNode tags = props.putArray("tags");
    tags.add("security");
    for (String t : r.tags()) {
      tags.add(t);
    }
    props.put("precision", "high");
    props.put("security-severity",
        String.format(Locale.ROOT, "%.1f", r.severity().securitySeverity()));
    props.put("category", r.category().id());
    return o;
  }

  private static ObjectNode location(String path, int line, int column) {
    ObjectNode loc = Json.object();
    ObjectNode physical = loc.putObject("physicalLocation");
    ObjectNode artifact = physical.putObject("artifactLocation");
    artifact.put("uri", uri(path));
    artifact.put("uriBaseId", "%SRCROOT%");
    ObjectNode region = physical.putObject("region");
    region.put("startLine", Math.max(1, line));
    region.put("startColumn", Math.max(1, column));
    return loc;
  }

  /** A relative URI reference with forward slashes and percent-encoded unsafe characters. */
  static String uri(String path) {
    String p = Texts.slashes(path);
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : p.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (Character.isLetterOrDigit(c) && c < 128 || "/-._~".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return sb.toString();
  }

  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }
}
