package dev.imprint.server.image;

import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import dev.imprint.scan.yaml.YamlScalar;
import dev.imprint.server.text.FreeText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's image policy: which scan results and provenance an image needs before it may
 * be approved. Read from a YAML file ({@code imprint server --image-policy FILE}); every key is
 * optional and defaults to {@link #defaults()}. Unknown keys are refused so a typo never
 * weakens the policy silently. See docs/api.md for the file format.
 *
 * @param findingsDenyAtOrAbove refuse when an Imprint finding is at or above this severity
 *     ({@code none} to allow all)
 * @param requireScanReport refuse when no Imprint (JSON or SARIF) report is attached
 * @param vulnerabilitiesDenyAtOrAbove refuse when a vulnerability is at or above this severity
 * @param requireVulnerabilityReport refuse when no Trivy or Grype report is attached
 * @param requiredProvenance provenance fields that must be present
 * @param allowForce whether an admin may approve despite violations (with a reason)
 * @param trustedSuppliers whose reports and provenance count: {@code boundPipeline} (a pipeline
 *     token bound to the image's identity) and/or {@code admin}; anything an image carries from
 *     anyone else is a violation, so nobody certifies an image for an identity they do not
 *     build for
 * @param requireAttribution whether each report must say what wrote it and what it scanned
 *     (an empty document is not "scanned, nothing found"), and name this image and commit where
 *     it names any
 */
public record ImagePolicy(String findingsDenyAtOrAbove, boolean requireScanReport,
    String vulnerabilitiesDenyAtOrAbove, boolean requireVulnerabilityReport,
    Set<String> requiredProvenance, boolean allowForce, Set<String> trustedSuppliers,
    boolean requireAttribution) {
  /** A supplier kind: a pipeline token bound to the image's identity. */
  public static final String BOUND_PIPELINE = "boundPipeline";
  /** A supplier kind: an admin token. */
  public static final String ADMIN = "admin";
  private static final List<String> LEVELS = List.of("critical", "high", "medium", "low",
      "info", "none");
  private static final List<String> PROVENANCE = List.of("sourceRepository", "commit",
      "pipelineRun", "builder");
  private static final List<String> SUPPLIERS = List.of(BOUND_PIPELINE, ADMIN);
  private static final long MAX_FILE = 64 * 1024;

  public ImagePolicy {
    requiredProvenance = Set.copyOf(requiredProvenance);
    trustedSuppliers = Set.copyOf(trustedSuppliers);
  }

  /**
   * No Imprint finding at or above high, no critical vulnerability, provenance with source
   * repository and commit; reports themselves optional; reports and provenance only from a
   * pipeline token bound to the image's identity, each report attributed; no forcing.
   */
  public static ImagePolicy defaults() {
    return new ImagePolicy("high", false, "critical", false,
        Set.of("sourceRepository", "commit"), false, Set.of(BOUND_PIPELINE), true);
  }

  /**
   * Reads a policy file.
   *
   * @throws IllegalArgumentException naming the file, line and what was expected
   */
  public static ImagePolicy load(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE) {
        throw new IllegalArgumentException("image policy " + file + ": expected at most "
            + MAX_FILE + " bytes, got " + Files.size(file));
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read image policy " + file + ": "
          + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses policy YAML; {@code name} prefixes error messages. */
  public static ImagePolicy parse(String text, String name) {
    YamlReader.Result r = YamlReader.read(text);
    if (!r.ok()) {
      throw new IllegalArgumentException(name + ":" + r.problem().line() + ":"
          + r.problem().column() + ": " + r.problem().message());
    }
    if (r.documents().isEmpty()) {
      return defaults();
    }
    if (r.documents().size() > 1 || !(r.documents().get(0) instanceof YamlMap root)) {
      throw new IllegalArgumentException(name + ": expected one YAML mapping");
    }
    ImagePolicy d = defaults();
    known(root, name, "version", "findings", "vulnerabilities", "provenance", "reports",
        "allowForce");
    String version = scalar(root, "version", name);
    if (version != null && !version.equals("1")) {
      throw at(name, root, "version", "expected version 1, got '"
          + FreeText.printable(version) + "'");
    }
    YamlMap findings = section(root, "findings", name);
    known(findings, name + ": findings", "denyAtOrAbove", "requireReport");
    YamlMap vulns = section(root, "vulnerabilities", name);
    known(vulns, name + ": vulnerabilities", "denyAtOrAbove", "requireReport");
    YamlMap prov = section(root, "provenance", name);
    known(prov, name + ": provenance", "require");
    YamlMap reports = section(root, "reports", name);
    known(reports, name + ": reports", "trustedSuppliers", "requireAttribution");
    return new ImagePolicy(level(findings, name, d.findingsDenyAtOrAbove()),
        bool(findings, "requireReport", name, d.requireScanReport()),
        level(vulns, name, d.vulnerabilitiesDenyAtOrAbove()),
        bool(vulns, "requireReport", name, d.requireVulnerabilityReport()),
        provenance(prov, name, d.requiredProvenance()),
        bool(root, "allowForce", name, d.allowForce()),
        suppliers(reports, name, d.trustedSuppliers()),
        bool(reports, "requireAttribution", name, d.requireAttribution()));
  }

  /** Every clause the image violates, each naming its policy key; empty when it passes. */
  public List<String> evaluate(Image image) {
    List<String> out = new ArrayList<>();
    if (requireScanReport && image.scan() == null) {
      out.add("findings.requireReport: no Imprint scan report (JSON or SARIF) is attached");
    }
    if (image.scan() != null && !findingsDenyAtOrAbove.equals("none")) {
      int n = image.scan().atOrAbove(findingsDenyAtOrAbove);
      if (n > 0) {
        out.add("findings.denyAtOrAbove: " + n + (n == 1 ? " Imprint finding" : " Imprint"
            + " findings") + " at or above " + findingsDenyAtOrAbove + " " + breakdown(
                image.scan(), findingsDenyAtOrAbove));
      }
    }
    if (requireVulnerabilityReport && image.vulnerabilities() == null) {
      out.add("vulnerabilities.requireReport: no Trivy or Grype report is attached");
    }
    if (image.vulnerabilities() != null && !vulnerabilitiesDenyAtOrAbove.equals("none")) {
      int n = image.vulnerabilities().atOrAbove(vulnerabilitiesDenyAtOrAbove);
      if (n > 0) {
        out.add("vulnerabilities.denyAtOrAbove: " + n + (n == 1 ? " vulnerability"
            : " vulnerabilities") + " at or above " + vulnerabilitiesDenyAtOrAbove + " "
            + breakdown(image.vulnerabilities(), vulnerabilitiesDenyAtOrAbove));
      }
    }
    List<String> missing = new ArrayList<>();
    Image.Provenance p = image.provenance();
    for (String f : PROVENANCE) {
      if (requiredProvenance.contains(f) && blank(switch (f) {
        case "sourceRepository" -> p.sourceRepository();
        case "commit" -> p.commit();
        case "pipelineRun" -> p.pipelineRun();
        default -> p.builder();
      })) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      out.add("provenance.require: missing " + String.join(", ", missing));
    }
    untrusted(image).ifPresent(out::add);
    if (requireAttribution) {
      unattributed(image).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The parts of the image (reports, provenance) that come from a supplier the policy does not
   * trust: whoever is not the identity's own pipeline (or an admin, when trusted) could
   * otherwise certify an image for an identity they do not build for.
   */
  private Optional<String> untrusted(Image image) {
    List<String> parts = new ArrayList<>();
    Image.Suppliers s = image.suppliers();
    check(image, image.scan() != null, s.scanReport(), "the scan report", parts);
    check(image, image.vulnerabilities() != null, s.vulnerabilityReport(),
        "the vulnerability report", parts);
    check(image, image.provenance().present(), s.provenance(), "the provenance", parts);
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    List<String> trusted = new ArrayList<>();
    if (trustedSuppliers.contains(BOUND_PIPELINE)) {
      trusted.add("a pipeline token bound to " + image.spiffeId());
    }
    if (trustedSuppliers.contains(ADMIN)) {
      trusted.add("an admin token");
    }
    return Optional.of("reports.trustedSuppliers: " + String.join("; ", parts) + "; expected "
        + String.join(" or ", trusted));
  }

  private void check(Image image, boolean present, Image.Supplier by, String part,
      List<String> out) {
    if (!present) {
      return;
    }
    if (by == null) {
      out.add(part + " has no recorded supplier (registered before suppliers were recorded)");
      return;
    }
    boolean boundPipeline = "pipeline".equals(by.role())
        && image.spiffeId().equals(by.identity());
    boolean admin = "admin".equals(by.role());
    if (boundPipeline && trustedSuppliers.contains(BOUND_PIPELINE)
        || admin && trustedSuppliers.contains(ADMIN)) {
      return;
    }
    out.add(part + " was supplied by " + by.token() + " (" + by.role()
        + (by.identity() == null ? (admin ? "" : ", bound to no identity")
            : ", bound to " + by.identity()) + ")");
  }

  /**
   * The reports that do not say what they are: a scan report that names no scanner (or, for
   * Imprint JSON, no scanned file), a vulnerability report that names no image or another
   * image, a report whose commit is not the provenance's. An empty document would otherwise
   * pass as "scanned, nothing found".
   */
  private static Optional<String> unattributed(Image image) {
    List<String> problems = new ArrayList<>();
    ReportSummary scan = image.scan();
    if (scan != null) {
      ReportSummary.Source src = scan.source();
      if (src.scanner() == null) {
        problems.add("the scan report names no scanner (" + (scan.format().equals("sarif")
            ? "runs[0].tool.driver.name" : "tool.name") + ")");
      }
      if (scan.format().equals("imprint-json")
          && (src.filesScanned() == null || src.filesScanned() < 1)) {
        problems.add("the scan report scanned no file (summary.filesScanned is "
            + (src.filesScanned() == null ? "missing" : src.filesScanned()) + ")");
      }
      String commit = image.provenance().commit();
      if (src.commit() != null && (commit == null || !sameCommit(src.commit(), commit))) {
        problems.add("the scan report is of commit " + src.commit() + ", the provenance names "
            + (commit == null ? "no commit" : commit));
      }
    }
    ReportSummary vulns = image.vulnerabilities();
    if (vulns != null) {
      subjectProblem(image, vulns.source()).ifPresent(problems::add);
    }
    return problems.isEmpty() ? Optional.empty()
        : Optional.of("reports.requireAttribution: " + String.join("; ", problems));
  }

  private static Optional<String> subjectProblem(Image image, ReportSummary.Source src) {
    if (src.subject() == null && src.subjectDigests().isEmpty()) {
      return Optional.of("the vulnerability report names no image it scanned (Trivy"
          + " ArtifactName, Grype source.target)");
    }
    if (!src.subjectDigests().isEmpty()) {
      return src.subjectDigests().contains(image.digest()) ? Optional.empty()
          : Optional.of("the vulnerability report is about " + src.subjectDigests().get(0)
              + ", not this image");
    }
    String repo = repositoryOf(src.subject());
    return repo.equals(image.repository()) ? Optional.empty()
        : Optional.of("the vulnerability report is about " + src.subject() + ", not "
            + image.repository());
  }

  /** {@code registry.example/app} of {@code registry.example/app:1.2} or {@code ...@sha256:..}. */
  static String repositoryOf(String reference) {
    String r = reference;
    int at = r.indexOf('@');
    if (at >= 0) {
      r = r.substring(0, at);
    }
    int colon = r.lastIndexOf(':');
    if (colon > r.lastIndexOf('/')) {
      r = r.substring(0, colon);
    }
    return r;
  }

  /** Full or abbreviated SHAs of one commit: one is a prefix of the other (7 digits at least). */
  private static boolean sameCommit(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    return Math.min(x.length(), y.length()) >= 7 && (x.startsWith(y) || y.startsWith(x));
  }

  /** The policy as the JSON-friendly map served by the API. */
  public Map<String, Object> describe() {
    Map<String, Object> findings = new LinkedHashMap<>();
    findings.put("denyAtOrAbove", findingsDenyAtOrAbove);
    findings.put("requireReport", requireScanReport);
    Map<String, Object> vulns = new LinkedHashMap<>();
    vulns.put("denyAtOrAbove", vulnerabilitiesDenyAtOrAbove);
    vulns.put("requireReport", requireVulnerabilityReport);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", 1);
    out.put("findings", findings);
    out.put("vulnerabilities", vulns);
    out.put("provenance", Map.of("require", PROVENANCE.stream()
        .filter(requiredProvenance::contains).toList()));
    Map<String, Object> reports = new LinkedHashMap<>();
    reports.put("trustedSuppliers", SUPPLIERS.stream().filter(trustedSuppliers::contains)
        .toList());
    reports.put("requireAttribution", requireAttribution);
    out.put("reports", reports);
    out.put("allowForce", allowForce);
    return out;
  }

  private static String breakdown(ReportSummary s, String from) {
    List<String> parts = new ArrayList<>();
    for (String sev : ReportSummary.SEVERITIES) {
      if (s.counts().get(sev) > 0) {
        parts.add(s.counts().get(sev) + " " + sev);
      }
      if (sev.equals(from)) {
        break;
      }
    }
    return "(" + String.join(", ", parts) + " in the " + s.format() + " report)";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static void known(YamlMap m, String where, String... keys) {
    Set<String> allowed = Set.of(keys);
    for (String k : m.keys()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(where + ":" + m.keyLine(k) + ": unknown key '" + k
            + "'; expected one of " + String.join(", ", keys));
      }
    }
  }

  private static YamlMap section(YamlMap root, String key, String name) {
    YamlNode n = root.get(key);
    if (n == null) {
      return root.map("\0absent");
    }
    if (!(n instanceof YamlMap m)) {
      throw at(name, root, key, "expected '" + key + "' to be a mapping");
    }
    return m;
  }

  private static String scalar(YamlMap m, String key, String name) {
    YamlNode n = m.get(key);
    if (n == null) {
      return null;
    }
    if (!(n instanceof YamlScalar s) || s.value() == null) {
      throw at(name, m, key, "expected '" + key + "' to be a single value");
    }
    return s.value();
  }

  private static String level(YamlMap m, String name, String fallback) {
    String v = scalar(m, "denyAtOrAbove", name);
    if (v == null) {
      return fallback;
    }
    if (!LEVELS.contains(v)) {
      throw at(name, m, "denyAtOrAbove", "expected denyAtOrAbove to be one of "
          + String.join(", ", LEVELS) + ", got '" + FreeText.printable(v) + "'");
    }
    return v;
  }

  private static boolean bool(YamlMap m, String key, String name, boolean fallback) {
    if (m.get(key) == null) {
      return fallback;
    }
    if (m.isTrue(key)) {
      return true;
    }
    if (m.isFalse(key)) {
      return false;
    }
    throw at(name, m, key, "expected " + key + " to be true or false");
  }

  private static Set<String> provenance(YamlMap m, String name, Set<String> fallback) {
    YamlNode n = m.get("require");
    if (n == null) {
      return fallback;
    }
    if (!(n instanceof YamlList list)) {
      throw at(name, m, "require", "expected provenance.require to be a list such as"
          + " [sourceRepository, commit]");
    }
    Set<String> out = new LinkedHashSet<>();
    for (YamlNode item : list.items()) {
      String v = item instanceof YamlScalar s ? s.value() : null;
      if (v == null || !PROVENANCE.contains(v)) {
        throw new IllegalArgumentException(name + ":" + item.line() + ": expected provenance"
            + " fields from " + String.join(", ", PROVENANCE) + ", got '"
            + FreeText.printable(v) + "'");
      }
      out.add(v);
    }
    return out;
  }

  private static Set<String> suppliers(YamlMap m, String name, Set<String> fallback) {
    YamlNode n = m.get("trustedSuppliers");
    if (n == null) {
      return fallback;
    }
    if (!(n instanceof YamlList list)) {
      throw at(name, m, "trustedSuppliers", "expected reports.trustedSuppliers to be a list"
          + " such as [boundPipeline]");
    }
    Set<String> out = new LinkedHashSet<>();
    for (YamlNode item : list.items()) {
      String v = item instanceof YamlScalar s ? s.value() : null;
      if (v == null || !SUPPLIERS.contains(v)) {
        throw new IllegalArgumentException(name + ":" + item.line() + ": expected trusted"
            + " suppliers from " + String.join(", ", SUPPLIERS) + ", got '"
            + FreeText.printable(v) + "'");
      }
      out.add(v);
    }
    if (out.isEmpty()) {
      throw at(name, m, "trustedSuppliers", "expected at least one trusted supplier ("
          + String.join(", ", SUPPLIERS) + "); with none, every report and provenance would be"
          + " refused");
    }
    return out;
  }

  private static IllegalArgumentException at(String name, YamlMap m, String key, String msg) {
    return new IllegalArgumentException(name + ":" + m.keyLine(key) + ": " + msg);
  }
}
