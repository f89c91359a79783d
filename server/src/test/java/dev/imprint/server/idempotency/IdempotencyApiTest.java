package dev.imprint.server.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.auth.TokenRoutes;
import dev.imprint.server.http.Json;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code Idempotency-Key} on every creating POST: a retry gets the original answer. */
class IdempotencyApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SPIFFE = "spiffe://imprint.local/payments/api";
  private static final String DIGEST = "sha256:" + "7a".repeat(32);

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetriedTokenCreationGetsTheOriginalAnswerWithItsSecretAndCreatesNoSecondToken(
      Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String key = UUID.randomUUID().toString();
      String body = "{\"role\":\"admin\",\"description\":\"retried\"}";
      HttpResponse<String> first = post(s, "/v1/tokens", s.adminToken(), body, key);
      HttpResponse<String> again = post(s, "/v1/tokens", s.adminToken(), body, key);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.headers().firstValue(Idempotent.REPLAYED)).isEmpty();
      assertThat(again.statusCode()).isEqualTo(201);
      assertThat(again.headers().firstValue(Idempotent.REPLAYED)).hasValue("true");
      assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree(first.body()));
      String secret = JSON.readTree(first.body()).get("token").asText();
      assertThat(count(s, "SELECT COUNT(*) FROM api_tokens WHERE description = 'retried'"))
          .isEqualTo(1);
      assertThat(count(s, "SELECT COUNT(*) FROM audit_entries WHERE entry LIKE"
          + " '%token.created%'")).as("the bootstrap token and this one").isEqualTo(2);
      // the replayed secret is the live token's
      assertThat(send(s, "GET", "/v1/tokens", secret, null, null).statusCode()).isEqualTo(200);
      // the store holds neither the key nor the secret in clear
      String stored = s.server().database().read(c -> {
        StringBuilder all = new StringBuilder();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT lookup, request_hash, answer FROM idempotency_keys")) {
          while (rs.next()) {
            all.append(rs.getString(1)).append(rs.getString(2)).append(rs.getString(3));
          }
        }
        return all.toString();
      });
      assertThat(stored).isNotEmpty().doesNotContain(key).doesNotContain(secret)
          .doesNotContain(secret.substring(21)).doesNotContain("retried");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetryOfAnAnswerStoredWithTheLegacyPlainFingerprintGetsItsAnswer(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String key = UUID.randomUUID().toString();
      String body = "{\"role\":\"admin\",\"description\":\"before the upgrade\"}";
      HttpResponse<String> first = post(s, "/v1/tokens", s.adminToken(), body, key);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      // the row as a build before the keyed fingerprint stored it: the same lookup and sealed
      // answer, the request as the plain SHA-256 of its method, path and parsed body
      String legacy = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
          ("POST /v1/tokens\n" + Json.MAPPER.writeValueAsString(new TokenRoutes.CreateRequest(
              "admin", "before the upgrade", null))).getBytes(StandardCharsets.UTF_8)));
      int rows = s.server().database().write(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE idempotency_keys SET request_hash = ?")) {
          ps.setString(1, legacy);
          return ps.executeUpdate();
        }
      });
      assertThat(rows).isEqualTo(1);

      HttpResponse<String> retry = post(s, "/v1/tokens", s.adminToken(), body, key);
      assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
      assertThat(retry.headers().firstValue(Idempotent.REPLAYED)).hasValue("true");
      assertThat(JSON.readTree(retry.body())).isEqualTo(JSON.readTree(first.body()));
      assertThat(count(s, "SELECT COUNT(*) FROM api_tokens WHERE description = 'before the"
          + " upgrade'")).isEqualTo(1);
      HttpResponse<String> other = post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"admin\",\"description\":\"another request\"}", key);
      assertThat(other.statusCode()).as("the legacy form matches only its own request")
          .isEqualTo(422);
      assertThat(JSON.readTree(other.body()).get("code").asText())
          .isEqualTo("idempotency.key_reused");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void everyCreatingPostReplaysItsAnswerWithItsLocation(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      String identity = "{\"spiffeId\":\"" + SPIFFE + "\",\"kind\":\"workload\","
          + "\"owner\":\"team-payments\",\"environment\":\"prod\"}";
      String image = "{\"repository\":\"registry.example/payments/api\",\"tag\":\"1.0\","
          + "\"digest\":\"" + DIGEST + "\",\"identity\":\"" + SPIFFE + "\",\"provenance\":"
          + "{\"sourceRepository\":\"https://git.example/acme/payments\",\"commit\":\"3f9a1c2\"}}";
      String findings = "{\"repository\":\"acme/payments\",\"commit\":\"3f9a1c2e4b5d\","
          + "\"report\":{\"schemaVersion\":1,\"tool\":{\"version\":\"test\"},\"findings\":[]}}";
      for (String[] call : List.of(new String[] {"/v1/identities", identity},
          new String[] {"/v1/images", image}, new String[] {"/v1/findings", findings})) {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(s, call[0], admin, call[1], key);
        HttpResponse<String> again = post(s, call[0], admin, call[1], key);
        assertThat(first.statusCode()).as(call[0] + ": " + first.body()).isEqualTo(201);
        assertThat(again.statusCode()).as(call[0]).isEqualTo(201);
        assertThat(again.headers().firstValue(Idempotent.REPLAYED)).as(call[0])
            .hasValue("true");
        assertThat(again.headers().firstValue("Location"))
            .isEqualTo(first.headers().firstValue("Location"));
        assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree(first.body()));
      }
      assertThat(count(s, "SELECT COUNT(*) FROM audit_entries")).as("bootstrap + three")
          .isEqualTo(4);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aKeyReusedForAnotherRequestIs422AndAKeyIsItsCallersOwn(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String key = UUID.randomUUID().toString();
      JsonNode first = JSON.readTree(post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"admin\",\"description\":\"one\"}", key).body());
      HttpResponse<String> other = post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"admin\",\"description\":\"two\"}", key);
      assertThat(other.statusCode()).isEqualTo(422);
      assertThat(JSON.readTree(other.body()).get("code").asText())
          .isEqualTo("idempotency.key_reused");
      // the same key from another caller is another key
      String second = first.get("token").asText();
      HttpResponse<String> byOther = post(s, "/v1/tokens", second,
          "{\"role\":\"admin\",\"description\":\"one\"}", key);
      assertThat(byOther.statusCode()).isEqualTo(201);
      assertThat(byOther.headers().firstValue(Idempotent.REPLAYED)).isEmpty();
      assertThat(JSON.readTree(byOther.body()).get("id")).isNotEqualTo(first.get("id"));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void concurrentRequestsWithOneKeyCreateOneTokenAndAllGetItsAnswer(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String key = UUID.randomUUID().toString();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> post(s, "/v1/tokens", s.adminToken(),
            "{\"role\":\"pipeline\",\"description\":\"raced\"}", key)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<HttpResponse<String>> f : fs) {
        HttpResponse<String> r = f.get(1, TimeUnit.MINUTES);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        ids.add(JSON.readTree(r.body()).get("id").asText());
      }
      pool.shutdown();
      assertThat(ids).containsOnly(ids.get(0));
      assertThat(count(s, "SELECT COUNT(*) FROM api_tokens WHERE description = 'raced'"))
          .isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetriedKeyRotationGetsItsAnswerAndRotatesOnce(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String key = UUID.randomUUID().toString();
      long before = count(s, "SELECT COUNT(*) FROM signing_keys");
      HttpResponse<String> first = post(s, "/v1/keys/rotate", s.adminToken(),
          "{\"activate_in\":\"1m\"}", key);
      long audited = count(s, "SELECT COUNT(*) FROM audit_entries");
      HttpResponse<String> again = post(s, "/v1/keys/rotate", s.adminToken(),
          "{\"activate_in\":\"1m\"}", key);
      assertThat(count(s, "SELECT COUNT(*) FROM audit_entries")).as("the retry rotated nothing")
          .isEqualTo(audited);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(again.headers().firstValue(Idempotent.REPLAYED)).hasValue("true");
      JsonNode rotations = JSON.readTree(first.body()).get("rotations");
      assertThat(rotations).as("one rotation per published purpose").isNotEmpty();
      assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree(first.body()));
      assertThat(count(s, "SELECT COUNT(*) FROM signing_keys") - before)
          .as("one new key per purpose, not two").isEqualTo(rotations.size());
      HttpResponse<String> other = post(s, "/v1/keys/rotate", s.adminToken(),
          "{\"activate_in\":\"2m\"}", key);
      assertThat(other.statusCode()).isEqualTo(422);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aMalformedKeyIs400AndNothingIsCreated(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      for (String bad : List.of("short", "x".repeat(256), "has space in it, sixteen+",
          "\"quoted-but-\\\"-escaped\"")) {
        HttpResponse<String> r = post(s, "/v1/tokens", s.adminToken(),
            "{\"role\":\"pipeline\",\"description\":\"bad key\"}", bad);
        assertThat(r.statusCode()).as(bad).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("code").asText())
            .isEqualTo("idempotency.key_invalid");
      }
      HttpResponse<String> quoted = post(s, "/v1/tokens", s.adminToken(),
          "{\"role\":\"pipeline\",\"description\":\"quoted key\"}",
          "\"" + UUID.randomUUID() + "\"");
      assertThat(quoted.statusCode()).as("a structured-field string is a key too")
          .isEqualTo(201);
      assertThat(count(s, "SELECT COUNT(*) FROM api_tokens WHERE description = 'bad key'"))
          .isZero();
    }
  }

  static HttpResponse<String> post(TestServer s, String path, String token, String body,
      String key) throws IOException, InterruptedException {
    return send(s, "POST", path, token, body, key);
  }

  static HttpResponse<String> send(TestServer s, String method, String path, String token,
      String body, String key) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (key != null) {
      b.header(Idempotent.HEADER, key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
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
