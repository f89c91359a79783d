package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.CI;
import static dev.imprint.server.svid.Workloads.attest;
import static dev.imprint.server.svid.Workloads.csr;
import static dev.imprint.server.svid.Workloads.ecKey;
import static dev.imprint.server.svid.Workloads.joinToken;
import static dev.imprint.server.svid.Workloads.json;
import static dev.imprint.server.svid.Workloads.ok;
import static dev.imprint.server.svid.Workloads.problem;
import static dev.imprint.server.svid.Workloads.uri;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Join tokens, attestation, renewal and revocation by retirement over real HTTP, both stores. */
class WorkloadIdentityApiTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aJoinTokenIsRedeemedOnceForSvidsAndASecondUseIsRefusedAndAudited(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Workloads.estate(s);
      String jt = joinToken(s, s.adminToken(), digest, API);
      assertThat(jt).matches("imj_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
      KeyPair key = ecKey();
      JsonNode issued = ok(attest(s, jt, "https://api.example", csr(key, "")), 200);
      assertThat(issued.get("spiffe_id").asText()).isEqualTo(API);
      assertThat(issued.get("image").asText()).isEqualTo(digest);
      assertThat(issued.at("/jwt_svid/token").asText()).startsWith("eyJ");
      assertThat(issued.at("/x509_svid/certificates").asText()).contains("BEGIN CERTIFICATE");
      assertThat(issued.at("/x509_bundle").asText()).contains("BEGIN CERTIFICATE");
      assertThat(issued.at("/session/token").asText()).isNotBlank();

      problem(attest(s, jt, "https://api.example", null), 409, "join_token.used");
      List<JsonNode> entries = AuditActions.entries(s.server().database());
      assertThat(entries).filteredOn(e -> e.get("action").asText().equals("join_token.created"))
          .hasSize(1);
      assertThat(entries).filteredOn(e -> e.get("action").asText()
          .equals("attestation.accepted")).singleElement().satisfies(e -> {
            assertThat(e.get("subject").asText()).isEqualTo(API);
            assertThat(e.at("/details/image").asText()).isEqualTo(digest);
            assertThat(e.at("/details/method").asText()).isEqualTo("join_token");
          });
      assertThat(entries).filteredOn(e -> e.get("action").asText()
          .equals("attestation.refused")).singleElement().satisfies(e ->
              assertThat(e.at("/details/reason").asText()).isEqualTo("join_token.used"));
      assertThat(ok(s.send("GET", "/v1/identities/" + Workloads.API_ID, s.adminToken(), null), 200)
          .get("lastSeenAt").isNull()).as("attestation sets last seen").isFalse();
      s.server().svids().flushIssuanceLog(); // the periodic flush may have written it already
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e ->
          e.get("action").asText().equals("svid.issued")).singleElement().satisfies(e -> {
            assertThat(e.at("/details/jwtSvids").asInt()).isEqualTo(1);
            assertThat(e.at("/details/x509Svids").asInt()).isEqualTo(1);
            assertThat(e.at("/details/jtis/0").asText())
                .isEqualTo(issued.at("/jwt_svid/jti").asText());
            assertThat(e.at("/details/serials/0").asText())
                .isEqualTo(issued.at("/x509_svid/serial").asText());
          });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void renewalWorksUntilTheImageIsRetiredAndValidateThenReportsRevoked(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Workloads.estate(s);
      JsonNode first = ok(attest(s, joinToken(s, s.adminToken(), digest, API), "aud-1", null),
          200);
      String jwt = first.at("/jwt_svid/token").asText();
      JsonNode v = validate(s, jwt, "aud-1");
      assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
      assertThat(v.get("spiffe_id").asText()).isEqualTo(API);
      assertThat(validate(s, jwt, "aud-2").get("reason").asText())
          .isEqualTo("svid.audience_mismatch");

      String session = first.at("/session/token").asText();
      JsonNode renewed = ok(renew(s, session, "{\"audience\":\"aud-1\",\"csr\":"
          + Workloads.quote(csr(ecKey(), "")) + "}"), 200);
      assertThat(renewed.at("/session/token").asText()).as("kept while past half its life")
          .isEqualTo(session);
      assertThat(renewed.at("/x509_bundle").asText()).contains("BEGIN CERTIFICATE");
      assertThat(renewed.at("/jwt_svid/jti").asText())
          .isNotEqualTo(first.at("/jwt_svid/jti").asText());

      ok(s.send("POST", "/v1/identities/" + Workloads.API_ID + "/disable", s.adminToken(),
          "{\"reason\":\"incident\"}"), 200);
      problem(renew(s, session, "{\"audience\":\"aud-1\"}"), 409, "svid.identity_inactive");
      assertThat(validate(s, jwt, "aud-1").get("reason").asText())
          .isEqualTo("svid.revoked_identity_disabled");
      ok(s.send("POST", "/v1/identities/" + Workloads.API_ID + "/enable", s.adminToken(),
          "{\"reason\":\"resolved\"}"), 200);
      ok(renew(s, session, "{\"audience\":\"aud-1\"}"), 200);
      assertThat(validate(s, jwt, "aud-1").get("valid").asBoolean()).isTrue();

      ok(s.send("POST", "/v1/images/" + digest + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      problem(renew(s, session, "{\"audience\":\"aud-1\"}"), 409, "svid.image_not_approved");
      JsonNode revoked = validate(s, jwt, "aud-1");
      assertThat(revoked.get("valid").asBoolean()).isFalse();
      assertThat(revoked.get("reason").asText()).isEqualTo("svid.revoked_image_retired");
      assertThat(revoked.get("spiffe_id").asText()).isEqualTo(API);
      problem(renew(s, "not-a-session", "{\"audience\":\"aud-1\"}"), 401,
          "svid.session_invalid");
      s.server().svids().flushIssuanceLog();
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e ->
          e.get("action").asText().equals("svid.refused")).extracting(e ->
              e.at("/details/reason").asText())
          .contains("svid.identity_inactive", "svid.image_not_approved");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aJoinTokenIsRefusedOnceItsImageIsRetiredOrItExpiredOrItsIdentityIsDisabled(
      Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Workloads.estate(s);
      String forRetired = joinToken(s, s.adminToken(), digest, API);
      String forDisabled = joinToken(s, s.adminToken(), digest, API);
      ok(s.send("POST", "/v1/identities/" + Workloads.API_ID + "/disable", s.adminToken(),
          "{\"reason\":\"incident\"}"), 200);
      problem(attest(s, forDisabled, "a", null), 409, "attest.identity_inactive");
      ok(s.send("POST", "/v1/identities/" + Workloads.API_ID + "/enable", s.adminToken(),
          "{\"reason\":\"resolved\"}"), 200);
      ok(s.send("POST", "/v1/images/" + digest + "/retire", s.adminToken(),
          "{\"reason\":\"CVE\"}"), 200);
      problem(attest(s, forRetired, "a", null), 409, "attest.image_not_approved");
      problem(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\"" + digest
          + "\",\"identity\":\"" + API + "\"}"), 409, "join_token.image_not_approved");
      problem(attest(s, "imj_0123456789abcdef_" + "A".repeat(43), "a", null), 401,
          "join_token.invalid");
      assertThat(AuditActions.entries(s.server().database())).filteredOn(e ->
          e.get("action").asText().equals("attestation.refused")).extracting(e ->
              e.at("/details/reason").asText())
          .containsExactly("attest.identity_inactive", "attest.image_not_approved");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aMalformedRequestIsRefusedWithoutSpendingTheJoinToken(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      String digest = Workloads.estate(s);
      String jt = joinToken(s, s.adminToken(), digest, API);
      KeyPair k = ecKey();
      problem(attest(s, jt, null, null), 400, "svid.nothing_requested");
      problem(attest(s, jt, null, csr(k, "CN=admin")), 400, "svid.csr_not_granted");
      problem(attest(s, jt, null, csr(k, "", uri("spiffe://imprint.local/other"))), 400,
          "svid.csr_not_granted");
      problem(attest(s, jt, null, csr(k, "", uri(API), new GeneralName(GeneralName.dNSName,
          "api.example"))), 400, "svid.csr_not_granted");
      problem(attest(s, jt, null, csr(k, "", g -> add(g, Extension.basicConstraints,
          new BasicConstraints(true)))), 400, "svid.csr_not_granted");
      problem(attest(s, jt, null, csr(k, "", g -> add(g, Extension.keyUsage,
          new KeyUsage(KeyUsage.keyCertSign)))), 400, "svid.csr_not_granted");
      String good = csr(k, "", uri(API));
      String tampered = tamper(good);
      problem(attest(s, jt, null, tampered), 400, "svid.csr_signature_invalid");
      problem(attest(s, jt, null, "not a csr"), 400, "svid.csr_invalid");
      problem(s.send("POST", "/v1/attest/join-token", null, "{\"join_token\":\"" + jt
          + "\",\"audience\":\"a\",\"jwt_ttl\":\"2h\"}"), 400, "svid.ttl_invalid");
      problem(s.send("POST", "/v1/attest/join-token", null, "{\"join_token\":\"" + jt
          + "\",\"audience\":\"imprint:workload-session\"}"), 400, "svid.audience_invalid");
      JsonNode issued = ok(attest(s, jt, null, good), 200);
      assertThat(issued.has("jwt_svid")).isFalse();
      assertThat(issued.has("x509_svid")).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void pipelineTokensAskForJoinTokensOnlyForTheirOwnImages(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      Workloads.identity(s, API, "workload");
      Workloads.identity(s, CI, "pipeline");
      String own = token(s, "pipeline", API);
      String other = token(s, "pipeline", CI);
      String unbound = token(s, "pipeline", null);
      String digest = Workloads.digest("built-by-its-pipeline");
      Workloads.approvedImage(s, own, digest, API);
      assertThat(joinToken(s, own, digest, API)).startsWith("imj_");
      problem(s.send("POST", "/v1/join-tokens", other, "{\"image\":\"" + digest
          + "\",\"identity\":\"" + API + "\"}"), 403, "join_token.forbidden");
      problem(s.send("POST", "/v1/join-tokens", unbound, "{\"image\":\"" + digest
          + "\",\"identity\":\"" + API + "\"}"), 403, "join_token.forbidden");
      problem(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\"" + digest
          + "\",\"identity\":\"" + CI + "\"}"), 400, "join_token.identity_mismatch");
      problem(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\"" + digest
          + "\",\"identity\":\"" + API + "\",\"ttl\":\"2h\"}"), 400, "join_token.ttl_invalid");
      problem(s.send("POST", "/v1/join-tokens", s.adminToken(), "{\"image\":\""
          + Workloads.digest("nope") + "\",\"identity\":\"" + API + "\"}"), 404,
          "join_token.image_unknown");
      problem(s.send("POST", "/v1/join-tokens", token(s, "workload", API), "{\"image\":\""
          + digest + "\",\"identity\":\"" + API + "\"}"), 403, "auth.role_forbidden");
    }
  }

  private static void add(org.bouncycastle.asn1.x509.ExtensionsGenerator g,
      org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
      org.bouncycastle.asn1.ASN1Encodable value) {
    try {
      g.addExtension(oid, true, value);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CSR with one bit of its signature flipped. */
  static String tamper(String pem) {
    byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----",
        "").trim());
    der[der.length - 5] ^= 1;
    return Workloads.pem("CERTIFICATE REQUEST", der);
  }

  static String token(TestServer s, String role, String identity) {
    return ok(s.send("POST", "/v1/tokens", s.adminToken(), "{\"role\":\"" + role + "\""
        + (identity == null ? "" : ",\"identity\":\"" + identity + "\"") + "}"), 201)
        .get("token").asText();
  }

  static JsonNode validate(TestServer s, String jwt, String audience) {
    return ok(s.send("POST", "/v1/svid/validate", s.adminToken(), "{\"token\":\"" + jwt
        + "\",\"audience\":\"" + audience + "\"}"), 200);
  }

  static HttpResponse<String> renew(TestServer s, String session, String body) {
    return s.send("POST", "/v1/svid/renew", session, body);
  }

  static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode get(TestServer s, String path) {
    return json(s.send("GET", path, null, null));
  }
}
