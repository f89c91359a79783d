package dev.imprint.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Projected service-account tokens minted as Kubernetes mints them, by a test issuer with real
 * keys, verified against registered clusters; each way a careful verifier refuses one.
 */
class ServiceAccountTokensTest {
  static final TestIssuer.Pod POD = new TestIssuer.Pod("payments", "api-7d9f5c6b8-xk2p9",
      "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b", "payments-api",
      "a087d5a0-e1dd-43ec-93ac-f13d89cd13af");

  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T09:00:00Z"));
  final TestIssuer rsa = TestIssuer.rsa("https://kubernetes.default.svc");
  final TestIssuer ec = TestIssuer.ec("https://kubernetes.default.svc");
  final TestIssuer other = TestIssuer.rsa("https://oidc.other.example");
  Database db;
  TokenService tokenService;
  ClusterService clusters;
  ServiceAccountTokens tokens;

  @BeforeEach
  void open() {
    db = Stores.open(Stores.Kind.SQLITE, dir);
    AuditLog audit = new AuditLog(db, clock);
    tokenService = new TokenService(db, audit, clock, Duration.ofSeconds(30));
    clusters = new ClusterService(db, audit, clock, tokenService,
        new IdentityService(db, audit, clock, "imprint.local"));
    clusters.add("prod-eu", rsa.issuer, rsa.jwks(), null, "test");
    clusters.add("prod-us", ec.issuer, ec.jwks(), null, "test");
    tokens = new ServiceAccountTokens(db, clusters, clock);
  }

  @AfterEach
  void close() {
    tokenService.close();
    db.close();
  }

  String refusal(String token) {
    return catchThrowableOfType(KubernetesException.class, () -> tokens.verify(token, null))
        .code();
  }

  @Test
  void anRs256AndAnEs256TokenVerifyAgainstTheirClustersAmongClustersSharingAnIssuer() {
    ServiceAccountTokens.PodIdentity p = tokens.verify(rsa.token(POD, clock.instant()), null);
    assertThat(p.cluster().name()).isEqualTo("prod-eu");
    assertThat(p.namespace()).isEqualTo("payments");
    assertThat(p.podName()).isEqualTo("api-7d9f5c6b8-xk2p9");
    assertThat(p.podUid()).isEqualTo("f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b");
    assertThat(p.serviceAccount()).isEqualTo("payments-api");
    assertThat(p.serviceAccountUid()).isEqualTo("a087d5a0-e1dd-43ec-93ac-f13d89cd13af");
    assertThat(p.nodeName()).isEqualTo("node-a-3");
    assertThat(tokens.verify(ec.token(POD, clock.instant()), null).cluster().name())
        .isEqualTo("prod-us");
  }

  @Test
  void anUnsecuredTokenIsRefused() {
    String none = new PlainJWT(rsa.claims(POD, clock.instant(), Duration.ofHours(1)).build())
        .serialize();
    assertThat(refusal(none)).isEqualTo("attest.token_algorithm");
  }

