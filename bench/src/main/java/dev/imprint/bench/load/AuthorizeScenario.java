package dev.imprint.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * The decision point over HTTP: a workload asks {@code POST /v1/authorize} with its JWT-SVID as
 * the bearer (signature verified, image and identity state checked from the cache, the decision
 * made under a policy of 1,000 grants, recorded for the batched audit entry and aggregates);
 * half the requests are allowed, half find no grant.
 */
final class AuthorizeScenario implements Scenario {
  static final int GRANTS = 1_000;
  private String svid;
  private volatile HttpRequest[] requests;

  @Override
  public String name() {
    return "authorize";
  }

  @Override
  public void setUp(Target t) throws Exception {
    svid = SvidScenarios.attested(t, "imprint:authorize").at("/jwt_svid/token").asText();
    StringBuilder yaml = new StringBuilder("apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n");
    for (int i = 0; i < GRANTS; i++) {
      if (i % 2 == 0) {
        yaml.append("  - {id: g").append(i).append(", subject: ").append(SvidScenarios.SPIFFE_ID)
            .append(", resource: \"topic:bench/q").append(i).append("\", actions: [read]}\n");
      } else {
        yaml.append("  - {id: g").append(i).append(", subject: \"spiffe://imprint.local/team")
            .append(i).append("/*\", resource: \"queue:team").append(i)
            .append("/*\", actions: [consume]}\n");
      }
    }
    String body = "{\"files\":[{\"name\":\"bench.yaml\",\"content\":"
        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(yaml.toString())
        + "}]}";
    SvidScenarios.send(HttpRequest.newBuilder(URI.create(t.url() + "/v1/grants"))
        .header("Authorization", "Bearer " + t.adminToken())
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), 200);
  }

  /**
   * Request {@code i}: even {@code i} asks for a topic an exact grant allows, odd {@code i} for
   * one no grant names. The {@link #GRANTS} distinct requests are built once, so the clients
   * sharing the server's cores spend nothing on building them.
   */
  @Override
  public HttpRequest request(Target t, int client, long i) {
    if (requests == null) {
      HttpRequest[] built = new HttpRequest[GRANTS];
      for (int k = 0; k < GRANTS; k++) {
        String body = "{\"action\":\"read\",\"resource\":\"topic:bench/q" + k + "\"}";
        built[k] = HttpRequest.newBuilder(URI.create(t.url() + "/v1/authorize"))
            .header("Authorization", "Bearer " + svid).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      }
      requests = built;
    }
    return requests[(int) ((i * 2 + i % 2) % GRANTS)];
  }

  /**
   * The floor of the HTTP path: {@code GET /v1/grants} with the admin token and the current
   * ETag, answered 304 from memory (authenticated, routed and logged like any API call).
   */
  HttpRequest floorRequest(Target t) throws Exception {
    HttpRequest get = t.request("/v1/grants", t.adminToken()).GET().build();
    String etag = LoadGenerator.HTTP.send(get, java.net.http.HttpResponse.BodyHandlers
        .discarding()).headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException(
            "GET /v1/grants sent no ETag"));
    return t.request("/v1/grants", t.adminToken()).header("If-None-Match", etag).GET().build();
  }

  @Override
  public int expectedStatus() {
    return 200;
  }
}
