package dev.imprint.scan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Location;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.SecretEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {
  private static final String RAW = "AKIAxxxxRAWSECRETVALUE1234567890";

  static ScanReport report(Finding... findings) {
    return new ScanReport(List.of(findings), List.of(), 3, 30, 0, 0, Duration.ZERO);
  }

  static Finding finding(String path, String fp) {
    Rule rule = Catalog.rules().get(0);
    return rule.at(Location.of(path, 4), "secret in 'token'").withSecret(SecretEvidence.of(RAW))
        .withFingerprint(fp);
  }

  @Test
  void writtenBaselineFiltersTheSameFindingsAndCountsThem(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("baseline.json");
    Baseline.write(report(finding("a.yaml", "fp1"), finding("b.yaml", "fp2")), file);
    Baseline baseline = Baseline.read(file);
    assertThat(baseline.fingerprints()).containsExactlyInAnyOrder("fp1", "fp2");
    Baseline.Applied applied = baseline.apply(
        report(finding("a.yaml", "fp1"), finding("c.yaml", "fp3")));
    assertThat(applied.baselined()).isEqualTo(1);
    assertThat(applied.report().findings()).extracting(f -> f.location().path())
        .containsExactly("c.yaml");
    assertThat(applied.report().filesScanned()).isEqualTo(3);
  }

  @Test
  void baselineFileHasTheDocumentedShapeAndNoSecret(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("baseline.json");
    Baseline.write(report(finding("b\\x.yaml", "fp2"), finding("a.yaml", "fp1")), file);
    String json = Files.readString(file);
    assertThat(json).startsWith("{\n  \"schemaVersion\" : 1,")
        .contains("\"path\" : \"a.yaml\"").contains("\"path\" : \"b/x.yaml\"")
        .contains("\"ruleId\" : \"" + Catalog.rules().get(0).id() + "\"")
        .doesNotContain(RAW).doesNotContain(SecretEvidence.of(RAW).redacted());
    assertThat(json.indexOf("a.yaml")).isLessThan(json.indexOf("b/x.yaml"));
    try (var files = Files.list(tmp)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void malformedBaselinesAreConfigErrors(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("b.json");
    Files.writeString(file, "[1]");
    assertThatThrownBy(() -> Baseline.read(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected a JSON object");
    Files.writeString(file, "{\"schemaVersion\": 2, \"entries\": []}");
    assertThatThrownBy(() -> Baseline.read(file)).hasMessageContaining("schemaVersion");
    Files.writeString(file, "{\"schemaVersion\": 1, \"entries\": [{}]}");
    assertThatThrownBy(() -> Baseline.read(file)).hasMessageContaining("entries[0].fingerprint");
    assertThatThrownBy(() -> Baseline.read(tmp.resolve("missing.json")))
        .hasMessageContaining("cannot read baseline");
  }
}
