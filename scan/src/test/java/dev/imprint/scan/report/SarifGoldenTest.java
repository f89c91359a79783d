package dev.imprint.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SARIF as GitHub code scanning reads it, against golden files: locations relative to
 * {@code %SRCROOT%} with its absolute URI in {@code originalUriBaseIds}, whatever form the scan
 * targets were given in, and the severity the CLI shows on every result, escalated or not.
 * Set {@code -Dimprint.golden.update=true} to rewrite the golden files after a deliberate change.
 */
class SarifGoldenTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  static final SourceRoot ROOT = new SourceRoot(Path.of("/work/src/shop"),
      Path.of("/work/src/shop"));

  static String sarif(ScanReport report, SourceRoot root) throws Exception {
    StringWriter out = new StringWriter();
    new SarifReporter(new ReportOptions(false, "1.2.3", Fixtures.CLOCK, root))
        .write(report, out);
    return out.toString();
  }

  static void assertGolden(String name, String actual) throws Exception {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("imprint.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).as("golden file %s (rerun with -Dimprint.golden.update=true to accept"
        + " a deliberate change)", file).isEqualTo(Files.readString(file));
    assertThat(SarifReporterTest.validate(actual)).isEmpty();
  }

  @Test
  void reportMatchesItsGoldenFile() throws Exception {
    assertGolden("report.sarif", sarif(Fixtures.report(), ROOT));
  }

  @Test
  void anEscalatedFindingCarriesTheSeverityTheCliShows() throws Exception {
    String sarif = sarif(Fixtures.escalated(), ROOT);
    assertGolden("escalated.sarif", sarif);
    JsonNode run = MAPPER.readTree(sarif).at("/runs/0");
    JsonNode escalated = null;
    for (JsonNode r : run.get("results")) {
      if (r.at("/locations/0/physicalLocation/artifactLocation/uri").asText()
          .equals("deploy/prod.Dockerfile")) {
        escalated = r;
      }
    }
    assertThat(escalated).isNotNull();
    assertThat(escalated.get("ruleId").asText()).isEqualTo("IMP-TEST-002/high");
    assertThat(escalated.get("level").asText()).isEqualTo("error");
    assertThat(escalated.at("/properties/security-severity").asText()).isEqualTo("8.0");
    JsonNode rule = run.at("/tool/driver/rules/" + escalated.get("ruleIndex").asInt());
    assertThat(rule.get("id").asText()).isEqualTo("IMP-TEST-002/high");
    assertThat(rule.at("/properties/security-severity").asText()).isEqualTo("8.0");
    assertThat(rule.at("/defaultConfiguration/level").asText()).isEqualTo("error");
    assertThat(rule.at("/properties/defaultSeverity").asText()).isEqualTo("medium");
  }

  @Test
  void aConfiguredSeverityOverrideBecomesTheRulesOwnSeverity() throws Exception {
    ScanReport report = Scanner.create(Fixtures.SETTINGS.withSeverityOverrides(
            java.util.Map.of("IMP-TEST-002", dev.imprint.scan.Severity.LOW)),
        List.of(new Fixtures.FakeAnalyzer()), Fixtures.CLOCK)
        .scanSources(List.of(dev.imprint.scan.SourceFile.of("Dockerfile", "FROM a:latest\n")));
    JsonNode run = MAPPER.readTree(sarif(report, ROOT)).at("/runs/0");
    assertThat(run.at("/results/0/ruleId").asText()).isEqualTo("IMP-TEST-002");
    assertThat(run.at("/tool/driver/rules/0/properties/security-severity").asText())
        .isEqualTo("3.0");
    assertThat(run.at("/results/0/level").asText()).isEqualTo("note");
  }

  /**
   * A repository scanned as an absolute path or as {@code ../../repo} gives the same SARIF:
   * URIs relative to the repository, whose absolute URI is the base.
   */
  @Test
  void theFormOfTheTargetPathDoesNotChangeTheLocations(@TempDir Path tmp) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo/infra"));
    Files.writeString(repo.resolve("Dockerfile"), "FROM ubuntu:latest\n");
    Path abs = tmp.resolve("repo").toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    Path dotDot = cwd.relativize(abs);
    assertThat(dotDot.toString()).startsWith("..");
    String fromAbsolute = scanAndRender(abs);
    String fromDotDot = scanAndRender(dotDot);
    JsonNode run = MAPPER.readTree(fromAbsolute).at("/runs/0");
    assertThat(run.at("/results/0/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("infra/Dockerfile");
    assertThat(run.at("/results/0/locations/0/physicalLocation/artifactLocation/uriBaseId")
        .asText()).isEqualTo("%SRCROOT%");
    assertThat(run.at("/originalUriBaseIds/%SRCROOT%/uri").asText())
        .isEqualTo(abs.toUri().toString());
    assertThat(fromDotDot).isEqualTo(fromAbsolute);
    assertThat(SarifReporterTest.validate(fromAbsolute)).isEmpty();
  }

  /** Below the working directory, {@code ./x}, {@code x} and the absolute path agree too. */
  @Test
  void aTargetBelowTheWorkingDirectoryGivesTheSameLocationsInEveryForm() throws Exception {
    Path rel = Path.of("target", "sarif-forms", "repo");
    Files.createDirectories(rel.resolve("k8s"));
    Files.writeString(rel.resolve("k8s/Dockerfile"), "FROM ubuntu:latest\n");
    String plain = scanAndRender(rel);
    assertThat(scanAndRender(Path.of("./" + rel))).isEqualTo(plain);
    assertThat(scanAndRender(rel.toAbsolutePath())).isEqualTo(plain);
    JsonNode run = MAPPER.readTree(plain).at("/runs/0");
    // This module lies in a git work tree, whose top is the root.
    String uri = run.at("/results/0/locations/0/physicalLocation/artifactLocation/uri").asText();
    assertThat(uri).endsWith("target/sarif-forms/repo/k8s/Dockerfile").doesNotStartWith("/")
        .doesNotStartWith(".");
  }

  @Test
  void insideAGitWorkTreeLocationsAreRelativeToItsTop(@TempDir Path tmp) throws Exception {
    Path top = Files.createDirectories(tmp.resolve("checkout"));
    Files.createDirectories(top.resolve(".git"));
    Path infra = Files.createDirectories(top.resolve("services/api"));
    Files.writeString(infra.resolve("Dockerfile"), "FROM ubuntu:latest\n");
    JsonNode run = MAPPER.readTree(scanAndRender(infra)).at("/runs/0");
    assertThat(run.at("/results/0/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("services/api/Dockerfile");
    assertThat(run.at("/originalUriBaseIds/%SRCROOT%/uri").asText())
        .isEqualTo(top.toAbsolutePath().toUri().toString());
  }

  @Test
  void aFileOutsideTheRootGetsAnAbsoluteUriWithoutABase() throws Exception {
    SourceRoot root = new SourceRoot(Path.of("/work/src/shop"), Path.of("/work/src/shop"));
    assertThat(root.relative("../other/Dockerfile")).isNull();
    assertThat(root.relative("./infra/../infra/main.tf")).isEqualTo("infra/main.tf");
    assertThat(root.relative("/work/src/shop/k8s/a.yaml")).isEqualTo("k8s/a.yaml");
    assertThat(root.rootUri()).isEqualTo("file:///work/src/shop/");
  }

  /** Scans one target as given, as the CLI does from this process's directory. */
  private static String scanAndRender(Path target) throws Exception {
    ScanReport report = Scanner.create(ScanSettings.defaults().withThreads(1))
        .scan(List.of(target));
    return sarif(report, SourceRoot.of(List.of(target)));
  }
}
