package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.http.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shapes registrations read reports through keep everything {@link ReportReader} uses: for
 * each kind of report, the summary of the shaped tree equals the summary of the whole document.
 */
class ReportShapesTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private static String fixture(String name) throws Exception {
    try (InputStream in = ReportShapesTest.class.getResourceAsStream("/reports/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ImageRoutes.RegisterRequest shaped(String field, String report)
      throws Exception {
    return Json.MAPPER.readValue("{\"" + field + "\":" + report + "}",
        ImageRoutes.RegisterRequest.class);
  }

  @Test
  void scanReportsSummariseTheSameThroughTheirShape() throws Exception {
    List<String> reports = List.of(fixture("imprint-clean.json"), fixture("imprint-high.json"),
        fixture("imprint-critical.sarif"), "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":"
            + "{\"driver\":{\"name\":\"Imprint\",\"semanticVersion\":\"0.1.0\",\"rules\":"
            + "[{\"id\":\"R1\",\"properties\":{\"security-severity\":\"9.5\"}},{\"id\":\"R2\","
            + "\"defaultConfiguration\":{\"level\":\"note\"}}]}},\"versionControlProvenance\":"
            + "[{\"revisionId\":\"abc1234\"}],\"results\":[{\"ruleIndex\":0},{\"ruleId\":\"R2\"},"
            + "{\"ruleId\":\"R3\",\"level\":\"error\",\"message\":{\"text\":\"x\"}}]}]}");
    int checked = 0;
    for (String report : reports) {
      JsonNode whole = PLAIN.readTree(report);
      assertThat(ReportReader.scan(shaped("scanReport", report).scanReport()))
          .isEqualTo(ReportReader.scan(whole));
      checked++;
    }
    assertThat(checked).isEqualTo(4);
  }

  @Test
  void vulnerabilityReportsSummariseTheSameThroughTheirShape() throws Exception {
    List<String> reports = List.of(fixture("trivy-critical.json"), fixture("grype-clean.json"),
        "{\"matches\":[{\"vulnerability\":{\"severity\":\"High\"}}],\"source\":{\"target\":"
            + "\"registry.example/a:1\"},\"descriptor\":{\"name\":\"grype\",\"version\":\"1\"}}");
    int checked = 0;
    for (String report : reports) {
      JsonNode whole = PLAIN.readTree(report);
      assertThat(ReportReader.vulnerabilities(shaped("vulnerabilityReport", report)
          .vulnerabilityReport())).isEqualTo(ReportReader.vulnerabilities(whole));
      checked++;
    }
    assertThat(checked).isEqualTo(3);
  }
}
