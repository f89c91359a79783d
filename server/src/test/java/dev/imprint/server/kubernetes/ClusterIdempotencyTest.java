package dev.imprint.server.kubernetes;

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
 * The cluster routes that create (a cluster, an admission token, a binding) replay their answer
 * to a retry with the same {@code Idempotency-Key}; a retried admission-token creation gets the
 * same secret and makes no second token.
 */
class ClusterIdempotencyTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final TestIssuer ISSUER = TestIssuer.ec("https://kubernetes.default.svc");
  private static final String SPIFFE = "spiffe://imprint.local/payments/api";

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void everyCreatingClusterCallReplaysItsAnswerAndAnAdmissionTokenIsMadeOnce(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      KubeEstate.identity(s, SPIFFE);
      String[][] calls = {
          {"/v1/clusters", "{\"name\":\"prod-eu\",\"issuer\":\"" + ISSUER.issuer
              + "\",\"jwks\":" + ISSUER.jwks() + "}"},
          {"/v1/clusters/prod-eu/admission-tokens", "{\"description\":\"webhooks\"}"},
          {"/v1/clusters/prod-eu/bindings", "{\"identity\":\"" + SPIFFE
              + "\",\"namespace\":\"payments\",\"serviceAccount\":\"api\"}"}};
      for (String[] call : calls) {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(s, call[0], call[1], key);
        HttpResponse<String> again = post(s, call[0], call[1], key);
        assertThat(first.statusCode()).as(call[0] + ": " + first.body()).isEqualTo(201);
        assertThat(again.statusCode()).as(call[0] + ": " + again.body()).isEqualTo(201);
        assertThat(again.headers().firstValue(Idempotent.REPLAYED)).as(call[0])
            .hasValue("true");
        assertThat(again.headers().firstValue("Location")).as(call[0])
            .isEqualTo(first.headers().firstValue("Location"));
        assertThat(KubeEstate.json(again)).as(call[0]).isEqualTo(KubeEstate.json(first));
      }
      long admissionTokens = s.server().database().read(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery(
            "SELECT COUNT(*) FROM api_tokens WHERE role = 'admission'")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(admissionTokens).isEqualTo(1);
    }
  }

  private static HttpResponse<String> post(TestServer s, String path, String body, String key)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + path))
        .header("Authorization", "Bearer " + s.adminToken())
        .header("Content-Type", "application/json").header(Idempotent.HEADER, key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
