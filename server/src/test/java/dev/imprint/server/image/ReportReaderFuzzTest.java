package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.Json;
import dev.imprint.server.testing.FuzzText;

/**
 * Fuzzes the scan and vulnerability report readers behind image registration: any JSON is a
 * summary (counts never negative) or a 400 problem; never another exception.
 */
class ReportReaderFuzzTest {
  @FuzzTest(maxDuration = "1m")
  void readingAnyJsonGivesASummaryOrABadRequest(byte[] data) {
    JsonNode report;
    try {
      report = Json.MAPPER.readTree(FuzzText.of(data));
    } catch (JsonProcessingException e) {
      return; // not JSON: the HTTP layer refuses it before a reader sees it
    }
    if (report == null) {
      return;
    }
    for (int kind = 0; kind < 2; kind++) {
      try {
        ReportSummary s = kind == 0 ? ReportReader.scan(report)
            : ReportReader.vulnerabilities(report);
        assertThat(s.counts().values()).allSatisfy(n -> assertThat(n).isNotNegative());
      } catch (ApiProblem p) {
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.detail()).isNotBlank();
      }
    }
  }
}
