package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.http.ApiProblem;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ReportReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode fixture(String name) throws Exception {
    try (InputStream in = ReportReaderTest.class.getResourceAsStream("/reports/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void anImprintJsonReportIsCountedPerSeverity() throws Exception {
    ReportSummary s = ReportReader.scan(fixture("imprint-high.json"));
    assertThat(s.format()).isEqualTo("imprint-json");
    assertThat(s.counts()).containsEntry("high", 1).containsEntry("medium", 1)
        .containsEntry("critical", 0);
    assertThat(s.atOrAbove("high")).isEqualTo(1);
    assertThat(s.atOrAbove("medium")).isEqualTo(2);
  }

  @Test
  void sarifSeveritiesComeFromTheRulesSecuritySeverityElseTheLevel() throws Exception {
    ReportSummary s = ReportReader.scan(fixture("imprint-critical.sarif"));
    assertThat(s.format()).isEqualTo("sarif");
    assertThat(s.counts()).containsEntry("critical", 1).containsEntry("high", 1)
        .containsEntry("low", 1);
  }

  @Test
  void trivyAndGrypeSeveritiesAreCountedAndUnknownOrNegligibleCountAsInfo() throws Exception {
    ReportSummary trivy = ReportReader.vulnerabilities(fixture("trivy-critical.json"));
    assertThat(trivy.format()).isEqualTo("trivy");
    assertThat(trivy.counts()).containsEntry("critical", 1).containsEntry("high", 1)
        .containsEntry("medium", 1).containsEntry("low", 1).containsEntry("info", 1);
    ReportSummary grype = ReportReader.vulnerabilities(fixture("grype-clean.json"));
    assertThat(grype.format()).isEqualTo("grype");
    assertThat(grype.counts()).containsEntry("critical", 0).containsEntry("high", 1)
        .containsEntry("info", 1);
  }

  @Test
  void eachReportSaysWhatWroteItAndWhatItScannedWhereItDoes() throws Exception {
    ReportSummary.Source imprint = ReportReader.scan(fixture("imprint-clean.json")).source();
    assertThat(imprint.scanner()).isEqualTo("imprint");
    assertThat(imprint.scannerVersion()).isEqualTo("0.1.0");
    assertThat(imprint.filesScanned()).isEqualTo(2);
    assertThat(ReportReader.scan(JSON.readTree("{\"schemaVersion\":1,\"findings\":[]}"))
        .source()).isEqualTo(ReportSummary.Source.NONE);
    ReportSummary.Source sarif = ReportReader.scan(JSON.readTree("{\"version\":\"2.1.0\","
        + "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"Imprint\",\"semanticVersion\":"
        + "\"0.1.0\"}},\"versionControlProvenance\":[{\"revisionId\":\"abc1234\"}],"
        + "\"results\":[]}]}")).source();
    assertThat(sarif.scanner()).isEqualTo("Imprint");
    assertThat(sarif.scannerVersion()).isEqualTo("0.1.0");
    assertThat(sarif.commit()).isEqualTo("abc1234");
    ReportSummary.Source trivy = ReportReader.vulnerabilities(fixture("trivy-critical.json"))
        .source();
    assertThat(trivy.subject()).startsWith("registry.example/payments/api@sha256:1111");
    assertThat(trivy.subjectDigests()).containsExactly("sha256:" + "1".repeat(64));
    ReportSummary.Source grype = ReportReader.vulnerabilities(fixture("grype-clean.json"))
        .source();
    assertThat(grype.scanner()).isEqualTo("grype");
    assertThat(grype.scannerVersion()).isEqualTo("0.84.0");
    assertThat(grype.subject()).isEqualTo("registry.example/payments/api:1.4.2");
    assertThat(grype.subjectDigests()).isEmpty();
    ReportSummary.Source control = ReportReader.vulnerabilities(JSON.readTree("{\"matches\":[],"
        + "\"source\":{\"target\":{\"userInput\":\"a\\u001b[31m\"}}}")).source();
    assertThat(control.subject()).isEqualTo("a?[31m");
  }

  @Test
  void reportsOfTheWrongKindAreRefusedWithTheirOwnCodes() throws Exception {
    assertThatThrownBy(() -> ReportReader.scan(fixture("trivy-critical.json")))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code())
            .isEqualTo("image.scan_report_invalid"));
    assertThatThrownBy(() -> ReportReader.vulnerabilities(fixture("imprint-high.json")))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code())
            .isEqualTo("image.vulnerability_report_invalid"));
    assertThatThrownBy(() -> ReportReader.scan(JSON.readTree(
        "{\"schemaVersion\":2,\"findings\":[]}"))).hasMessageContaining("schemaVersion 1");
    assertThatThrownBy(() -> ReportReader.scan(JSON.readTree(
        "{\"schemaVersion\":1,\"findings\":[{\"severity\":\"severe\"}]}")))
        .hasMessageContaining("findings[0].severity");
  }
}
