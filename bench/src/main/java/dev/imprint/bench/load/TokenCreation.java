package dev.imprint.bench.load;

import java.net.http.HttpRequest;

/** {@code POST /v1/tokens}: a durable write (group-committed) plus an audit append per call. */
final class TokenCreation implements Scenario {
  @Override
  public String name() {
    return "token-create";
  }

  @Override
  public HttpRequest request(Target t, int client, long i) {
    return t.postJson("/v1/tokens", t.adminToken(),
        "{\"role\":\"workload\",\"description\":\"load " + client + "-" + i + "\"}");
  }

  @Override
  public int expectedStatus() {
    return 201;
  }
}
