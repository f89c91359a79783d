package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScanCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SECRET = "Zx81kLq0PmW92vTr";

  @TempDir
  Path tmp;
  Path repo;
  Path clean;

  @BeforeEach
  void repos() throws Exception {
    repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("Dockerfile"),
        "FROM ubuntu:latest\nENV DB_PASSWORD=" + SECRET + "\n");
    clean = Files.createDirectories(tmp.resolve("clean"));
    Files.writeString(clean.resolve("notes.txt"), "nothing to see here\n");
  }

  @Test
  void cleanDirectoryExitsZero() {
    Cli r = Cli.run("scan", clean.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("0 findings in 1 file;");
  }

  @Test
  void findingsAtOrAboveFailOnExitOne() {
    Cli r = Cli.run("scan", repo.toString(), "--color", "never");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("IMP-DOCKER-005").contains("CRITICAL").doesNotContain(SECRET)
        .doesNotContain("\u001b[");
  }

  @Test
  void failOnAboveEveryFindingExitsZeroAndMinSeverityHidesFindings() throws Exception {
    Files.writeString(repo.resolve("Dockerfile"), "FROM ubuntu:latest\n");
    assertThat(Cli.run("scan", repo.toString()).code()).isZero();
    assertThat(Cli.run("scan", repo.toString(), "--fail-on", "medium").code()).isEqualTo(1);
    Cli hidden = Cli.run("scan", repo.toString(), "--fail-on", "medium", "--min-severity",
        "critical");
    assertThat(hidden.code()).isEqualTo(1);
    assertThat(hidden.out()).startsWith("0 findings");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(Cli.run("scan", "--format", "xml", repo.toString()).code()).isEqualTo(2);
    assertThat(Cli.run("scan", "--fail-on", "severe", repo.toString()).err())
        .contains("--fail-on: unknown severity 'severe'");
    assertThat(Cli.run("scan", "--bogus").code()).isEqualTo(2);
    assertThat(Cli.run("scan", "--color", "sometimes", repo.toString()).code()).isEqualTo(2);
    Cli missing = Cli.run("scan", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "sarif", "gitlab"})
  void jsonFormatsParseAndHoldNoSecret(String format) throws Exception {
    Cli r = Cli.run("scan", repo.toString(), "--format", format);
    assertThat(r.code()).isEqualTo(1);
    JsonNode root = MAPPER.readTree(r.out());
    assertThat(root.isObject()).isTrue();
    assertThat(r.out()).doesNotContain(SECRET);
  }

  @Test
  void junitParsesAsXml() throws Exception {
    Cli r = Cli.run("scan", repo.toString(), "--format", "junit");
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getElementsByTagName("failure").getLength()).isGreaterThanOrEqualTo(2);
    assertThat(r.out()).doesNotContain(SECRET);
  }

  @Test
  void outputIsWrittenAtomicallyToTheFile() throws Exception {
    Path report = tmp.resolve("out/report.json");
    Files.createDirectories(report.getParent());
    Files.writeString(report, "old");
    Cli r = Cli.run("scan", repo.toString(), "--format", "json", "--output", report.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(MAPPER.readTree(report.toFile()).get("schemaVersion").asInt()).isEqualTo(1);
    try (var files = Files.list(report.getParent())) {
      assertThat(files).containsExactly(report);
    }
    Cli bad = Cli.run("scan", repo.toString(), "--output", tmp.resolve("no/dir/x").toString());
    assertThat(bad.code()).isEqualTo(2);
  }

  @Test
  void configFileIsReadFromTheTargetAndErrorsExitTwo() throws Exception {
    Files.writeString(repo.resolve(".imprint.yaml"), "rules:\n  disable: [IMP-DOCKER-005]\n");
    Cli r = Cli.run("scan", repo.toString());
    assertThat(r.out()).doesNotContain("IMP-DOCKER-005");
    Files.writeString(repo.resolve(".imprint.yaml"), "fail-on: low\n");
    assertThat(Cli.run("scan", repo.toString(), "--fail-on", "critical").code()).isEqualTo(1);
    Files.writeString(repo.resolve(".imprint.yaml"), "fail-on: high\nbogus: 1\n");
    Cli bad = Cli.run("scan", repo.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains(".imprint.yaml:2: bogus: unknown key");
    Path other = Files.writeString(tmp.resolve("other.yaml"), "rules:\n  disable: [IMP-X-001]\n");
    Cli explicit = Cli.run("scan", repo.toString(), "--config", other.toString());
    assertThat(explicit.code()).isEqualTo(2);
    assertThat(explicit.err()).contains("other.yaml:2: rules.disable").contains("IMP-X-001");
  }

  @Test
  void baselineRoundTripHidesKnownFindingsOnly() throws Exception {
    Path baseline = tmp.resolve("baseline.json");
    Cli write = Cli.run("scan", repo.toString(), "--write-baseline", baseline.toString());
    assertThat(write.code()).isZero();
    assertThat(Files.readString(baseline)).contains("IMP-DOCKER-005").doesNotContain(SECRET);
    Cli again = Cli.run("scan", repo.toString(), "--baseline", baseline.toString());
    assertThat(again.code()).isZero();
    assertThat(again.err()).contains("baselined");
    Files.writeString(repo.resolve("Dockerfile"), "FROM ubuntu:latest\nENV DB_PASSWORD="
        + SECRET + "\nENV API_TOKEN=Qw93nVb71LpR2sXe\n");
    Cli changed = Cli.run("scan", repo.toString(), "--baseline", baseline.toString());
    assertThat(changed.code()).isEqualTo(1);
    assertThat(changed.out()).contains("API_TOKEN").doesNotContain("DB_PASSWORD");
    Cli rewrite = Cli.run("scan", repo.toString(), "--baseline", baseline.toString(),
        "--write-baseline", baseline.toString());
    assertThat(rewrite.code()).isZero();
    assertThat(Files.readString(baseline)).contains("DB_PASSWORD").contains("API_TOKEN");
    Files.writeString(baseline, "not json");
    assertThat(Cli.run("scan", repo.toString(), "--baseline", baseline.toString()).code())
        .isEqualTo(2);
  }

  @Test
  void excludeSkipsMatchingFiles() {
    Cli r = Cli.run("scan", repo.toString(), "--exclude", "Dockerfile", "--exclude", "*.md");
    assertThat(r.code()).isZero();
  }

  @Test
  void autoColorIsOffWithoutATerminalAndAlwaysForcesIt() {
    assertThat(Cli.run("scan", repo.toString()).out()).doesNotContain("\u001b[");
    assertThat(Cli.run("scan", repo.toString(), "--color", "always").out()).contains("\u001b[");
  }

  @Test
  void defaultTargetIsTheCurrentDirectory() {
    Cli r = Cli.run("scan", "--format", "json", "--quiet", "--threads", "1");
    assertThat(r.code()).isBetween(0, 1);
    assertThat(r.out()).contains("\"schemaVersion\"");
  }

  @Test
  void helpDocumentsExitCodes() {
    Cli r = Cli.run("scan", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Exit codes:").contains("--write-baseline")
        .contains("--trusted-registry");
  }
}
