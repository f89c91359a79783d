package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.http.Json;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/db/servers} honours an {@code Idempotency-Key}: a retry of a registration that
 * landed gets its answer instead of 409, and what is stored of the request (which carries the
 * admin role's password) is a keyed hash that cannot be checked against a guessed password.
 */
class DbServerIdempotencyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aRetriedRegistrationGetsItsAnswerAndStoresNoFingerprintOfThePassword() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String body = "{\"name\":\"retried-db\",\"url\":\"" + TargetPostgres.url()
          + "\",\"adminUser\":\"" + TargetPostgres.ADMIN + "\",\"password\":\""
          + TargetPostgres.ADMIN_PASSWORD + "\"}";
      String key = UUID.randomUUID().toString();
      HttpResponse<String> first = post(s, body, key);
      HttpResponse<String> again = post(s, body, key);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
      assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
      JsonNode answer = JSON.readTree(again.body());
      assertThat(answer).isEqualTo(JSON.readTree(first.body()));
      assertThat(answer.get("name").asText()).isEqualTo("retried-db");
      assertThat(again.body()).doesNotContain(TargetPostgres.ADMIN_PASSWORD);
      assertThat(count(s, "SELECT COUNT(*) FROM db_servers")).isEqualTo(1);

      String stored = s.server().database().read(c -> {
        try (var st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT request_hash, answer FROM idempotency_keys")) {
          rs.next();
          return rs.getString(1) + " " + rs.getString(2);
        }
      });
      assertThat(stored).doesNotContain(TargetPostgres.ADMIN_PASSWORD)
          .doesNotContain(sha256("POST /v1/db/servers\n" + canonical(body)));

      HttpResponse<String> otherPassword = post(s, body.replace(TargetPostgres.ADMIN_PASSWORD,
          "a-guess"), key);
      assertThat(otherPassword.statusCode()).as("another request with the same key")
          .isEqualTo(422);
    }
  }

  /** The body as the server serialises it before it keeps a hash of it. */
  private static String canonical(String body) throws Exception {
    return Json.MAPPER.writeValueAsString(Json.MAPPER.readValue(body,
        DbRoutes.ServerBody.class));
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> post(TestServer s, String body, String key)
      throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/db/servers"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + s.adminToken())
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long count(TestServer s, String sql) {
    return s.server().database().read(c -> {
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
