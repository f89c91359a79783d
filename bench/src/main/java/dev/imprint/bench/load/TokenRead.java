package dev.imprint.bench.load;

import java.net.http.HttpRequest;

/** {@code GET /v1/tokens} over a table of 50 tokens: an authenticated read. */
final class TokenRead implements Scenario {
  @Override
  public String name() {
    return "token-list";
  }

  @Override
  public void setUp(Target t) throws Exception {
    TokenCreation create = new TokenCreation();
    for (int i = 0; i < 50; i++) {
      LoadGenerator.HTTP.send(create.request(t, -1, i),
          java.net.http.HttpResponse.BodyHandlers.discarding());
    }
  }

  @Override
  public HttpRequest request(Target t, int client, long i) {
    return t.request("/v1/tokens", t.adminToken()).GET().build();
  }

  @Override
  public int expectedStatus() {
    return 200;
  }
}
