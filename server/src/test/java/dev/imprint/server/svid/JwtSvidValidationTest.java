package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.Signatures;
import dev.imprint.server.keys.SigningKey;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/svid/validate} refuses what a careful verifier refuses; each token is forged
 * with the server's own keys so that exactly one rule is broken.
 */
class JwtSvidValidationTest {
  @TempDir static Path dir;
  static TestServer server;
  static String digest;
  static SigningKey es;
  static SigningKey ca;

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    digest = Workloads.estate(server);
    es = server.server().svids().keys().active(KeyPurpose.JWT_ES256);
    ca = server.server().svids().keys().active(KeyPurpose.X509_CA);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String claims(String sub, String aud, long exp, Long nbf) {
    long now = Instant.now().getEpochSecond();
    return "{\"sub\":\"" + sub + "\",\"aud\":\"" + aud + "\",\"exp\":" + exp + ",\"iat\":" + now
        + (nbf == null ? "" : ",\"nbf\":" + nbf) + ",\"jti\":\"t\",\"image_digest\":\"" + digest
        + "\"}";
  }

  static String good() {
    return claims(API, "aud", Instant.now().getEpochSecond() + 300, null);
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        s.getBytes(StandardCharsets.UTF_8));
  }

  static String es256(String header, String payload, PrivateKey key) {
    String input = b64(header) + "." + b64(payload);
    byte[] sig = Signatures.sign("ES256", Signatures.privateParameters(key),
        input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
  }

  static String header(String kid) {
    return "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}";
  }

  static String reason(String token, String audience) {
    JsonNode r = WorkloadIdentityApiTest.validate(server, token, audience);
    return r.get("valid").asBoolean() ? "valid" : r.get("reason").asText();
  }

  @Test
  void aTokenSignedWithTheCurrentKeyForTheRightAudienceIsValid() {
    assertThat(reason(es256(header(es.kid()), good(), es.privateKey()), "aud"))
        .isEqualTo("valid");
  }

  @Test
  void algNoneAndHmacAreRefused() throws Exception {
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(good()) + ".";
    assertThat(reason(none, "aud")).isEqualTo("svid.alg_not_allowed");
    String input = b64("{\"alg\":\"HS256\",\"kid\":\"" + es.kid() + "\"}") + "." + b64(good());
    Mac mac = Mac.getInstance("HmacSHA256");
    // HMAC keyed with the public key's JSON: the classic algorithm-confusion forgery
    mac.init(new SecretKeySpec(es.publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8),
        "HmacSHA256"));
    String hs = input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    assertThat(reason(hs, "aud")).isEqualTo("svid.alg_not_allowed");
  }

  @Test
  void anUnknownKidAKeyOfAnotherUseAndABadSignatureAreRefused() {
    assertThat(reason(es256(header("no-such-kid"), good(), es.privateKey()), "aud"))
        .isEqualTo("svid.kid_unknown");
    assertThat(reason(es256(header(ca.kid()), good(), ca.privateKey()), "aud"))
        .isEqualTo("svid.key_use_mismatch");
    assertThat(reason(es256(header(es.kid()), good(), Workloads.ecKey().getPrivate()), "aud"))
        .isEqualTo("svid.signature_invalid");
    assertThat(reason("not.a.jwt", "aud")).isEqualTo("svid.malformed");
  }

  @Test
  void wrongAudienceExpiryNotBeforeAndAnotherTrustDomainAreRefused() {
    long now = Instant.now().getEpochSecond();
    assertThat(reason(es256(header(es.kid()), good(), es.privateKey()), "other"))
        .isEqualTo("svid.audience_mismatch");
    assertThat(reason(es256(header(es.kid()), claims(API, "aud", now - 120, null),
        es.privateKey()), "aud")).isEqualTo("svid.expired");
    assertThat(reason(es256(header(es.kid()), claims(API, "aud", now + 600, now + 300),
        es.privateKey()), "aud")).isEqualTo("svid.not_yet_valid");
    assertThat(reason(es256(header(es.kid()), claims(API, "aud", now - 10, null),
        es.privateKey()), "aud")).as("within the skew").isEqualTo("valid");
    assertThat(reason(es256(header(es.kid()), claims("spiffe://other.example/payments/api",
        "aud", now + 300, null), es.privateKey()), "aud")).isEqualTo("svid.trust_domain_mismatch");
  }
}
