package dev.imprint.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TokenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void createdTokenWorksIsListedWithoutSecretAndStopsWorkingWhenRevoked(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      assertThat(admin).matches("imp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
      HttpResponse<String> created = s.send("POST", "/v1/tokens", admin,
          "{\"role\":\"auditor\",\"description\":\"compliance export\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode body = JSON.readTree(created.body());
      String token = body.get("token").asText();
      String id = body.get("id").asText();
      assertThat(body.get("role").asText()).isEqualTo("auditor");

      assertThat(s.send("GET", "/v1/tokens", token, null).statusCode()).isEqualTo(200);
      String listed = s.send("GET", "/v1/tokens", admin, null).body();
      assertThat(listed).contains(id).contains("compliance export")
          .doesNotContain(token).doesNotContain(admin);

      assertThat(s.send("DELETE", "/v1/tokens/" + id, admin, null).statusCode()).isEqualTo(204);
      HttpResponse<String> after = s.send("GET", "/v1/tokens", token, null);
      assertThat(after.statusCode()).isEqualTo(401);
      assertThat(s.send("DELETE", "/v1/tokens/ffffffffffffffff", admin, null).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void onlyTheHashOfATokenIsStoredAndTheAdminTokenIsPrintedOnlyOnFirstStart() throws Exception {
    String admin;
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      admin = s.adminToken();
      assertThat(admin).isNotNull();
      String stored = s.server().database().read(c -> {
        StringBuilder all = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_tokens");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              all.append(rs.getString(i)).append('|');
            }
          }
        }
        return all.toString();
      });
      assertThat(stored).doesNotContain(admin).doesNotContain(admin.substring(21));
      assertThat(stored).contains(TokenService.hash(admin));
    }
    byte[] file = Files.readAllBytes(dir.resolve("imprint.db"));
    assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(admin.substring(21));
    try (TestServer again = TestServer.start(Stores.Kind.SQLITE, dir)) {
      assertThat(again.adminToken()).isNull();
      assertThat(again.send("GET", "/v1/tokens", admin, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void badRequestsGetProblemsThatSayWhatWasExpected() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String admin = s.adminToken();
      assertProblem(s.send("POST", "/v1/tokens", admin, "{\"role\":\"admin\",\"rol\":1}"),
          400, "request.unknown_field", "unknown field 'rol'");
      assertProblem(s.send("POST", "/v1/tokens", admin, "{\"role\":\"root\"}"),
          400, "token.role_unknown", "expected one of admin, pipeline, auditor, workload");
      assertProblem(s.send("POST", "/v1/tokens", admin, "{\"role\":"),
          400, "request.malformed_json", "line 1");
      assertProblem(s.send("POST", "/v1/tokens", admin, "{}"), 400, "token.role_missing", "role");
      assertProblem(s.send("POST", "/v1/tokens", admin,
          "{\"role\":\"admin\",\"description\":\"" + "x".repeat(70_000) + "\"}"),
          413, "http.413", "");
      assertProblem(s.send("GET", "/v1/nothing-here", admin, null), 404, "http.not_found",
          "/v1/nothing-here");
    }
  }

  @Test
  void healthReadinessAndMetricsNeedNoToken() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      assertThat(s.send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
      assertThat(s.send("GET", "/readyz", null, null).body()).contains("ready");
      s.send("GET", "/v1/tokens", s.adminToken(), null);
      String metrics = s.send("GET", "/metrics", null, null).body();
      assertThat(metrics).contains("imprint_http_requests_seconds_count")
          .contains("route=\"/v1/tokens\"").contains("imprint_store_commits");
    }
  }

  private static void assertProblem(HttpResponse<String> res, int status, String code,
      String detailPart) throws Exception {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonNode p = JSON.readTree(res.body());
    assertThat(p.get("code").asText()).isEqualTo(code);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("detail").asText()).contains(detailPart);
  }
}
