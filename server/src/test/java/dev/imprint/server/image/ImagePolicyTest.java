package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePolicyTest {
  @TempDir Path dir;

  private static final String IDENTITY = "spiffe://imprint.local/payments/api";
  private static final Image.Supplier PIPELINE = new Image.Supplier("token:p", "pipeline",
      IDENTITY);

  /** An image whose every part comes from a pipeline token bound to its identity. */
  private static Image image(ReportSummary scan, ReportSummary vulns, Image.Provenance p) {
    return image(scan, vulns, p, PIPELINE);
  }

  private static Image image(ReportSummary scan, ReportSummary vulns, Image.Provenance p,
      Image.Supplier by) {
    return new Image(DIGEST, "registry.example/payments/api", "1.4.2",
        "0123456789abcdef", IDENTITY, p, scan, vulns, Image.Status.REGISTERED, Instant.EPOCH,
        "token:x", Instant.EPOCH, null, new Image.Suppliers(scan == null ? null : by,
            vulns == null ? null : by, p.present() ? by : null));
  }

  private static final String DIGEST = "sha256:" + "a".repeat(64);

  /** A scan report that names its scanner and what it scanned. */
  private static ReportSummary scan(String format, Map<String, Integer> counts) {
    return new ReportSummary(format, counts, new ReportSummary.Source("imprint", "0.1.0", 12,
        null, List.of(), null));
  }

  /** A vulnerability report about this image. */
  private static ReportSummary vulns(String format, Map<String, Integer> counts) {
    return new ReportSummary(format, counts, new ReportSummary.Source(format, "1", null,
        "registry.example/payments/api@" + DIGEST, List.of(DIGEST), null));
  }

  private static final Image.Provenance FULL = new Image.Provenance("github.com/acme/payments",
      "3f9a1c2", "run-88", "github-actions");

  @Test
  void theDefaultRefusesHighFindingsCriticalVulnerabilitiesAndMissingProvenance() {
    ImagePolicy p = ImagePolicy.defaults();
    assertThat(p.evaluate(image(null, null, FULL))).isEmpty();
    assertThat(p.evaluate(image(scan("imprint-json", Map.of("medium", 3)),
        vulns("trivy", Map.of("high", 4)), FULL))).isEmpty();
    assertThat(p.evaluate(image(scan("imprint-json", Map.of("high", 1,
        "critical", 1)), vulns("grype", Map.of("critical", 2)),
        Image.Provenance.NONE)))
        .containsExactly(
            "findings.denyAtOrAbove: 2 Imprint findings at or above high (1 critical, 1 high"
                + " in the imprint-json report)",
            "vulnerabilities.denyAtOrAbove: 2 vulnerabilities at or above critical (2 critical"
                + " in the grype report)",
            "provenance.require: missing sourceRepository, commit");
    assertThat(p.allowForce()).isFalse();
  }

  @Test
  void aPolicyFileOverridesOnlyTheKeysItGives() throws Exception {
    Path f = dir.resolve("policy.yaml");
    Files.writeString(f, """
        version: 1
        findings:
          denyAtOrAbove: medium
          requireReport: true
        vulnerabilities:
          requireReport: true
        provenance:
          require: [commit, builder]
        allowForce: true
        """);
    ImagePolicy p = ImagePolicy.load(f);
    assertThat(p.findingsDenyAtOrAbove()).isEqualTo("medium");
    assertThat(p.vulnerabilitiesDenyAtOrAbove()).isEqualTo("critical");
    assertThat(p.requiredProvenance()).isEqualTo(Set.of("commit", "builder"));
    assertThat(p.allowForce()).isTrue();
    assertThat(p.evaluate(image(null, null, new Image.Provenance(null, "abc", null, null))))
        .containsExactly("findings.requireReport: no Imprint scan report (JSON or SARIF) is"
            + " attached", "vulnerabilities.requireReport: no Trivy or Grype report is attached",
            "provenance.require: missing builder");
    Files.writeString(f, "findings:\n  denyAtOrAbove: none\nprovenance:\n  require: []\n");
    assertThat(ImagePolicy.load(f).evaluate(image(scan("sarif",
        Map.of("critical", 9)), null, Image.Provenance.NONE))).isEmpty();
  }

  @Test
  void typosAndWrongValuesAreRefusedWithTheLine() throws Exception {
    assertThatThrownBy(() -> ImagePolicy.parse("findings:\n  denyAtOrAbov: high\n", "p.yaml"))
        .hasMessage("p.yaml: findings:2: unknown key 'denyAtOrAbov'; expected one of"
            + " denyAtOrAbove, requireReport");
    assertThatThrownBy(() -> ImagePolicy.parse("vulnerabilities:\n  denyAtOrAbove: severe\n",
        "p.yaml")).hasMessageContaining("p.yaml:2:").hasMessageContaining("got 'severe'");
    assertThatThrownBy(() -> ImagePolicy.parse("allowForce: maybe\n", "p.yaml"))
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> ImagePolicy.parse("provenance:\n  require: [signature]\n",
        "p.yaml")).hasMessageContaining("got 'signature'");
    assertThatThrownBy(() -> ImagePolicy.parse("version: 2\n", "p.yaml"))
        .hasMessageContaining("expected version 1");
    assertThatThrownBy(() -> ImagePolicy.parse("findings: [\n", "p.yaml"))
        .hasMessageStartingWith("p.yaml:");
    assertThat(ImagePolicy.parse("", "p.yaml")).isEqualTo(ImagePolicy.defaults());
  }
}
