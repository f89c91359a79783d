package dev.imprint.server.image;

import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import dev.imprint.scan.yaml.YamlScalar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 */
public record ImagePolicy(String findingsDenyAtOrAbove, boolean requireScanReport,
    String vulnerabilitiesDenyAtOrAbove, boolean requireVulnerabilityReport,
    Set<String> requiredProvenance, boolean allowForce) {
  private static final List<String> LEVELS = List.of("critical", "high", "medium", "low",
      "info", "none");
  private static final List<String> PROVENANCE = List.of("sourceRepository", "commit",
      "pipelineRun", "builder");
  private static final long MAX_FILE = 64 * 1024;

  public ImagePolicy {
    requiredProvenance = Set.copyOf(requiredProvenance);
  }

  /**
   * No Imprint finding at or above high, no critical vulnerability, provenance with source
   * repository and commit; reports themselves optional; no forcing.
   */
  public static ImagePolicy defaults() {
    return new ImagePolicy("high", false, "critical", false,
        Set.of("sourceRepository", "commit"), false);
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
    known(root, name, "version", "findings", "vulnerabilities", "provenance", "allowForce");
    String version = scalar(root, "version", name);
    if (version != null && !version.equals("1")) {
      throw at(name, root, "version", "expected version 1, got '" + version + "'");
    }
    YamlMap findings = section(root, "findings", name);
    known(findings, name + ": findings", "denyAtOrAbove", "requireReport");
    YamlMap vulns = section(root, "vulnerabilities", name);
    known(vulns, name + ": vulnerabilities", "denyAtOrAbove", "requireReport");
    YamlMap prov = section(root, "provenance", name);
    known(prov, name + ": provenance", "require");
    return new ImagePolicy(level(findings, name, d.findingsDenyAtOrAbove()),
        bool(findings, "requireReport", name, d.requireScanReport()),
        level(vulns, name, d.vulnerabilitiesDenyAtOrAbove()),
        bool(vulns, "requireReport", name, d.requireVulnerabilityReport()),
        provenance(prov, name, d.requiredProvenance()),
        bool(root, "allowForce", name, d.allowForce()));
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
    return out;
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
          + String.join(", ", LEVELS) + ", got '" + v + "'");
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
            + " fields from " + String.join(", ", PROVENANCE) + ", got '" + v + "'");
      }
      out.add(v);
    }
    return out;
  }

  private static IllegalArgumentException at(String name, YamlMap m, String key, String msg) {
    return new IllegalArgumentException(name + ":" + m.keyLine(key) + ": " + msg);
  }
}
