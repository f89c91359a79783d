package dev.imprint.server.kubernetes;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A stand-in for a cluster's service-account token issuer (kube-apiserver): a real key pair whose
 * public JWKS it serves, and projected service-account tokens shaped as Kubernetes mints them
 * (header alg and kid only; claims aud, exp, iat, iss, jti, kubernetes.io with namespace, node,
 * pod and serviceaccount, nbf, sub).
 */
final class TestIssuer {
  final String issuer;
  final JWK key;
  final JWSAlgorithm alg;

  private TestIssuer(String issuer, JWK key, JWSAlgorithm alg) {
    this.issuer = issuer;
    this.key = key;
    this.alg = alg;
  }

  /** An RSA-2048 issuer signing RS256, as kube-apiserver does with an RSA key. */
  static TestIssuer rsa(String issuer) {
    try {
      RSAKey k = new RSAKeyGenerator(2048).generate();
      return new TestIssuer(issuer, new RSAKey.Builder(k).keyID(kid(k)).keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256).build(), JWSAlgorithm.RS256);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A P-256 issuer signing ES256, as kube-apiserver does with an ECDSA key. */
  static TestIssuer ec(String issuer) {
    try {
      ECKey k = new ECKeyGenerator(Curve.P_256).generate();
      return new TestIssuer(issuer, new ECKey.Builder(k).keyID(kid(k)).keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256).build(), JWSAlgorithm.ES256);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Kubernetes names a key by the base64url SHA-256 of its DER public key. */
  private static String kid(JWK k) {
    try {
      byte[] der = k instanceof RSAKey r ? r.toPublicKey().getEncoded()
          : ((ECKey) k).toPublicKey().getEncoded();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(der));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWKS, as /openid/v1/jwks serves it. */
  String jwks() {
    return new JWKSet(key.toPublicJWK()).toString(true);
  }

  /** The pod a token is bound to. */
  record Pod(String namespace, String name, String uid, String serviceAccount,
      String serviceAccountUid) {}

  /** A projected token for {@code pod}, audience imprint, issued now, valid for an hour. */
  String token(Pod pod, Instant now) {
    return token(pod, now, b -> b);
  }

  /** A projected token with claims changed by {@code edit}. */
  String token(Pod pod, Instant now, UnaryOperator<JWTClaimsSet.Builder> edit) {
    return sign(edit.apply(claims(pod, now, Duration.ofHours(1))).build(),
        new JWSHeader.Builder(alg).keyID(key.getKeyID()).build());
  }

  JWTClaimsSet.Builder claims(Pod pod, Instant now, Duration life) {
    Map<String, Object> k8s = new LinkedHashMap<>();
    k8s.put("namespace", pod.namespace());
    k8s.put("node", Map.of("name", "node-a-3", "uid", "58456cb0-dd00-45ed-b797-5578fdceaced"));
    k8s.put("pod", Map.of("name", pod.name(), "uid", pod.uid()));
    k8s.put("serviceaccount", Map.of("name", pod.serviceAccount(),
        "uid", pod.serviceAccountUid()));
    return new JWTClaimsSet.Builder().audience(List.of("imprint"))
        .expirationTime(Date.from(now.plus(life))).issueTime(Date.from(now)).issuer(issuer)
        .jwtID(UUID.randomUUID().toString()).claim("kubernetes.io", k8s)
        .notBeforeTime(Date.from(now))
        .subject("system:serviceaccount:" + pod.namespace() + ":" + pod.serviceAccount());
  }

  String sign(JWTClaimsSet claims, JWSHeader header) {
    try {
      JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r)
          : new ECDSASigner((ECKey) key);
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
