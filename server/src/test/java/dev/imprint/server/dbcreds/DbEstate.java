package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Test steps for database logins over the real API: workloads, grants, a server, logins. */
final class DbEstate {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TD = "spiffe://imprint.local/";
  static final String API = TD + "payments/api";
  static final String WORKER = TD + "payments/worker";
  static final String SERVER = "shop-db";
  static final String APP = "db:postgres://" + SERVER + "/shop/app";
  static final String SHOP = "db:postgres://" + SERVER + "/shop";
  static final String HEADER = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n";
  static final String API_GRANTS = ""
      + "  - id: api-reads-orders\n"
      + "    subject: " + API + "\n"
      + "    resource: " + APP + "\n"
      + "    privileges: [read]\n";
  static final String WORKER_GRANTS = ""
      + "  - id: worker-writes-orders\n"
      + "    subject: " + WORKER + "\n"
      + "    resource: " + APP + "\n"
      + "    privileges: [read, write]\n"
      + "  - id: worker-reports\n"
      + "    subject: " + WORKER + "\n"
      + "    resource: " + SHOP + "\n"
      + "    privileges: [\"role:reporting\"]\n";
  static final String PROVENANCE = "\"provenance\":{\"sourceRepository\":\"github.com/acme/pay\","
      + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}";

  private DbEstate() {}

  static JsonNode json(HttpResponse<String> res) {
    try {
      return JSON.readTree(res.body());
    } catch (Exception e) {
      throw new IllegalStateException(res.body(), e);
    }
  }

  static JsonNode ok(HttpResponse<String> res, int status) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    return json(res);
  }

  static JsonNode problem(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonNode p = json(res);
    assertThat(p.get("code").asText()).as(res.body()).isEqualTo(code);
    return p;
  }

  static String digest(String name) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates {@code spiffeId} with one approved image; returns the image digest. */
  static String workload(TestServer s, String spiffeId) {
    ok(s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\"" + spiffeId
        + "\",\"kind\":\"workload\",\"owner\":\"team\",\"environment\":\"prod\"}"), 201);
    String pipeline = ok(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"pipeline\","
        + "\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
    String d = digest(spiffeId + "-1.0");
    HttpResponse<String> r = s.send("POST", "/v1/images", pipeline, "{\"repository\":"
        + "\"registry.example/app\",\"digest\":\"" + d + "\",\"identity\":\"" + spiffeId + "\","
        + PROVENANCE + "}");
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    ok(s.send("POST", "/v1/images/" + d + "/approve", s.adminToken(),
        "{\"reason\":\"passed policy\"}"), 200);
    return d;
  }

  /** A JWT-SVID for the workload of {@code digest} with the audience {@code imprint:db}. */
  static String svid(TestServer s, String digest, String spiffeId) {
    String jt = ok(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
    return ok(s.send("POST", "/v1/attest/join-token", null, "{\"join_token\":\"" + jt
        + "\",\"audience\":\"" + LeaseService.AUDIENCE + "\"}"), 200).at("/jwt_svid/token")
        .asText();
  }

  /** Applies the grants of the named subjects' workloads (which must exist). */
  static void grants(TestServer s, String... grants) {
    ok(s.send("PUT", "/v1/grants", s.adminToken(), "{\"files\":[{\"name\":\"grants/db.yaml\","
        + "\"content\":" + quote(HEADER + String.join("", grants)) + "}]}"), 200);
  }

  /**
   * The estate most tests start from: the target server registered, the API workload attested
   * and its grants applied; the workload's JWT-SVID.
   */
  static String apiWorkload(TestServer s) {
    register(s);
    String svid = svid(s, workload(s, API), API);
    grants(s, API_GRANTS);
    return svid;
  }

  static JsonNode register(TestServer s) {
    return ok(s.send("POST", "/v1/db/servers", s.adminToken(), "{\"name\":\"" + SERVER
        + "\",\"url\":\"" + TargetPostgres.url() + "\",\"adminUser\":\"" + TargetPostgres.ADMIN
        + "\",\"password\":\"" + TargetPostgres.ADMIN_PASSWORD + "\"}"), 201);
  }

  static HttpResponse<String> ask(TestServer s, String svid, String body) {
    return s.send("POST", "/v1/db/credentials", svid, body);
  }

  static String quote(String v) {
    try {
      return JSON.writeValueAsString(v);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
