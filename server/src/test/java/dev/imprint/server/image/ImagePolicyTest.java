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
  void partsFromAnyoneButAPipelineBoundToTheImagesIdentityAreViolationsByDefault() {
    ImagePolicy p = ImagePolicy.defaults();
    ReportSummary clean = scan("imprint-json", Map.of());
    Image.Supplier admin = new Image.Supplier("token:a", "admin", null);
    Image.Supplier other = new Image.Supplier("token:o", "pipeline",
        "spiffe://imprint.local/billing/api");
    assertThat(p.evaluate(image(clean, null, FULL, admin))).containsExactly(
        "reports.trustedSuppliers: the scan report was supplied by token:a (admin); the"
            + " provenance was supplied by token:a (admin); expected a pipeline token bound to "
            + IDENTITY);
    assertThat(p.evaluate(image(null, null, FULL, other))).containsExactly(
        "reports.trustedSuppliers: the provenance was supplied by token:o (pipeline, bound to"
            + " spiffe://imprint.local/billing/api); expected a pipeline token bound to "
            + IDENTITY);
    Image unrecorded = new Image(DIGEST, "registry.example/payments/api", null,
        "0123456789abcdef", IDENTITY, FULL, null, null, Image.Status.REGISTERED, Instant.EPOCH,
        "token:x", Instant.EPOCH, null, null);
    assertThat(p.evaluate(unrecorded)).containsExactly("reports.trustedSuppliers: the"
        + " provenance has no recorded supplier (registered before suppliers were recorded);"
        + " expected a pipeline token bound to " + IDENTITY);
    assertThat(p.evaluate(image(null, null, Image.Provenance.NONE, admin)))
        .as("nothing supplied, nothing to trust").containsExactly(
            "provenance.require: missing sourceRepository, commit");

    ImagePolicy admins = ImagePolicy.parse("reports:\n  trustedSuppliers: [boundPipeline,"
        + " admin]\n", "p.yaml");
    assertThat(admins.evaluate(image(clean, null, FULL, admin))).isEmpty();
    assertThat(admins.evaluate(image(null, null, FULL, other))).singleElement().asString()
        .endsWith("expected a pipeline token bound to " + IDENTITY + " or an admin token");
    assertThat(ImagePolicy.parse("reports:\n  trustedSuppliers: [admin]\n", "p.yaml")
        .evaluate(image(clean, null, FULL))).singleElement().asString()
        .contains("(pipeline, bound to " + IDENTITY + ")").endsWith("expected an admin token");
  }

  @Test
  void reportsMustSayWhatWroteThemAndWhatTheyScanned() {
    ImagePolicy p = ImagePolicy.defaults();
    ReportSummary empty = new ReportSummary("imprint-json", Map.of());
    assertThat(p.evaluate(image(empty, null, FULL))).containsExactly(
        "reports.requireAttribution: the scan report names no scanner (tool.name); the scan"
            + " report scanned no file (summary.filesScanned is missing)");
    ReportSummary noFiles = new ReportSummary("imprint-json", Map.of(), new ReportSummary.Source(
        "imprint", "0.1.0", 0, null, List.of(), null));
    assertThat(p.evaluate(image(noFiles, null, FULL))).singleElement().asString()
        .contains("summary.filesScanned is 0");
    ReportSummary sarif = new ReportSummary("sarif", Map.of(), new ReportSummary.Source(
        "Imprint", null, null, null, List.of(), "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3"));
    assertThat(p.evaluate(image(sarif, null, FULL))).as("an abbreviated SHA of the same commit")
        .isEmpty();
    ReportSummary otherCommit = new ReportSummary("sarif", Map.of(), new ReportSummary.Source(
        "Imprint", null, null, null, List.of(), "b".repeat(40)));
    assertThat(p.evaluate(image(otherCommit, null, FULL))).singleElement().asString()
        .contains("the scan report is of commit " + "b".repeat(40) + ", the provenance names"
            + " 3f9a1c2");

    ReportSummary.Source byTag = new ReportSummary.Source("grype", "0.84.0", null,
        "registry.example/payments/api:1.4.2", List.of(), null);
    assertThat(p.evaluate(image(null, new ReportSummary("grype", Map.of(), byTag), FULL)))
        .isEmpty();
    ReportSummary.Source otherRepo = new ReportSummary.Source("grype", "0.84.0", null,
        "registry.example/billing/api:1.4.2", List.of(), null);
    assertThat(p.evaluate(image(null, new ReportSummary("grype", Map.of(), otherRepo), FULL)))
        .singleElement().asString().contains("is about registry.example/billing/api:1.4.2, not"
            + " registry.example/payments/api");
    String another = "sha256:" + "b".repeat(64);
    ReportSummary.Source otherDigest = new ReportSummary.Source(null, null, null,
        "registry.example/payments/api@" + another, List.of(another), null);
    assertThat(p.evaluate(image(null, new ReportSummary("trivy", Map.of(), otherDigest),
        FULL))).singleElement().asString().contains("is about " + another + ", not this image");
    assertThat(p.evaluate(image(null, new ReportSummary("trivy", Map.of()), FULL)))
        .singleElement().asString().contains("names no image it scanned");

    ImagePolicy lax = ImagePolicy.parse("reports:\n  requireAttribution: false\n", "p.yaml");
    assertThat(lax.evaluate(image(empty, null, FULL))).isEmpty();
    assertThat(ImagePolicy.repositoryOf("registry.example:5000/a/b:1.2")).isEqualTo(
        "registry.example:5000/a/b");
    assertThat(ImagePolicy.repositoryOf("registry.example:5000/a/b@" + another)).isEqualTo(
        "registry.example:5000/a/b");
  }

  @Test
  void theReportsSectionIsDescribedAndItsTyposAreRefused() {
    Map<String, Object> shown = ImagePolicy.defaults().describe();
    assertThat(shown.get("reports").toString())
        .isEqualTo("{trustedSuppliers=[boundPipeline], requireAttribution=true}");
    assertThatThrownBy(() -> ImagePolicy.parse("reports:\n  trustedSupplier: [admin]\n",
        "p.yaml")).hasMessageContaining("p.yaml: reports:2: unknown key 'trustedSupplier'");
    assertThatThrownBy(() -> ImagePolicy.parse("reports:\n  trustedSuppliers: [root]\n",
        "p.yaml")).hasMessageContaining("expected trusted suppliers from boundPipeline, admin,"
            + " got 'root'");
    assertThatThrownBy(() -> ImagePolicy.parse("reports:\n  trustedSuppliers: []\n",
        "p.yaml")).hasMessageContaining("expected at least one trusted supplier");
    assertThatThrownBy(() -> ImagePolicy.parse("reports:\n  requireAttribution: sometimes\n",
        "p.yaml")).hasMessageContaining("true or false");
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
