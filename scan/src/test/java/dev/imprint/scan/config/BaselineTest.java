package dev.imprint.scan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.Finding;
import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.Location;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
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
    assertThat(json).startsWith("{\n  \"schemaVersion\" : 2,")
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
    Files.writeString(file, "{\"schemaVersion\": 3, \"entries\": []}");
    assertThatThrownBy(() -> Baseline.read(file)).hasMessageContaining("schemaVersion")
        .hasMessageContaining("expected 1 or 2, got 3");
    Files.writeString(file, "{\"schemaVersion\": 1, \"entries\": [{}]}");
    assertThatThrownBy(() -> Baseline.read(file)).hasMessageContaining("entries[0].fingerprint");
    assertThatThrownBy(() -> Baseline.read(tmp.resolve("missing.json")))
        .hasMessageContaining("cannot read baseline");
  }

  /** Code that Imprint 0.1 scanned, and the baseline 0.1 wrote for it (by its own jar). */
  static final Path V1 = Path.of("src/test/resources/baseline/v1");

  static ScanReport scanV1(FingerprintKey key) {
    return Scanner.create(ScanSettings.defaults().withThreads(1).withFingerprintKey(key))
        .scan(List.of(V1.resolve("repo")));
  }

  @Test
  void aBaselineWrittenByImprint01StillAcceptsItsSecretFindings() throws Exception {
    Baseline old = Baseline.read(V1.resolve("baseline-0.1.json"));
    assertThat(old.legacy()).isTrue();
    ScanReport report = scanV1(FingerprintKey.ephemeral());
    List<Finding> secrets = report.findings().stream().filter(f -> f.secret() != null).toList();
    assertThat(secrets).extracting(Finding::ruleId)
        .contains("IMP-DOCKER-005", "IMP-SECRET-033", "IMP-K8S-005");
    assertThat(secrets).as("secret findings whose 0.1 fingerprint held the secret's hash")
        .anySatisfy(f -> assertThat(old.fingerprints()).doesNotContain(f.fingerprint())
            .contains(f.legacyFingerprint()));
    List<Finding> left = old.apply(report).report().findings();
    for (Finding f : secrets) {
      assertThat(left).as("%s still reported", f).doesNotContain(f);
    }
  }

  @Test
  void migrateRewritesTheSecretEntriesAndKeepsTheOthers(@TempDir Path tmp) throws Exception {
    Baseline old = Baseline.read(V1.resolve("baseline-0.1.json"));
    Path file = tmp.resolve("baseline.json");
    ScanReport report = scanV1(FingerprintKey.ephemeral());
    Baseline.Migration m = old.migrate(report, file);
    assertThat(m.rewritten()).isGreaterThanOrEqualTo(2);
    assertThat(m.unchanged()).isGreaterThanOrEqualTo(5);
    Baseline migrated = Baseline.read(file);
    assertThat(migrated.schemaVersion()).isEqualTo(2);
    assertThat(migrated.legacy()).isFalse();
    assertThat(migrated.fingerprints()).hasSize(m.unchanged() + m.rewritten());
    // Under a new schema-2 baseline the same findings stay accepted, under any key.
    ScanReport again = scanV1(FingerprintKey.of("9".repeat(40)));
    assertThat(migrated.apply(again).baselined()).isEqualTo(m.unchanged() + m.rewritten());
    for (Finding f : again.findings()) {
      if (f.secret() != null) {
        assertThat(migrated.fingerprints()).contains(f.fingerprint());
      }
    }
    assertThat(Files.readString(file)).doesNotContain("Zx81kLq0PmW92vTr")
        .doesNotContain("\"schemaVersion\" : 1");
  }

  @Test
  void findingFingerprintsDoNotDependOnTheSecretOrTheKey() {
    ScanReport a = scanV1(FingerprintKey.of("a".repeat(40)));
    ScanReport b = scanV1(FingerprintKey.of("b".repeat(40)));
    assertThat(a.findings()).extracting(Finding::fingerprint)
        .containsExactlyElementsOf(b.findings().stream().map(Finding::fingerprint).toList());
    assertThat(a.findings().stream().filter(f -> f.secret() != null)
        .map(f -> f.secret().fingerprint()).toList())
        .doesNotContainAnyElementsOf(b.findings().stream().filter(f -> f.secret() != null)
            .map(f -> f.secret().fingerprint()).toList());
  }

  @Test
  void migrateDropsEntriesThatNoLongerMatchAndListsThem(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("b.json");
    Files.writeString(file, "{\"schemaVersion\": 1, \"entries\": [{\"ruleId\": \"IMP-X-001\","
        + " \"path\": \"gone.yaml\", \"fingerprint\": \"00ff\", \"message\": \"fixed\"}]}");
    Baseline.Migration m = Baseline.read(file).migrate(report(), file);
    assertThat(m.dropped()).extracting(Baseline.Entry::path).containsExactly("gone.yaml");
    assertThat(Baseline.read(file).fingerprints()).isEmpty();
  }
}
