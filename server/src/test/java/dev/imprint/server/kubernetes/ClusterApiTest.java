package dev.imprint.server.kubernetes;

import static dev.imprint.server.kubernetes.KubeEstate.audited;
import static dev.imprint.server.kubernetes.KubeEstate.digest;
import static dev.imprint.server.kubernetes.KubeEstate.json;
import static dev.imprint.server.kubernetes.KubeEstate.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clusters, their admission tokens and bindings, and tag resolution over the real API. */
class ClusterApiTest {
  @TempDir static Path dir;
  static TestServer server;
  static JwksServer endpoint;
  static final TestIssuer ISSUER = TestIssuer.rsa("https://kubernetes.default.svc");

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    endpoint = new JwksServer();
    KubeEstate.identity(server, "spiffe://imprint.local/payments/api");
  }

  @AfterAll
  static void stop() {
    endpoint.close();
    server.close();
  }

  static HttpResponse<String> post(String path, String body) {
    return server.send("POST", path, server.adminToken(), body);
  }

  static void problem(HttpResponse<String> res, int status, String code, String... parts) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    JsonNode p = json(res);
    assertThat(p.get("code").asText()).as(res.body()).isEqualTo(code);
    for (String part : parts) {
      assertThat(p.get("detail").asText()).contains(part);
    }
  }

  @Test
  void aClusterIsRegisteredWithItsJwksDocumentShownAndAudited() {
    JsonNode c = ok(post("/v1/clusters", "{\"name\":\"doc\",\"issuer\":\"" + ISSUER.issuer
        + "\",\"jwks\":" + ISSUER.jwks() + "}"), 201);
    assertThat(c.get("keyIds")).extracting(JsonNode::asText)
        .containsExactly(ISSUER.key.getKeyID());
    assertThat(c.get("jwksUrl").isNull()).isTrue();
    JsonNode shown = ok(server.send("GET", "/v1/clusters/doc", server.adminToken(), null), 200);
    assertThat(shown.get("issuer").asText()).isEqualTo(ISSUER.issuer);
    assertThat(audited(server, "k8s.cluster_added")).anySatisfy(e -> {
      assertThat(e.get("subject").asText()).isEqualTo("cluster:doc");
      assertThat(e.at("/details/keyIds/0").asText()).isEqualTo(ISSUER.key.getKeyID());
    });
    problem(post("/v1/clusters", "{\"name\":\"doc\",\"issuer\":\"x\",\"jwks\":"
        + ISSUER.jwks() + "}"), 409, "cluster.exists");
  }

  @Test
  void aClusterIsRegisteredWithAJwksUrlFetchedAtOnce() {
    endpoint.serve(ISSUER.jwks(), "public, max-age=3600");
    int before = endpoint.requests();
    JsonNode c = ok(post("/v1/clusters", "{\"name\":\"url\",\"issuer\":\"" + ISSUER.issuer
        + "\",\"jwksUrl\":\"" + endpoint.url() + "\"}"), 201);
    assertThat(endpoint.requests()).isEqualTo(before + 1);
    assertThat(c.get("jwksUrl").asText()).isEqualTo(endpoint.url());
    assertThat(c.get("keyIds")).hasSize(1);
    problem(post("/v1/clusters", "{\"name\":\"url2\",\"issuer\":\"x\",\"jwksUrl\":\""
        + endpoint.url().replace("/openid/v1/jwks", "/nothing") + "\"}"), 422,
        "cluster.jwks_unavailable", "HTTP 404");
    problem(post("/v1/clusters", "{\"name\":\"url3\",\"issuer\":\"x\",\"jwksUrl\":"
        + "\"http://oidc.example/keys\"}"), 400, "cluster.jwks_url_insecure");
    assertThat(ok(server.send("GET", "/v1/clusters", server.adminToken(), null), 200)
        .get("items")).extracting(i -> i.get("name").asText()).doesNotContain("url2", "url3");
  }

  @Test
  void aJwksThatIsNotAnIssuersPublicSigningKeysIsRefusedAndNothingIsStored() throws Exception {
    RSAKey full = new RSAKeyGenerator(2048).keyID("k1").generate();
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("k2").generate();
    OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).keyID("k3").generate();
    Map<String, String> refused = Map.of(
        "{\"keys\":[" + full.toJSONString() + "]}", "private key material",
        "{\"keys\":[" + weak.toPublicJWK().toJSONString() + "]}", "1024 bits",
        "{\"keys\":[" + hmac.toJSONString() + "]}", "no symmetric keys",
        "{\"keys\":[" + new RSAKey.Builder(full.toPublicJWK()).keyID(null).build()
            .toJSONString() + "]}", "no 'kid'",
        "{\"keys\":[]}", "holds no key",
        "{\"nokeys\":1}", "expected a JWKS");
    int i = 0;
    for (Map.Entry<String, String> e : refused.entrySet()) {
      problem(post("/v1/clusters", "{\"name\":\"bad" + i++ + "\",\"issuer\":\"x\",\"jwks\":"
          + e.getKey() + "}"), 400, "cluster.jwks_invalid", e.getValue());
    }
    problem(post("/v1/clusters", "{\"name\":\"bad\",\"issuer\":\"x\"}"), 400,
        "cluster.jwks_missing");
    problem(post("/v1/clusters", "{\"name\":\"Bad_Name\",\"issuer\":\"x\",\"jwks\":"
        + ISSUER.jwks() + "}"), 400, "cluster.name_invalid");
    problem(post("/v1/clusters", "{\"name\":\"ok\",\"issuer\":\"a b\",\"jwks\":"
        + ISSUER.jwks() + "}"), 400, "cluster.issuer_invalid");
    int stored = server.server().database().read(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM k8s_clusters WHERE name LIKE"
          + " 'bad%'"); var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertThat(stored).isZero();
    int leaked = server.server().database().read(c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_entries WHERE entry LIKE ?")) {
        ps.setString(1, "%" + full.getPrivateExponent().toString() + "%");
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
    assertThat(leaked).as("a private key sent by mistake is never stored").isZero();
  }

  @Test
  void anUpdateReplacesTheKeys() {
    ok(post("/v1/clusters", "{\"name\":\"rotating\",\"issuer\":\"" + ISSUER.issuer
        + "\",\"jwks\":" + ISSUER.jwks() + "}"), 201);
    TestIssuer next = TestIssuer.ec(ISSUER.issuer);
    JsonNode c = ok(server.send("PATCH", "/v1/clusters/rotating", server.adminToken(),
        "{\"jwks\":" + next.jwks() + "}"), 200);
    assertThat(c.get("keyIds")).extracting(JsonNode::asText).containsExactly(next.key.getKeyID());
    problem(server.send("PATCH", "/v1/clusters/rotating", server.adminToken(), "{}"), 400,
        "cluster.nothing_to_change");
    problem(server.send("PATCH", "/v1/clusters/nowhere", server.adminToken(),
        "{\"issuer\":\"x\"}"), 404, "cluster.not_found");
  }

  @Test
  void anAdmissionTokenIsBoundToAnExistingClusterOrNotCreatedAtAll() {
    ok(post("/v1/clusters", "{\"name\":\"tokens\",\"issuer\":\"" + ISSUER.issuer
        + "\",\"jwks\":" + ISSUER.jwks() + "}"), 201);
    JsonNode t = ok(post("/v1/clusters/tokens/admission-tokens", "{\"description\":\"kube\"}"),
        201);
    assertThat(t.get("role").asText()).isEqualTo("admission");
    assertThat(t.get("cluster").asText()).isEqualTo("tokens");
    assertThat(t.get("token").asText()).startsWith("imp_");
    assertThat(audited(server, "k8s.admission_token_bound")).anySatisfy(e -> assertThat(
        e.get("subject").asText()).isEqualTo("token:" + t.get("id").asText()));
    int before = ok(server.send("GET", "/v1/tokens", server.adminToken(), null), 200)
        .get("items").size();
    problem(post("/v1/clusters/nowhere/admission-tokens", null), 404, "cluster.not_found");
    assertThat(ok(server.send("GET", "/v1/tokens", server.adminToken(), null), 200)
        .get("items")).as("no unbound token left behind").hasSize(before);
  }

  @Test
  void bindingsAreAddedListedAndRemoved() {
    ok(post("/v1/clusters", "{\"name\":\"binds\",\"issuer\":\"" + ISSUER.issuer
        + "\",\"jwks\":" + ISSUER.jwks() + "}"), 201);
    String body = "{\"identity\":\"spiffe://imprint.local/payments/api\",\"namespace\":"
        + "\"payments\",\"serviceAccount\":\"payments-api\"}";
    JsonNode b = ok(post("/v1/clusters/binds/bindings", body), 201);
    assertThat(b.get("identity").asText()).isEqualTo("spiffe://imprint.local/payments/api");
    ok(post("/v1/clusters/binds/bindings", body), 201);
    JsonNode shown = ok(server.send("GET", "/v1/clusters/binds", server.adminToken(), null), 200);
    assertThat(shown.get("bindings")).hasSize(1);
    problem(post("/v1/clusters/binds/bindings", body.replace("payments/api", "nobody")), 404,
        "cluster.identity_unknown");
    problem(post("/v1/clusters/binds/bindings", body.replace("payments-api", "Payments_API")),
        400, "cluster.service_account_invalid");
    String q = "?identity=spiffe%3A%2F%2Fimprint.local%2Fpayments%2Fapi&namespace=payments"
        + "&serviceAccount=payments-api";
    assertThat(server.send("DELETE", "/v1/clusters/binds/bindings" + q, server.adminToken(),
        null).statusCode()).isEqualTo(204);
    problem(server.send("DELETE", "/v1/clusters/binds/bindings" + q, server.adminToken(), null),
        404, "cluster.binding_not_found");
    assertThat(audited(server, "k8s.binding_added")).hasSize(1);
    assertThat(audited(server, "k8s.binding_removed")).hasSize(1);
  }

  @Test
  void tagsResolveToTheNewestApprovedImageOfThatRepositoryAndTag() {
    String id = "spiffe://imprint.local/payments/api";
    KubeEstate.image(server, "registry.example/resolve/api", "1.0", digest("r1"), id, "approve",
        "deploy");
    KubeEstate.image(server, "registry.example/resolve/api", "1.0", digest("r2"), id, "approve");
    KubeEstate.image(server, "registry.example/resolve/api", "1.0", digest("r3"), id, "reject");
    KubeEstate.image(server, "registry.example/resolve/api", "2.0", digest("r4"), id);
    KubeEstate.image(server, "nginx", "1.27", digest("r5"), id, "approve");
    JsonNode res = ok(post("/v1/images/resolve", "{\"references\":["
        + "\"registry.example/resolve/api:1.0\",\"registry.example/resolve/api:2.0\","
        + "\"registry.example/resolve/api:3.0\",\"docker.io/library/nginx:1.27\","
        + "\"nginx@" + digest("r5") + "\",\"Not A Reference\"]}"), 200);
    JsonNode items = res.get("items");
    assertThat(items.get(0).get("digest").asText()).as("newest approved").isEqualTo(digest("r2"));
    assertThat(items.get(0).get("status").asText()).isEqualTo("approved");
    assertThat(items.get(1).at("/error/code").asText()).isEqualTo("image_ref.not_approved");
    assertThat(items.get(2).at("/error/code").asText()).isEqualTo("image_ref.unknown");
    assertThat(items.get(3).get("digest").asText()).isEqualTo(digest("r5"));
    assertThat(items.get(4).get("pinned").asBoolean()).isTrue();
    assertThat(items.get(5).at("/error/code").asText()).isEqualTo("image_ref.invalid");
    String pipeline = ok(server.send("POST", "/v1/tokens", server.adminToken(),
        "{\"role\":\"pipeline\"}"), 201).get("token").asText();
    assertThat(server.send("POST", "/v1/images/resolve", pipeline,
        "{\"references\":[\"nginx:1.27\"]}").statusCode()).isEqualTo(200);
    problem(post("/v1/images/resolve", "{\"references\":[]}"), 400,
        "image_ref.references_invalid");
    for (String role : List.of("workload", "admission")) {
      String t = ok(server.send("POST", "/v1/tokens", server.adminToken(),
          "{\"role\":\"" + role + "\"}"), 201).get("token").asText();
      assertThat(server.send("POST", "/v1/images/resolve", t,
          "{\"references\":[\"nginx:1.27\"]}").statusCode()).isEqualTo(403);
    }
  }
}
