package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.attest;
import static dev.imprint.server.svid.Workloads.csr;
import static dev.imprint.server.svid.Workloads.ecKey;
import static dev.imprint.server.svid.Workloads.joinToken;
import static dev.imprint.server.svid.Workloads.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.SigningKey;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import io.spiffe.bundle.jwtbundle.JwtBundle;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.jwtsvid.JwtSvid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Imprint issues, verified by software no one here wrote, configured only from Imprint's
 * own public endpoints over HTTP: the SPIFFE project's java-spiffe (JWT-SVID against the JWT
 * bundle, X.509-SVID chain against the X.509 bundle), jose4j (JWT-SVIDs, from the OpenID Connect
 * discovery document alone) and the JDK's PKIX path validation.
 */
class SpiffeInteropTest {
  static final String AZURE = "api://AzureADTokenExchange";
  static final TrustDomain TD = TrustDomain.parse("imprint.local");

  @TempDir static Path dir;
  static TestServer server;
  static JsonNode issued;
  static JsonNode issuedRs256;
  static KeyPair key;

  @BeforeAll
  static void start() {
    ServerConfig c = TestServer.config(dir, Stores.jdbcUrl(Stores.Kind.SQLITE))
        .withCheckpointInterval(Duration.ZERO)
        .withSvid(SvidConfig.defaults().withRs256Audiences(Set.of(AZURE)));
    server = TestServer.start(c);
    String digest = Workloads.estate(server);
    key = ecKey();
    issued = ok(attest(server, joinToken(server, server.adminToken(), digest, API),
        "https://payments.example", csr(key, "", Workloads.uri(API))), 200);
    issuedRs256 = ok(attest(server, joinToken(server, server.adminToken(), digest, API), AZURE,
        null), 200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static byte[] bundle() {
    return server.send("GET", "/v1/bundle", null, null).body().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void javaSpiffeValidatesTheJwtSvidsAgainstTheJwtBundleFromTheBundleEndpoint() throws Exception {
    JwtBundle bundle = JwtBundle.parse(TD, server.send("GET", "/v1/bundle/jwt", null, null)
        .body().getBytes(StandardCharsets.UTF_8));
    assertThat(bundle.getJwtAuthorities()).isNotEmpty();
    JwtSvid svid = JwtSvid.parseAndValidate(issued.at("/jwt_svid/token").asText(), bundle,
        Set.of("https://payments.example"));
    assertThat(svid.getSpiffeId().toString()).isEqualTo(API);
    assertThat(svid.getClaims().get("image_digest")).isEqualTo(issued.get("image").asText());
    JwtSvid rs = JwtSvid.parseAndValidate(issuedRs256.at("/jwt_svid/token").asText(), bundle,
        Set.of(AZURE));
    assertThat(rs.getSpiffeId().toString()).isEqualTo(API);
    assertThatThrownBy(() -> JwtSvid.parseAndValidate(issued.at("/jwt_svid/token").asText(),
        bundle, Set.of("https://other.example"))).hasMessageContaining("audience");
  }

  @Test
  void javaSpiffeAndPkixValidateTheX509SvidAgainstTheX509BundleFromTheBundleEndpoint()
      throws Exception {
    List<X509Certificate> authorities = x509Authorities();
    assertThat(authorities).isNotEmpty();
    String pem = server.send("GET", "/v1/bundle/x509", null, null).body();
    assertThat(pem).isEqualTo(pem(authorities)).as("the PEM bundle holds the x5c authorities");
    X509Bundle bundle = X509Bundle.parse(TD, pem.getBytes(StandardCharsets.UTF_8));
    List<X509Certificate> chain = WorkloadIdentityApiTest.certificates(
        issued.at("/x509_svid/certificates").asText());
    X509SvidValidator.verifyChain(chain, bundle);
    io.spiffe.svid.x509svid.X509Svid svid = io.spiffe.svid.x509svid.X509Svid.parseRaw(
        concat(chain), key.getPrivate().getEncoded());
    assertThat(svid.getSpiffeId().toString()).isEqualTo(API);

    pkix(chain, authorities);
    X509Certificate leaf = chain.get(0);
    assertThat(leaf.getSubjectAlternativeNames()).singleElement().satisfies(n -> {
      assertThat(n.get(0)).isEqualTo(6); // uniformResourceIdentifier
      assertThat(n.get(1)).isEqualTo(API);
    });
    assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(leaf.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId(),
        Extension.basicConstraints.getId());
    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
        .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1).getBasicConstraints()).as("intermediate path length").isZero();
  }

  @Test
  void theIntermediateNameConstraintMakesPkixRefuseACertificateForAnotherTrustDomain()
      throws Exception {
    SigningKey ca = server.server().svids().keys().active(KeyPurpose.X509_CA);
    KeyPair leafKey = ecKey();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.issuing(),
        BigInteger.TEN, Date.from(Instant.now().minusSeconds(60)),
        Date.from(Instant.now().plusSeconds(600)), new X500Name("O=Imprint"),
        leafKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(
        GeneralName.uniformResourceIdentifier, "spiffe://evil.example/payments/api")));
    X509Certificate evil = new JcaX509CertificateConverter().getCertificate(b.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(ca.privateKey())));
    assertThatThrownBy(() -> pkix(List.of(evil, ca.issuing()), x509Authorities()))
        .isInstanceOf(CertPathValidatorException.class).hasMessageContaining("name");
    assertThat(ca.issuing().getCriticalExtensionOIDs())
        .contains(Extension.nameConstraints.getId());
  }

  @Test
  void jose4jConfiguredOnlyFromTheDiscoveryDocumentVerifiesTheJwtSvids() throws Exception {
    JsonNode discovery = Workloads.json(server.send("GET", "/.well-known/openid-configuration",
        null, null));
    assertThat(discovery.get("issuer").asText()).isEqualTo(server.url());
    assertThat(discovery.get("id_token_signing_alg_values_supported").toString())
        .contains("ES256", "RS256");
    assertThat(discovery.get("subject_types_supported").toString()).contains("public");
    assertThat(discovery.get("response_types_supported").toString()).contains("id_token");
    HttpsJwks jwks = new HttpsJwks(discovery.get("jwks_uri").asText());
    for (String[] t : List.of(new String[] {issued.at("/jwt_svid/token").asText(),
        "https://payments.example", "ES256"}, new String[] {issuedRs256.at("/jwt_svid/token")
            .asText(), AZURE, "RS256"})) {
      JwtConsumer consumer = new JwtConsumerBuilder().setRequireExpirationTime()
          .setRequireSubject().setExpectedIssuer(discovery.get("issuer").asText())
          .setExpectedAudience(t[1]).setVerificationKeyResolver(
              new HttpsJwksVerificationKeyResolver(jwks))
          .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, t[2]).build();
      JwtClaims claims = consumer.processToClaims(t[0]);
      assertThat(claims.getSubject()).isEqualTo(API);
      assertThat(claims.getJwtId()).isNotBlank();
      assertThat(claims.getIssuedAt()).isNotNull();
      assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
          .isEqualTo(300);
    }
    JwtConsumer wrong = new JwtConsumerBuilder().setExpectedIssuer(server.url())
        .setExpectedAudience("https://other.example")
        .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks)).build();
    assertThatThrownBy(() -> wrong.processToClaims(issued.at("/jwt_svid/token").asText()))
        .isInstanceOf(InvalidJwtException.class);
  }

  @Test
  void theBundleFollowsTheSpiffeBundleFormat() throws Exception {
    JsonNode b = Workloads.JSON.readTree(bundle());
    assertThat(b.get("spiffe_sequence").asLong()).isPositive();
    assertThat(b.get("spiffe_refresh_hint").asLong()).isEqualTo(300);
    Set<String> uses = new HashSet<>();
    for (JsonNode k : b.get("keys")) {
      uses.add(k.get("use").asText());
      if (k.get("use").asText().equals("x509-svid")) {
        assertThat(k.get("x5c")).hasSize(1);
      } else {
        assertThat(k.get("use").asText()).isEqualTo("jwt-svid");
        assertThat(k.get("kid").asText()).isNotBlank();
        assertThat(k.has("d")).as("no private part").isFalse();
      }
    }
    assertThat(uses).containsExactlyInAnyOrder("x509-svid", "jwt-svid");
    JsonNode jwks = Workloads.json(server.send("GET", "/v1/jwks", null, null));
    assertThat(jwks.get("keys")).allSatisfy(k -> {
      assertThat(k.get("use").asText()).isEqualTo("sig");
      assertThat(k.get("alg").asText()).isIn("ES256", "RS256");
      assertThat(k.has("d")).isFalse();
    });
  }

  static List<X509Certificate> x509Authorities() throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new java.util.ArrayList<>();
    for (JsonNode k : Workloads.JSON.readTree(bundle()).get("keys")) {
      if (k.get("use").asText().equals("x509-svid")) {
        out.add((X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(
            Base64.getDecoder().decode(k.get("x5c").get(0).asText()))));
      }
    }
    return out;
  }

  static void pkix(List<X509Certificate> chain, List<X509Certificate> anchors)
      throws Exception {
    PKIXParameters p = new PKIXParameters(anchors.stream().map(a -> new TrustAnchor(a, null))
        .collect(Collectors.toSet()));
    p.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
        .generateCertPath(chain), p);
  }

  static String pem(List<X509Certificate> certs) throws Exception {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : certs) {
      b.append(Workloads.pem("CERTIFICATE", c.getEncoded()));
    }
    return b.toString();
  }

  static byte[] concat(List<X509Certificate> certs) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (X509Certificate c : certs) {
      out.write(c.getEncoded());
    }
    return out.toByteArray();
  }
}
