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
 *
 * <p>Locations are relative to {@code %SRCROOT%}, the scan's {@link SourceRoot}, whose absolute
 * URI {@code originalUriBaseIds} gives; a file outside it gets an absolute {@code file:} URI.
 * GitHub code scanning reads a result's severity from its rule's {@code security-severity} only,
 * so a finding whose severity differs from its rule's default (an escalated secret) refers to a
 * descriptor of its own, {@code RULE-ID/severity}, carrying that severity; the result also
 * carries {@code level} and {@code properties.security-severity} for other consumers.
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
    Map<String, Descriptor> rules = new TreeMap<>();
    for (Finding f : report.findings()) {
      Descriptor d = Descriptor.of(f);
      rules.put(d.id(), d);
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
    for (Descriptor d : rules.values()) {
      index.put(d.id(), index.size());
      ruleArray.add(rule(d));
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
    ObjectNode srcroot = run.putObject("originalUriBaseIds").putObject("%SRCROOT%");
    srcroot.put("uri", options.sourceRoot().rootUri());
    srcroot.putObject("description").put("text", "The root of the scanned sources: the git"
        + " work tree that holds the scan targets, else the directory the scan ran from.");
    ArrayNode results = run.putArray("results");
    for (Finding f : report.findings()) {
      ObjectNode r = results.addObject();
      String id = Descriptor.of(f).id();
      r.put("ruleId", id);
      r.put("ruleIndex", index.get(id));
      r.put("level", level(f.severity()));
      String text = f.message();
      if (f.secret() != null) {
        text += " (secret " + f.secret().redacted() + ", fingerprint "
            + f.secret().fingerprintText() + ")";
      }
      r.putObject("message").put("text", text);
      r.putArray("locations").add(location(f.location().path(), f.location().line(),
          f.location().column()));
      if (f.fingerprint() != null) {
        r.putObject("partialFingerprints").put(FINGERPRINT_KEY, partialFingerprint(f));
      }
      ObjectNode props = r.putObject("properties");
      props.put("severity", f.severity().id());
      props.put("security-severity", securitySeverity(f.severity()));
    }
    Json.write(root, out);
  }

  /**
   * The finding's fingerprint computed as the scanner does (rule, path, identity, occurrence;
   * see {@code Scanner.fingerprint}) but from its path relative to {@code %SRCROOT%}, so that
   * code scanning tracks an alert however the scan target was written; when the path shown is
   * already that relative path (the repository scanned as {@code .}) it is the finding's own
   * fingerprint.
   */
  private String partialFingerprint(Finding f) {
    String relative = options.sourceRoot().relative(f.location().path());
    if (relative == null || relative.equals(Texts.slashes(f.location().path()))
        || f.occurrence() < 1) {
      return f.fingerprint();
    }
    String base = f.ruleId() + "\0" + relative + "\0" + f.identityKey();
    return dev.imprint.scan.Digests.sha256Hex(base + "\0" + f.occurrence(), 16);
  }

  /**
   * A rule as results refer to it: the rule itself, or the rule at another severity when a
   * finding's severity differs from the rule's default ({@code IMP-K8S-005/critical}).
   */
  record Descriptor(String id, Rule rule, Severity severity) {
    static Descriptor of(Finding f) {
      Rule r = f.rule();
      return f.severity() == r.severity() ? new Descriptor(r.id(), r, r.severity())
          : new Descriptor(r.id() + "/" + f.severity().id(), r, f.severity());
    }

    boolean variant() {
      return severity != rule.severity();
    }
  }

  static String securitySeverity(Severity s) {
    return String.format(Locale.ROOT, "%.1f", s.securitySeverity());
  }

  private static ObjectNode rule(Descriptor d) {
    Rule r = d.rule();
    ObjectNode o = Json.object();
    o.put("id", d.id());
    o.put("name", Texts.camelCase(r.title()) + (d.variant()
        ? Texts.camelCase(d.severity().id()) : ""));
    o.putObject("shortDescription").put("text", r.title());
    o.putObject("fullDescription").put("text", r.rationale());
    ObjectNode help = o.putObject("help");
    help.put("text", r.rationale() + "\n\nRemediation: " + r.remediation()
        + "\n\nBad:\n" + r.badExample() + "\n\nGood:\n" + r.goodExample());
    help.put("markdown", "**" + r.title() + "**\n\n" + r.rationale()
        + "\n\n**Remediation.** " + r.remediation()
        + "\n\nBad:\n\n```\n" + r.badExample() + "\n```\n\nGood:\n\n```\n"
        + r.goodExample() + "\n```\n");
    o.putObject("defaultConfiguration").put("level", level(d.severity()));
    ObjectNode props = o.putObject("properties");
    ArrayNode tags = props.putArray("tags");
    tags.add("security");
    for (String t : r.tags()) {
      tags.add(t);
    }
    props.put("precision", "high");
    props.put("security-severity", securitySeverity(d.severity()));
    props.put("category", r.category().id());
    if (d.variant()) {
      props.put("defaultSeverity", r.severity().id());
    }
    return o;
  }

  private ObjectNode location(String path, int line, int column) {
    ObjectNode loc = Json.object();
    ObjectNode physical = loc.putObject("physicalLocation");
    ObjectNode artifact = physical.putObject("artifactLocation");
    String relative = options.sourceRoot().relative(path);
    if (relative != null) {
      artifact.put("uri", uri(relative));
      artifact.put("uriBaseId", "%SRCROOT%");
    } else {
      artifact.put("uri", options.sourceRoot().resolve(path).toUri().toString());
    }
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
