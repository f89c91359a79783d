package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonLogsAreOneObjectPerLineWithARequestLinePerCallAndNoSecret() throws Exception {
    List<String> secrets = new ArrayList<>();
    String adminId;
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.JSON)) {
      try (TestServer server = TestServer.start(Stores.Kind.SQLITE, dir)) {
        secrets.add(server.adminToken());
        for (String role : new String[] {"pipeline", "auditor", "workload"}) {
          HttpResponse<String> r = server.send("POST", "/v1/tokens", server.adminToken(),
              "{\"role\":\"" + role + "\",\"description\":\"log test\"}");
          assertThat(r.statusCode()).isEqualTo(201);
          secrets.add(JSON.readTree(r.body()).get("token").asText());
        }
        String found = null;
        for (JsonNode t : JSON.readTree(server.send("GET", "/v1/tokens", server.adminToken(),
            null).body()).get("items")) {
          found = t.get("role").asText().equals("admin") ? t.get("id").asText() : found;
        }
        adminId = found;
        assertThat(server.send("GET", "/v1/tokens", "imp_forged", null).statusCode())
            .isEqualTo(401);
        assertThat(server.send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
      }

      List<JsonNode> lines = new ArrayList<>();
      for (String line : log.lines()) {
        lines.add(JSON.readTree(line));
      }
      assertThat(lines).isNotEmpty().allSatisfy(n -> {
        assertThat(n.isObject()).isTrue();
        assertThat(n.path("level").asText()).isNotEmpty();
        assertThat(n.path("loggerName").asText()).isNotEmpty();
      });
      List<JsonNode> requests = lines.stream()
          .filter(n -> n.path("loggerName").asText().equals("imprint.request")).toList();
      assertThat(requests).extracting(n -> n.path("level").asText()).containsOnly("INFO");
      assertThat(requests).extracting(ServerLoggingTest::field)
          .contains("POST /v1/tokens 201 " + adminId, "GET /v1/tokens 200 " + adminId,
              "GET /v1/tokens 401 -", "GET /healthz 200 -");
      assertThat(requests).allSatisfy(n -> assertThat(
          Double.parseDouble(kv(n, "durationMs").asText())).isNotNegative());
      assertThat(log.text()).contains("imprint server listening on");
      for (String secret : secrets) {
        assertThat(log.text()).doesNotContain(secret).doesNotContain(secret.substring(4));
      }
      assertThat(log.text()).doesNotContain("imp_forged");
    }
  }

  private static String field(JsonNode n) {
    return kv(n, "method").asText() + " " + kv(n, "route").asText() + " "
        + kv(n, "status").asText() + " " + kv(n, "tokenId").asText();
  }

  /** logback's JsonEncoder writes key-value pairs as a list of one-entry objects. */
  private static JsonNode kv(JsonNode n, String key) {
    for (JsonNode pair : n.path("kvpList")) {
      if (pair.has(key)) {
        return pair.get(key);
      }
    }
    return JSON.missingNode();
  }
}
