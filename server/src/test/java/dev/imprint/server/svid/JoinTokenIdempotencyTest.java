package dev.imprint.server.svid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.idempotency.Idempotent;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A join-token creation retried with its {@code Idempotency-Key} gets the original answer, the
 * join token included, and no second join token exists: the retried answer's token redeems once.
 */
class JoinTokenIdempotencyTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aRetriedJoinTokenCreationGetsTheSameJoinTokenAndCreatesNoSecond(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Workloads.estate(s);
      String body = "{\"image\":\"" + digest + "\",\"identity\":\"" + Workloads.API + "\"}";
      String key = UUID.randomUUID().toString();
      HttpResponse<String> first = post(s, body, key);
      HttpResponse<String> again = post(s, body, key);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
      assertThat(again.headers().firstValue(Idempotent.REPLAYED)).hasValue("true");
      assertThat(Workloads.json(again)).isEqualTo(Workloads.json(first));
      long joinTokens = s.server().database().read(c -> {
        try (var st = c.createStatement();
            var rs = st.executeQuery("SELECT COUNT(*) FROM join_tokens")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(joinTokens).isEqualTo(1);
      String token = Workloads.json(first).get("token").asText();
      Workloads.ok(Workloads.attest(s, token, "https://pay.example", null), 200);
      assertThat(Workloads.attest(s, token, "https://pay.example", null).statusCode())
          .as("the replayed join token is the one live join token: it redeems once")
          .isNotEqualTo(200);
      assertThat(post(s, body.replace("}", ",\"ttl\":\"5m\"}"), key).statusCode())
          .as("the key answered another request").isEqualTo(422);
    }
  }

  private static HttpResponse<String> post(TestServer s, String body, String key)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/join-tokens"))
        .header("Authorization", "Bearer " + s.adminToken())
        .header("Content-Type", "application/json").header(Idempotent.HEADER, key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
