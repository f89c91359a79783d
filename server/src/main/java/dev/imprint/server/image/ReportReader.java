package dev.imprint.server.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.text.FreeText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the reports a pipeline attaches to an image, keeping only severities and what each
 * report says about itself (scanner, files scanned, subject, commit): Imprint's own JSON
 * ({@code schemaVersion} 1) or SARIF 2.1.0 for findings, Trivy or Grype JSON for
 * vulnerabilities.
 */
final class ReportReader {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final int MAX_TEXT = 256;
  private static final int MAX_DIGESTS = 16;

  private ReportReader() {}

  /** Summarises an Imprint JSON or SARIF report; 400 {@code image.scan_report_invalid}. */
  static ReportSummary scan(JsonNode report) {
    if (!report.isObject()) {
      throw scanInvalid("expected a JSON object (Imprint JSON or SARIF 2.1.0), got "
          + report.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    if (report.has("schemaVersion") && report.has("findings")) {
      return imprint(report);
    }
    if (report.has("runs")) {
      return sarif(report);
    }
    throw scanInvalid("expected Imprint JSON (schemaVersion, findings) or SARIF 2.1.0 (version,"
        + " runs), got an object with fields " + fieldNames(report));
  }

  /** Summarises a Trivy or Grype JSON report; 400 {@code image.vulnerability_report_invalid}. */
  static ReportSummary vulnerabilities(JsonNode report) {
    if (report.isObject() && report.has("Results")) {
      return trivy(report);
    }
    if (report.isObject() && report.has("matches")) {
      return grype(report);
    }
    throw vulnInvalid("expected a Trivy JSON report (Results[].Vulnerabilities[]) or a Grype"
        + " JSON report (matches[].vulnerability), got " + (report.isObject()
            ? "an object with fields " + fieldNames(report)
            : report.getNodeType().name().toLowerCase(Locale.ROOT)));
  }

  private static ReportSummary imprint(JsonNode r) {
    if (r.path("schemaVersion").asInt(-1) != 1 || !r.get("schemaVersion").isIntegralNumber()) {
      throw scanInvalid("expected Imprint JSON schemaVersion 1, got " + r.get("schemaVersion"));
    }
    if (!r.get("findings").isArray()) {
      throw scanInvalid("expected 'findings' to be an array");
    }
    Map<String, Integer> counts = new HashMap<>();
    int i = 0;
    for (JsonNode f : r.get("findings")) {
      String sev = f.path("severity").asText("");
      if (!ReportSummary.SEVERITIES.contains(sev)) {
        throw scanInvalid("findings[" + i + "].severity: expected critical, high, medium, low"
            + " or info, got '" + FreeText.printable(sev) + "'");
      }
      counts.merge(sev, 1, Integer::sum);
      i++;
    }
    JsonNode files = r.path("summary").path("filesScanned");
    return new ReportSummary("imprint-json", counts, new ReportSummary.Source(
        text(r.path("tool").path("name")), text(r.path("tool").path("version")),
        files.canConvertToInt() && files.isIntegralNumber() && files.asInt() >= 0
            ? files.asInt() : null, null, List.of(), null));
  }

  private static ReportSummary sarif(JsonNode r) {
    if (!"2.1.0".equals(r.path("version").asText()) || !r.get("runs").isArray()) {
      throw scanInvalid("expected SARIF version 2.1.0 with a 'runs' array, got version '"
          + r.path("version").asText() + "'");
    }
    Map<String, Integer> counts = new HashMap<>();
    String commit = null;
    for (JsonNode run : r.get("runs")) {
      for (JsonNode vcs : run.path("versionControlProvenance")) {
        commit = commit != null ? commit : text(vcs.path("revisionId"));
      }
      JsonNode rules = run.path("tool").path("driver").path("rules");
      Map<String, JsonNode> byId = new HashMap<>();
      for (JsonNode rule : rules) {
        byId.put(rule.path("id").asText(), rule);
      }
      for (JsonNode res : run.path("results")) {
        JsonNode rule = res.has("ruleIndex") && rules.has(res.get("ruleIndex").asInt())
            ? rules.get(res.get("ruleIndex").asInt()) : byId.get(res.path("ruleId").asText());
        counts.merge(sarifSeverity(res, rule), 1, Integer::sum);
      }
    }
    JsonNode driver = r.get("runs").path(0).path("tool").path("driver");
    String version = text(driver.path("semanticVersion"));
    return new ReportSummary("sarif", counts, new ReportSummary.Source(text(driver.path("name")),
        version != null ? version : text(driver.path("version")), null, null, List.of(),
        commit));
  }

  /**
   * A SARIF result's severity: the rule's {@code security-severity} score mapped as GitHub
   * does (9.0 critical, 7.0 high, 4.0 medium, 0.1 low), else the result's {@code level}.
   */
  static String sarifSeverity(JsonNode result, JsonNode rule) {
    JsonNode score = rule == null ? null : rule.path("properties").get("security-severity");
    if (score != null && (score.isNumber() || score.isTextual())) {
      try {
        double s = score.isNumber() ? score.asDouble() : Double.parseDouble(score.asText());
        return s >= 9.0 ? "critical" : s >= 7.0 ? "high" : s >= 4.0 ? "medium"
            : s >= 0.1 ? "low" : "info";
      } catch (NumberFormatException ignored) {
        // fall back to the level
      }
    }
    String level = result.path("level").asText(rule == null ? "warning"
        : rule.path("defaultConfiguration").path("level").asText("warning"));
    return switch (level) {
      case "error" -> "high";
      case "warning" -> "medium";
      case "note" -> "low";
      default -> "info";
    };
  }

  private static ReportSummary trivy(JsonNode r) {
    if (!r.get("Results").isArray()) {
      throw vulnInvalid("expected Trivy 'Results' to be an array");
    }
    Map<String, Integer> counts = new HashMap<>();
    for (JsonNode result : r.get("Results")) {
      for (JsonNode v : result.path("Vulnerabilities")) {
        counts.merge(vulnSeverity(v.path("Severity").asText("")), 1, Integer::sum);
      }
    }
    String subject = text(r.path("ArtifactName"));
    List<String> digests = new ArrayList<>();
    digests(subject, digests);
    for (JsonNode d : r.path("Metadata").path("RepoDigests")) {
      digests(text(d), digests);
    }
    String version = text(r.path("Trivy").path("Version"));
    return new ReportSummary("trivy", counts, new ReportSummary.Source(
        version == null ? null : "trivy", version, null, subject, digests, null));
  }

  private static ReportSummary grype(JsonNode r) {
    if (!r.get("matches").isArray()) {
      throw vulnInvalid("expected Grype 'matches' to be an array");
    }
    Map<String, Integer> counts = new HashMap<>();
    for (JsonNode m : r.get("matches")) {
      counts.merge(vulnSeverity(m.path("vulnerability").path("severity").asText("")), 1,
          Integer::sum);
    }
    JsonNode target = r.path("source").path("target");
    String subject = target.isTextual() ? text(target) : text(target.path("userInput"));
    List<String> digests = new ArrayList<>();
    digests(subject, digests);
    for (JsonNode d : target.path("repoDigests")) {
      digests(text(d), digests);
    }
    digests(text(target.path("manifestDigest")), digests);
    return new ReportSummary("grype", counts, new ReportSummary.Source(
        text(r.path("descriptor").path("name")), text(r.path("descriptor").path("version")),
        null, subject, digests, null));
  }

  /** Trivy (CRITICAL..LOW, UNKNOWN) and Grype (Critical..Negligible, Unknown) severities. */
  static String vulnSeverity(String s) {
    String v = s.toLowerCase(Locale.ROOT);
    return switch (v) {
      case "critical", "high", "medium", "low" -> v;
      default -> "info";
    };
  }

  /**
   * A short text field of a report as the summary keeps it: null when absent, empty or not
   * text; control characters replaced and at most 256 characters kept.
   */
  private static String text(JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      return null;
    }
    String v = n.asText();
    StringBuilder sb = new StringBuilder();
    v.codePoints().limit(MAX_TEXT).forEach(cp -> sb.appendCodePoint(
        FreeText.allowed(cp) ? cp : '?'));
    return sb.toString();
  }

  /** Adds the image digests {@code text} names (at most {@value #MAX_DIGESTS} in all). */
  private static void digests(String text, List<String> out) {
    if (text == null) {
      return;
    }
    Matcher m = DIGEST.matcher(text);
    while (m.find() && out.size() < MAX_DIGESTS) {
      if (!out.contains(m.group())) {
        out.add(m.group());
      }
    }
  }

  private static String fieldNames(JsonNode n) {
    StringBuilder sb = new StringBuilder("[");
    var it = n.fieldNames();
    int shown = 0;
    while (it.hasNext() && shown < 8) {
      sb.append(shown++ == 0 ? "" : ", ").append(it.next());
    }
    return sb.append(it.hasNext() ? ", ...]" : "]").toString();
  }

  private static ApiProblem scanInvalid(String detail) {
    return ApiProblem.badRequest("image.scan_report_invalid", detail);
  }

  private static ApiProblem vulnInvalid(String detail) {
    return ApiProblem.badRequest("image.vulnerability_report_invalid", detail);
  }
}
