package dev.imprint.scan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.ScanReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportersTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** A fixed SARIF source root, so that no golden file depends on where the build runs. */
  private static final ReportOptions OPTIONS =
      new ReportOptions(false, "1.2.3", Fixtures.CLOCK, SarifGoldenTest.ROOT);

  static String render(String format, ScanReport report, ReportOptions options) {
    StringWriter out = new StringWriter();
    try {
      Reporters.forFormat(format, options).write(report, out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toString();
  }

  static String render(String format, ScanReport report) {
    return render(format, report, OPTIONS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "json", "sarif", "junit", "gitlab"})
  void noFormatContainsTheRawSecretValue(String format) {
    String out = render(format, Fixtures.report());
    assertThat(out).isNotBlank().doesNotContain(Fixtures.RAW_SECRET)
        .doesNotContain(Fixtures.RAW_SECRET.substring(4, 20));
  }

  /**
   * Each format renders the fixed report exactly as its golden file, written and reviewed by
   * hand once, says (an independent expectation, not the reporter compared with itself). After
   * an intended change of a format, rerun with {@code -Dimprint.golden.update=true}, review the
   * diff of {@code src/test/resources/dev/imprint/scan/report/golden/} and commit it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"text", "json", "sarif", "junit", "gitlab"})
  void everyFormatRendersTheFixedReportAsItsGoldenFile(String format) throws IOException {
    String out = render(format, Fixtures.fixed());
    Path golden = Path.of("src/test/resources/dev/imprint/scan/report/golden/report." + format);
    if (Boolean.getBoolean("imprint.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, out);
    }
    assertThat(golden).as("golden file").isRegularFile();
    assertThat(out).isEqualTo(Files.readString(golden));
  }

  @Test
  void unknownFormatIsRejectedWithTheKnownNames() {
    assertThatThrownBy(() -> Reporters.forFormat("xml", OPTIONS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sarif, junit");
  }

  @Test
  void textGroupsByFileWithSecretFixAndSummary() {
    String out = render("text", Fixtures.report());
    assertThat(out).contains("Dockerfile\n  1:6  MEDIUM  IMP-TEST-002  Image not pinned by digest\n"
        + "      image 'ubuntu:latest' is not pinned by digest\n"
        + "      fix: Pin the image by digest.\n");
    assertThat(out).contains("  2:11  CRITICAL  IMP-TEST-001  ")
        .containsPattern("secret: \\S+ \\(fingerprint [0-9a-f]{16}\\)")
        .contains("Diagnostics\n  config/app <1>&.yaml:3:1  parse_error  expected a key")
        .contains("2 findings (1 critical, 1 medium) in 2 files; 0 suppressed; 0 skipped;")
        .doesNotContain("\u001b[");
  }

  @Test
  void textUsesAnsiColorsOnlyWhenAsked() {
    String out = render("text", Fixtures.report(), new ReportOptions(true, "1", Fixtures.CLOCK));
    assertThat(out).contains("\u001b[1;35mCRITICAL\u001b[0m");
  }

  @Test
  void textSummaryOfACleanScanHasNoSeverityBreakdown() {
    assertThat(render("text", Fixtures.empty()))
        .startsWith("0 findings in 1 file; 0 suppressed; 0 skipped;");
  }

  @Test
  void moreThanTenSkippedFilesAreSummarisedByReason() {
    java.util.List<dev.imprint.scan.Diagnostic> diags = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      diags.add(new dev.imprint.scan.Diagnostic(dev.imprint.scan.Location.of("f" + i, 0),
          dev.imprint.scan.Diagnostic.Kind.SKIPPED,
          i < 9 ? "binary file" : "larger than the 10-byte limit (" + (20 + i) + " bytes)"));
    }
    ScanReport report = new ScanReport(java.util.List.of(), diags, 5, 50, 12, 0,
        java.time.Duration.ofMillis(840));
    String out = render("text", report);
    assertThat(out).contains("  12 files skipped:\n    9  binary file\n"
        + "    3  larger than the N-byte limit\n").doesNotContain("f3");
    assertThat(out).endsWith("0 findings in 5 files; 0 suppressed; 12 skipped; 0.8 s\n");
  }

  @Test
  void firstSentenceSkipsAbbreviations() {
    assertThat(Texts.firstSentence("Pin it, e.g. with a digest. Then update it."))
        .isEqualTo("Pin it, e.g. with a digest.");
    assertThat(Texts.firstSentence("Use v1.2. done")).isEqualTo("Use v1.2. done");
  }

  @Test
  void skipReasonsDropFileSpecificDetails() {
    assertThat(TextReporter.reason("larger than the 4194304-byte limit (5000000 bytes)"))
        .isEqualTo("larger than the N-byte limit");
  }

  @Test
  void jsonHasTheDocumentedFields() throws Exception {
    JsonNode root = MAPPER.readTree(render("json", Fixtures.report()));
    assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(root.at("/tool/name").asText()).isEqualTo("imprint");
    assertThat(root.at("/tool/version").asText()).isEqualTo("1.2.3");
    assertThat(root.at("/summary/findings").asInt()).isEqualTo(2);
    assertThat(root.at("/summary/bySeverity/critical").asInt()).isEqualTo(1);
    JsonNode secret = root.at("/findings/1");
    assertThat(secret.get("ruleId").asText()).isEqualTo("IMP-TEST-001");
    assertThat(secret.get("path").asText()).isEqualTo("config/app <1>&.yaml");
    assertThat(secret.get("line").asInt()).isEqualTo(2);
    assertThat(secret.get("column").asInt()).isEqualTo(11);
    assertThat(secret.get("category").asText()).isEqualTo("NHI2");
    assertThat(secret.get("fingerprint").asText()).isNotBlank();
    assertThat(secret.at("/secret/fingerprint").asText()).hasSize(16);
    assertThat(root.at("/findings/0").has("secret")).isFalse();
    assertThat(root.at("/diagnostics/0/kind").asText()).isEqualTo("parse_error");
    assertThat(root.at("/diagnostics/0/line").asInt()).isEqualTo(3);
  }

  @Test
  void junitParsesWithOneFailingTestcasePerFinding() throws Exception {
    Document doc = parseXml(render("junit", Fixtures.report()));
    assertThat(doc.getElementsByTagName("testsuite").getLength()).isEqualTo(2);
    assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(2);
    Element suite = (Element) doc.getElementsByTagName("testsuite").item(1);
    assertThat(suite.getAttribute("name")).isEqualTo("config/app <1>&.yaml");
    Element testcase = (Element) suite.getElementsByTagName("testcase").item(0);
    assertThat(testcase.getAttribute("name")).isEqualTo("IMP-TEST-001 line 2");
  }

  @Test
  void junitOfACleanScanIsOnePassingTestcase() throws Exception {
    Document doc = parseXml(render("junit", Fixtures.empty()));
    assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(1);
    assertThat(doc.getElementsByTagName("failure").getLength()).isZero();
  }

  @Test
  void junitEscapingDropsCharactersXmlCannotCarry() {
    assertThat(JunitReporter.esc("a\u0001<b>")).isEqualTo("a\uFFFD&lt;b&gt;");
  }

  @Test
  void gitlabHasScanMetadataAndVulnerabilities() throws Exception {
    JsonNode root = MAPPER.readTree(render("gitlab", Fixtures.report()));
    assertThat(root.get("version").asText()).isEqualTo("15.0.7");
    assertThat(root.at("/scan/type").asText()).isEqualTo("sast");
    assertThat(root.at("/scan/status").asText()).isEqualTo("success");
    assertThat(root.at("/scan/end_time").asText()).isEqualTo("2026-01-02T03:04:05");
    assertThat(root.at("/scan/analyzer/id").asText()).isEqualTo("imprint");
    assertThat(root.at("/scan/analyzer/vendor/name").asText()).isEqualTo("Imprint");
    JsonNode v = root.at("/vulnerabilities/1");
    assertThat(v.get("severity").asText()).isEqualTo("Critical");
    assertThat(v.at("/location/file").asText()).isEqualTo("config/app <1>&.yaml");
    assertThat(v.at("/location/start_line").asInt()).isEqualTo(2);
    assertThat(v.at("/identifiers/0/type").asText()).isEqualTo("imprint_rule_id");
    assertThat(v.at("/identifiers/0/value").asText()).isEqualTo("IMP-TEST-001");
    assertThat(v.get("id").asText()).isNotBlank();
  }

  static Document parseXml(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
