package dev.imprint.server.kubernetes;

import static dev.imprint.server.kubernetes.KubeEstate.digest;
import static dev.imprint.server.kubernetes.KubeEstate.json;
import static dev.imprint.server.kubernetes.KubeEstate.ok;
import static dev.imprint.server.kubernetes.KubeEstate.review;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Kubernetes path over HTTP with the real issuer, on both stores: a cluster whose JWKS
 * is served on loopback, the API server's admission token, a pod admitted by the validating
 * webhook, then the pod's projected token exchanged at {@code /v1/attest/k8s} for a JWT-SVID
 * (verified against Imprint's published JWKS) and an X.509-SVID; retiring the image refuses the
 * next attestation.
 */
class KubernetesAttestationApiTest {
  static final String API = "spiffe://imprint.local/payments/api";
  static final String MESH = "spiffe://imprint.local/platform/mesh";
  static final String D_API = digest("api 1.4.2");
  static final String D_MIGRATE = digest("migrate 1.4.2");
  static final String D_PROXY = digest("proxy 2.0");
  static final TestIssuer.Pod POD = new TestIssuer.Pod("payments", "api-7d9f5c6b8-xk2p9",
      "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b", "payments-api",
      "a087d5a0-e1dd-43ec-93ac-f13d89cd13af");

  @TempDir Path dir;

  static List<Stores.Kind> stores() {
    return List.of(Stores.Kind.SQLITE, Stores.Kind.POSTGRESQL);
  }

  static String quote(String s) {
    try {
      return KubeEstate.JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String csr(KeyPair key) throws Exception {
    byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]),
        key.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA")
            .build(key.getPrivate())).getEncoded();
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64,
        new byte[] {'\n'}).encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n";
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anAdmittedPodExchangesItsProjectedTokenForSvidsUntilItsImageIsRetired(Stores.Kind kind)
      throws Exception {
    TestIssuer cluster = TestIssuer.rsa("https://kubernetes.default.svc");
    try (TestServer s = TestServer.start(kind, dir); JwksServer jwks = new JwksServer()) {
      jwks.serve(cluster.jwks(), "public, max-age=3600");
      KubeEstate.identity(s, API);
      KubeEstate.identity(s, MESH);
      KubeEstate.image(s, "registry.example/payments/api", "1.4.2", D_API, API, "approve",
          "deploy");
      KubeEstate.image(s, "registry.example/payments/migrate", "1.4.2", D_MIGRATE, API,
          "approve");
      KubeEstate.image(s, "registry.example/platform/proxy", "2.0", D_PROXY, MESH, "approve");
      ok(s.send("POST", "/v1/clusters", s.adminToken(), "{\"name\":\"prod-eu\",\"issuer\":\""
          + cluster.issuer + "\",\"jwksUrl\":\"" + jwks.url() + "\"}"), 201);
      String admission = KubeEstate.admissionToken(s, "prod-eu");
      // the API server calls the mutating webhook, then the validating one with the pinned pod
      String tagged = review("pod-create.json", Map.of(
          "INIT_IMAGE", "registry.example/payments/migrate:1.4.2",
          "API_IMAGE", "registry.example/payments/api:1.4.2",
          "SIDECAR_IMAGE", "registry.example/platform/proxy:2.0"));
      JsonNode patch = KubeEstate.JSON.readTree(Base64.getDecoder().decode(ok(s.send("POST",
          "/v1/admission/mutate", admission, tagged), 200).at("/response/patch").asText()));
      JsonNode object = com.github.fge.jsonpatch.JsonPatch.fromJson(patch)
          .apply(KubeEstate.JSON.readTree(tagged).at("/request/object"));
      JsonNode reviewed = KubeEstate.JSON.readTree(tagged);
      ((com.fasterxml.jackson.databind.node.ObjectNode) reviewed.get("request"))
          .set("object", object);
      JsonNode verdict = ok(s.send("POST", "/v1/admission/validate", admission,
          reviewed.toString()), 200);
      assertThat(verdict.at("/response/allowed").asBoolean()).as(verdict.toString()).isTrue();

      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair key = g.generateKeyPair();
      String body = "{\"token\":\"" + cluster.token(POD, Instant.now()) + "\",\"identity\":\""
          + API + "\",\"audience\":\"payments-db\",\"csr\":" + quote(csr(key)) + "}";
      JsonNode issued = ok(s.send("POST", "/v1/attest/k8s", null, body), 200);
      assertThat(issued.get("spiffe_id").asText()).isEqualTo(API);
      assertThat(issued.get("image").asText()).isEqualTo(D_API);
      assertThat(issued.at("/kubernetes/pod_uid").asText()).isEqualTo(POD.uid());
      assertThat(issued.at("/kubernetes/cluster").asText()).isEqualTo("prod-eu");
      assertThat(issued.at("/session/token").asText()).isNotEmpty();

      // the JWT-SVID verifies with the key Imprint publishes
      SignedJWT jwt = SignedJWT.parse(issued.at("/jwt_svid/token").asText());
      JWKSet published = JWKSet.parse(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(s.url() + "/v1/bundle/jwt")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      JWK signer = published.getKeyByKeyId(jwt.getHeader().getKeyID());
      assertThat(signer).isNotNull();
      assertThat(jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
          signer.toECKey().toPublicKey()))).isTrue();
      assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(API);
      assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("payments-db");
      assertThat(jwt.getJWTClaimsSet().getClaim("image_digest")).isEqualTo(D_API);

      // the X.509-SVID names the identity in its one URI SAN
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(issued.at("/x509_svid/certificates")
              .asText().getBytes(StandardCharsets.US_ASCII))).iterator().next();
      assertThat(leaf.getSubjectAlternativeNames()).singleElement()
          .satisfies(san -> assertThat(san.get(1)).isEqualTo(API));
      assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());

      assertThat(KubeEstate.audited(s, "attestation.accepted")).singleElement().satisfies(e ->
          assertThat(e.toString()).doesNotContain(issued.at("/session/token").asText())
              .doesNotContain(issued.at("/jwt_svid/token").asText()));
      // last seen is written with the issuance batch; the pipeline token that registered the
      // images set it earlier, so it must have moved to the attestation (its session's start)
      Instant attested = Instant.parse(issued.at("/session/expires_at").asText())
          .minus(java.time.Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      s.server().svids().flushIssuanceLog();
      JsonNode identity = ok(s.send("GET", "/v1/identities/"
          + dev.imprint.server.identity.IdentityService.idOf(API), s.adminToken(), null), 200);
      assertThat(Instant.parse(identity.get("lastSeenAt").asText()))
          .as("the attestation sets the identity's last-seen time").isAfterOrEqualTo(attested);

      ok(s.send("POST", "/v1/images/" + D_PROXY + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      HttpResponse<String> refused = s.send("POST", "/v1/attest/k8s", null, body);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      assertThat(json(refused).get("code").asText()).isEqualTo("attest.image_not_approved");
      HttpResponse<String> forged = s.send("POST", "/v1/attest/k8s", null,
          "{\"token\":\"" + TestIssuer.rsa(cluster.issuer).token(POD, Instant.now()) + "\"}");
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(json(forged).get("code").asText()).isEqualTo("attest.key_unknown");
      assertThat(KubeEstate.audited(s, "attestation.refused")).as("the forged token is not audited")
          .hasSize(1);
    }
  }
}
