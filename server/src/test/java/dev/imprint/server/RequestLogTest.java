package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request log's text line, built without String.format, one per request. */
class RequestLogTest {
  @TempDir Path dir;

  @Test
  void theLineNamesMethodRouteStatusTenthsOfAMillisecondAndTheTokenId() {
    assertThat(RequestLog.line("POST", "/v1/svid/renew", 200, 1.25, "-"))
        .isEqualTo("POST /v1/svid/renew 200 1.3ms token=-");
    assertThat(RequestLog.line("GET", "/v1/tokens/{id}", 404, 0.04, "0123456789abcdef"))
        .isEqualTo("GET /v1/tokens/{id} 404 0.0ms token=0123456789abcdef");
    assertThat(RequestLog.line("GET", "unmatched", 503, 12_345.96, "-"))
        .isEqualTo("GET unmatched 503 12346.0ms token=-");
    assertThat(RequestLog.line("DELETE", "/x", 204, 7.0, "-"))
        .isEqualTo("DELETE /x 204 7.0ms token=-");
  }

  @Test
  void everyRequestHasOneTextLineWithItsFields() {
    int n = 300;
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
        for (int i = 0; i < n; i++) {
          assertThat(s.send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        }
      }
      List<String> lines = log.lines().stream()
          .filter(l -> l.contains(" imprint.request - GET /healthz ")).toList();
      assertThat(lines).hasSize(n).allSatisfy(l -> assertThat(l)
          .matches(".* INFO  imprint\\.request - GET /healthz 200 \\d+\\.\\dms token=-"));
    }
  }
}
