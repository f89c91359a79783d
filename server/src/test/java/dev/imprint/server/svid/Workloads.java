package dev.imprint.server.svid;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test steps for workload identity over the real API: an approved image, join tokens, CSRs. */
final class Workloads {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String API = "spiffe://imprint.local/payments/api";
  static final String API_ID = dev.imprint.server.identity.IdentityService.idOf(API);
  static final String CI = "spiffe://imprint.local/ci/payments-deploy";
  static final String PROVENANCE = "\"provenance\":{\"sourceRepository\":\"github.com/acme/pay\","
      + "\"commit\":\"3f9a1c2\",\"pipelineRun\":\"run-7\",\"builder\":\"github-actions\"}";

  private Workloads() {}

  static String digest(String name) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

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

  static void problem(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(json(res).get("code").asText()).as(res.body()).isEqualTo(code);
  }

  static void identity(TestServer s, String spiffeId, String kind) {
    ok(s.send("POST", "/v1/identities", s.adminToken(), "{\"spiffeId\":\"" + spiffeId
        + "\",\"kind\":\"" + kind + "\",\"owner\":\"team\",\"environment\":\"prod\"}"), 201);
  }

  /** Registers {@code digest} for {@code spiffeId} with {@code token} and approves it. */
  static void approvedImage(TestServer s, String token, String digest, String spiffeId) {
    HttpResponse<String> r = s.send("POST", "/v1/images", token, "{\"repository\":"
        + "\"registry.example/payments/api\",\"digest\":\"" + digest + "\",\"identity\":\""
        + spiffeId + "\"," + PROVENANCE + "}");
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    ok(s.send("POST", "/v1/images/" + digest + "/approve", s.adminToken(),
        "{\"reason\":\"passed policy\"}"), 200);
  }

  /**
   * The workload identity API with one approved image of it, registered by the pipeline token
   * bound to it (the default policy trusts reports only from there); returns the image digest.
   */
  static String estate(TestServer s) {
    identity(s, API, "workload");
    String d = digest("payments-api-1.4.2");
    approvedImage(s, pipeline(s, API), d, API);
    return d;
  }

  /** A new pipeline token bound to {@code spiffeId}. */
  static String pipeline(TestServer s, String spiffeId) {
    return ok(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"pipeline\","
        + "\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
  }

  static String joinToken(TestServer s, String token, String digest, String spiffeId) {
    return ok(s.send("POST", "/v1/join-tokens", token, "{\"image\":\"" + digest
        + "\",\"identity\":\"" + spiffeId + "\"}"), 201).get("token").asText();
  }

  static HttpResponse<String> attest(TestServer s, String joinToken, String audience,
      String csrPem) {
    StringBuilder b = new StringBuilder("{\"join_token\":\"" + joinToken + "\"");
    if (audience != null) {
      b.append(",\"audience\":\"").append(audience).append('"');
    }
    if (csrPem != null) {
      b.append(",\"csr\":").append(quote(csrPem));
    }
    return s.send("POST", "/v1/attest/join-token", null, b.append('}').toString());
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CSR for {@code key} with {@code subject} ("" for none) and a URI SAN when not null. */
  static String csr(KeyPair key, String subject, GeneralName... sans) {
    return csr(key, subject, null, sans);
  }

  /** A CSR with extra extensions added by {@code more} (may be null). */
  static String csr(KeyPair key, String subject,
      java.util.function.Consumer<ExtensionsGenerator> more, GeneralName... sans) {
    try {
      X500Name name = subject.isEmpty() ? new X500Name(new RDN[0]) : new X500Name(subject);
      JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(name,
          key.getPublic());
      ExtensionsGenerator ext = new ExtensionsGenerator();
      if (sans.length > 0) {
        ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      if (more != null) {
        more.accept(ext);
      }
      if (!ext.isEmpty()) {
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
      }
      byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA")
          .build(key.getPrivate())).getEncoded();
      return pem("CERTIFICATE REQUEST", der);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static GeneralName uri(String u) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, u);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
