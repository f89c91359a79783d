package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.attest;
import static dev.imprint.server.svid.Workloads.csr;
import static dev.imprint.server.svid.Workloads.ecKey;
import static dev.imprint.server.svid.Workloads.ok;
import static dev.imprint.server.svid.Workloads.uri;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.tls.TestCertificates;
import dev.imprint.server.tls.TestCertificates.Issued;
import dev.imprint.server.tls.TestCertificates.KeyFormat;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/authorize} with the caller's X.509-SVID as its TLS client certificate (mTLS):
 * decided like a JWT-SVID, recorded with via {@code x509}, denied once the image is retired, and
 * refused with a reason for a certificate that is not an X.509-SVID of this trust domain.
 */
class X509AuthorizeTest {
  static final String POLICY = "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n"
      + "  - id: api-reads-orders\n"
      + "    subject: " + API + "\n"
      + "    resource: topic:orders/*\n"
      + "    actions: [read]\n"
      + "    conditions: {imageApproved: true}\n";

  @TempDir Path dir;

  @Test
  void aWorkloadPresentingItsX509SvidIsDecidedAndRecordedAndDeniedOnceItsImageIsRetired()
      throws Exception {
    Issued server = TestCertificates.current("EC");
    ServerConfig c = tls(server);
    HttpClient admin = HttpClient.newBuilder()
        .sslContext(TestCertificates.trusting(server.certificate())).build();
    try (TestServer s = TestServer.start(c, admin)) {
      String digest = Workloads.estate(s);
      ok(s.send("PUT", "/v1/grants", s.adminToken(), "{\"files\":[{\"name\":\"g.yaml\","
          + "\"content\":" + Workloads.quote(POLICY) + "}]}"), 200);
      KeyPair key = ecKey();
      JsonNode issued = ok(attest(s, Workloads.joinToken(s, s.adminToken(), digest, API), null,
          csr(key, "", uri(API))), 200);
      List<X509Certificate> chain = certificates(issued.at("/x509_svid/certificates").asText());
      // the JDK's own key manager presents it: the server names the SVID's authority as one
      // whose certificates it accepts
      HttpClient workload = HttpClient.newBuilder().sslContext(TestCertificates.presenting(
          server.certificate(), key.getPrivate(), chain, false)).build();

      JsonNode allow = decide(s, workload, "topic:orders/daily", 200);
      assertThat(allow.get("decision").asText()).isEqualTo("allow");
      assertThat(allow.get("subject").asText()).isEqualTo(API);
      assertThat(decide(s, workload, "topic:payroll/x", 200).get("reason").asText())
          .isEqualTo("no_grant");
      // no client certificate and no bearer: nothing to decide for
      assertThat(decide(s, admin, "topic:orders/daily", 401).get("code").asText())
          .isEqualTo("authz.credential_missing");

      s.server().decisions().flush();
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e -> e.get("action")
          .asText().equals("authz.decided"))
          .flatExtracting(e -> e.at("/details/requests").findValuesAsText("via"))
          .containsOnly("x509").isNotEmpty();

      ok(s.send("POST", "/v1/images/" + digest + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      JsonNode retired = decide(s, workload, "topic:orders/daily", 200);
      assertThat(retired.get("decision").asText()).isEqualTo("deny");
    }
  }

  @Test
  void aCertificateThatIsNotAnX509SvidOfThisTrustDomainIsRefusedWithItsReason()
      throws Exception {
    Issued server = TestCertificates.current("EC");
    ServerConfig c = tls(server);
    HttpClient admin = HttpClient.newBuilder()
        .sslContext(TestCertificates.trusting(server.certificate())).build();
    try (TestServer s = TestServer.start(c, admin)) {
      assertThat(refusal(s, server, selfSigned(API, false, true))).isEqualTo(
          "svid.chain_invalid");
      assertThat(refusal(s, server, selfSigned("spiffe://elsewhere.example/payments/api", false,
          true))).isEqualTo("svid.trust_domain_mismatch");
      assertThat(refusal(s, server, selfSigned(null, false, true))).isEqualTo(
          "svid.subject_invalid");
      assertThat(refusal(s, server, selfSigned(API, true, true))).isEqualTo("svid.x509_ca_leaf");
      assertThat(refusal(s, server, selfSigned(API, false, false))).isEqualTo(
          "svid.x509_key_usage");
    }
  }

  /** A server configuration serving TLS with {@code server}'s certificate. */
  private ServerConfig tls(Issued server) {
    ServerConfig d = ServerConfig.defaults();
    return new ServerConfig("127.0.0.1", 0, dir.resolve("data"), null, d.trustDomain(),
        TestCertificates.writeCert(dir.resolve("cert.pem"), server.certificate()),
        TestCertificates.writeKey(dir.resolve("key.pem"), server.keys(), KeyFormat.PKCS8),
        false, d.logFormat(), 64 * 1024).withCheckpointInterval(Duration.ZERO);
  }

  private record Client(KeyPair key, X509Certificate cert) {}

  /** A self-signed certificate naming {@code spiffeId} (none when null) as its URI SAN. */
  private static Client selfSigned(String spiffeId, boolean ca, boolean sign) throws Exception {
    KeyPair key = ecKey();
    X500Name name = new X500Name("O=Imprint");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name,
        key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(sign ? KeyUsage.digitalSignature
        | (ca ? KeyUsage.keyCertSign : 0) : KeyUsage.keyEncipherment));
    if (spiffeId != null) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
    }
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    return new Client(key, cert);
  }

  /** The reason the server gives for refusing {@code client}'s certificate (401). */
  private static String refusal(TestServer s, Issued server, Client client) throws Exception {
    SSLContext tls = TestCertificates.presenting(server.certificate(), client.key().getPrivate(),
        List.of(client.cert()));
    JsonNode p = decide(s, HttpClient.newBuilder().sslContext(tls).build(),
        "topic:orders/daily", 401);
    assertThat(p.get("code").asText()).isEqualTo("authz.svid_invalid");
    String detail = p.get("detail").asText();
    return detail.substring(detail.lastIndexOf(' ') + 1);
  }

  private static JsonNode decide(TestServer s, HttpClient client, String resource, int status)
      throws Exception {
    HttpResponse<String> res = client.send(HttpRequest.newBuilder(
        URI.create(s.url() + "/v1/authorize")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"read\",\"resource\":\""
            + resource + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    return Workloads.JSON.readTree(res.body());
  }

  private static List<X509Certificate> certificates(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(
        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) cert);
    }
    assertThat(out).hasSize(2);
    return out;
  }
}