  @Test
  void anHmacTokenIsRefusedEvenWhenItsSecretIsThePublicKey() throws Exception {
    // the classic confusion: HS256 with the RSA public key as the shared secret
    byte[] secret = rsa.key.toRSAKey().toPublicKey().getEncoded();
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
        .keyID(rsa.key.getKeyID()).build(), rsa.claims(POD, clock.instant(),
            Duration.ofHours(1)).build());
    hmac.sign(new MACSigner(secret));
    assertThat(refusal(hmac.serialize())).isEqualTo("attest.token_algorithm");
  }

  @Test
  void aTokenSignedByAnotherKeyUnderTheSameKeyIdIsRefused() {
    TestIssuer impostor = TestIssuer.rsa(rsa.issuer);
    String forged = impostor.sign(rsa.claims(POD, clock.instant(), Duration.ofHours(1)).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.key.getKeyID()).build());
    assertThat(refusal(forged)).isEqualTo("attest.signature_invalid");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String[] parts = rsa.token(POD, clock.instant()).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]))
        .replace("payments-api", "payments-adm");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.getBytes()) + "." + parts[2];
    assertThat(refusal(tampered)).isEqualTo("attest.signature_invalid");
  }

  @Test
  void anAlgorithmThatDoesNotFitTheKeyIsRefused() {
    String es256UnderRsaKid = ec.sign(ec.claims(POD, clock.instant(), Duration.ofHours(1))
        .build(), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(rsa.key.getKeyID()).build());
    assertThat(refusal(es256UnderRsaKid)).isEqualTo("attest.signature_invalid");
  }

  @Test
  void unknownIssuerUnknownKeyAndMissingKeyIdAreRefused() {
    assertThat(refusal(other.token(POD, clock.instant()))).isEqualTo("attest.issuer_unknown");
    String unknownKid = rsa.sign(rsa.claims(POD, clock.instant(), Duration.ofHours(1)).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotated-away").build());
    assertThat(refusal(unknownKid)).isEqualTo("attest.key_unknown");
    String noKid = rsa.sign(rsa.claims(POD, clock.instant(), Duration.ofHours(1)).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).build());
    assertThat(refusal(noKid)).isEqualTo("attest.token_kid_missing");
  }

  @Test
  void theAudienceMustBeImprint() {
    assertThat(refusal(rsa.token(POD, clock.instant(), b -> b.audience(
        List.of("https://kubernetes.default.svc"))))).isEqualTo("attest.audience_mismatch");
    assertThat(tokens.verify(rsa.token(POD, clock.instant(), b -> b.audience(
        List.of("vault", "imprint"))), null)).isNotNull();
  }

  @Test
  void expiryNotBeforeAndIssuedAtAreCheckedWithBoundedSkew() {
    Instant now = clock.instant();
    String token = rsa.token(POD, now);
    clock.advance(Duration.ofHours(1).plusSeconds(59));
    assertThat(tokens.verify(token, null)).as("within the skew").isNotNull();
    clock.advance(Duration.ofSeconds(2));
    assertThat(refusal(token)).isEqualTo("attest.token_expired");
    Instant later = clock.instant();
    assertThat(refusal(rsa.token(POD, later, b -> b.notBeforeTime(Date.from(later
        .plusSeconds(120)))))).isEqualTo("attest.token_not_yet_valid");
    assertThat(refusal(rsa.token(POD, later, b -> b.issueTime(Date.from(later
        .plusSeconds(120)))))).isEqualTo("attest.token_not_yet_valid");
    assertThat(tokens.verify(rsa.token(POD, later, b -> b.notBeforeTime(Date.from(later
        .plusSeconds(50)))), null)).as("nbf within the skew").isNotNull();
    assertThat(refusal(rsa.token(POD, later, b -> b.expirationTime(null))))
        .isEqualTo("attest.token_claims_invalid");
  }

  @Test
  void aTokenLivingLongerThanTwoDaysIsRefused() {
    Instant now = clock.instant();
    assertThat(refusal(rsa.token(POD, now, b -> b.expirationTime(Date.from(now.plus(
        Duration.ofDays(365))))))).isEqualTo("attest.token_lifetime_too_long");
    assertThat(tokens.verify(rsa.token(POD, now, b -> b.expirationTime(Date.from(now.plus(
        Duration.ofHours(48))))), null)).isNotNull();
  }

  @Test
  void aTokenNotBoundToAPodOrWithInconsistentClaimsIsRefused() {
    Instant now = clock.instant();
    // kubectl create token payments-api --audience imprint: no pod claim
    assertThat(refusal(rsa.token(POD, now, b -> b.claim("kubernetes.io", Map.of(
        "namespace", "payments", "serviceaccount", Map.of("name", "payments-api", "uid",
            "a087d5a0-e1dd-43ec-93ac-f13d89cd13af")))))).isEqualTo("attest.token_not_pod_bound");
    assertThat(refusal(rsa.token(POD, now, b -> b.claim("kubernetes.io", null))))
        .isEqualTo("attest.token_not_pod_bound");
    assertThat(refusal(rsa.token(POD, now, b -> b.subject(
        "system:serviceaccount:payments:admin")))).isEqualTo("attest.token_claims_invalid");
    assertThat(refusal(rsa.token(POD, now, b -> b.claim("kubernetes.io", Map.of(
        "namespace", "payments", "pod", Map.of("name", "api", "uid", ""),
        "serviceaccount", Map.of("name", "payments-api", "uid", "x"))))))
        .isEqualTo("attest.token_claims_invalid");
  }

  @Test
  void malformedTokensAreRefused() {
    for (String bad : List.of("", "abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "x".repeat(20000))) {
      assertThat(refusal(bad)).as(bad.length() > 20 ? "long" : bad)
          .isIn("attest.token_missing", "attest.token_invalid", "attest.token_claims_invalid");
    }
    assertThat(refusal(null)).isEqualTo("attest.token_missing");
  }

  @Test
  void twoClustersHoldingTheSameKeyAreToldApartByName() {
    clusters.add("prod-eu-copy", rsa.issuer, rsa.jwks(), null, "test");
    String token = rsa.token(POD, clock.instant());
    assertThat(refusal(token)).isEqualTo("attest.cluster_ambiguous");
    assertThat(tokens.verify(token, "prod-eu-copy").cluster().name()).isEqualTo("prod-eu-copy");
  }

  @Test
  void aRotatedKeyIsFoundByFetchingTheJwksAgain() {
    try (JwksServer endpoint = new JwksServer()) {
      TestIssuer fetched = TestIssuer.rsa("https://oidc.eks.example/id/ABC");
      endpoint.serve(fetched.jwks(), "max-age=3600");
      clusters.add("eks", fetched.issuer, null, endpoint.url(), "test");
      assertThat(tokens.verify(fetched.token(POD, clock.instant()), null)).isNotNull();
      TestIssuer rotated = TestIssuer.ec(fetched.issuer);
      endpoint.serve("{\"keys\":[" + fetched.key.toPublicJWK().toJSONString() + ","
          + rotated.key.toPublicJWK().toJSONString() + "]}", "max-age=3600");
      Supplier<String> token = () -> rotated.token(POD, clock.instant());
      clock.advance(Duration.ofSeconds(31));
      assertThat(tokens.verify(token.get(), null).cluster().name()).isEqualTo("eks");
      assertThat(clusters.keyIds(clusters.get("eks"))).hasSize(2);
    }
  }
}
