package dev.imprint.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A creating call carries an Idempotency-Key and is sent again with the same key when the
 * server answers that it could not tell whether the write landed. The server here is a fake of
 * that one failure mode: the real server's side is tested in the server module.
 */
class ApiClientRetryTest {
  private HttpServer server;
  private final List<String> keys = new CopyOnWriteArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String serve(int failures, String code) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/", ex -> {
      keys.add(String.valueOf(ex.getRequestHeaders().getFirst("Idempotency-Key")));
      boolean fail = calls.incrementAndGet() <= failures;
      byte[] body = (fail ? "{\"code\":\"" + code + "\",\"detail\":\"try again\"}"
          : "{\"id\":\"0123456789abcdef\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", fail ? "application/problem+json"
          : "application/json");
      ex.sendResponseHeaders(fail ? 503 : 201, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aCreationWhoseOutcomeIsUnknownIsSentAgainWithTheSameKey() throws Exception {
    ApiClient client = new ApiClient(serve(2, "store.outcome_unknown"), "imp_token");
    assertThat(client.post("/v1/tokens", Map.of("role", "pipeline")).get("id").asText())
        .isEqualTo("0123456789abcdef");
    assertThat(keys).hasSize(3).doesNotContain("null");
    assertThat(keys).containsOnly(keys.get(0));
  }

  @Test
  void twoCreationsHaveTwoKeys() throws Exception {
    ApiClient client = new ApiClient(serve(0, ""), "imp_token");
    client.post("/v1/identities", Map.of());
    client.post("/v1/identities", Map.of());
    assertThat(keys).hasSize(2).doesNotHaveDuplicates().doesNotContain("null");
  }

  @Test
  void everyCreatingPostCarriesAKeyAndNoOtherPostDoes() throws Exception {
    ApiClient client = new ApiClient(serve(0, ""), "imp_token");
    List<String> creating = List.of("/v1/tokens", "/v1/identities", "/v1/images",
        "/v1/findings", "/v1/join-tokens", "/v1/clusters", "/v1/clusters/prod-eu/admission-tokens",
        "/v1/clusters/prod-eu/bindings", "/v1/keys/rotate", "/v1/db/servers",
        "/v1/db/credentials");
    for (String path : creating) {
      client.post(path, Map.of());
    }
    assertThat(keys).as("one fresh key per creating call").hasSize(creating.size())
        .doesNotContain("null").doesNotHaveDuplicates();
    keys.clear();
    for (String path : List.of("/v1/images/resolve", "/v1/attest/join-token",
        "/v1/identities/0123456789abcdef/disable", "/v1/clusters/prod-eu/other",
        "/v1/db/leases/lease-1/revoke", "/v1/db/leases/lease-1/renew", "/v1/grants/plan")) {
      client.post(path, Map.of());
    }
    assertThat(keys).containsOnly("null").hasSize(7);
  }

  @Test
  void aDatabaseLoginIsSentAgainWithItsKeySoTheServerMakesOneRole() throws Exception {
    // the bearer is a workload's JWT-SVID, as imprint db login sends it
    ApiClient client = new ApiClient(serve(1, "store.outcome_unknown"), "eyJhbGciOi.svid.sig");
    client.post("/v1/db/credentials", Map.of("resource", "db:postgres://shop-db/shop"));
    assertThat(keys).hasSize(2).doesNotContain("null");
    assertThat(keys).containsOnly(keys.get(0));
  }

  @Test
  void aRefusalIsNotRetriedAndANonCreatingPostCarriesNoKey() throws Exception {
    ApiClient client = new ApiClient(serve(5, "token.role_unknown"), "imp_token");
    assertThatThrownBy(() -> client.post("/v1/tokens", Map.of("role", "x")))
        .isInstanceOf(RemoteException.class);
    assertThat(calls.get()).isEqualTo(1);
    keys.clear();
    assertThatThrownBy(() -> client.post("/v1/images/sha256:ab/approve", Map.of()))
        .isInstanceOf(RemoteException.class);
    assertThat(keys).containsExactly("null");
  }

  @Test
  void itGivesUpAfterItsAttempts() throws Exception {
    ApiClient client = new ApiClient(serve(100, "store.unavailable"), "imp_token");
    assertThatThrownBy(() -> client.post("/v1/findings", Map.of()))
        .isInstanceOf(RemoteException.class)
        .extracting(e -> ((RemoteException) e).code()).isEqualTo("store.unavailable");
    assertThat(calls.get()).isEqualTo(ApiClient.ATTEMPTS);
  }
}
