package dev.imprint.server.bundle;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.SigningKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The public trust documents, built from the key ring's published keys: the SPIFFE trust bundle
 * (SPIFFE Trust Domain and Bundle, section 4: a JWKS with {@code spiffe_sequence}, {@code
 * spiffe_refresh_hint}, X.509 authorities with {@code use: x509-svid} and {@code x5c}, JWT
 * authorities with {@code use: jwt-svid} and {@code kid}), the JWKS of the JWT-SVID keys for
 * OpenID Connect verifiers ({@code use: sig}, {@code alg}), and the OpenID Connect discovery
 * document that points to it, as cloud workload identity federation reads it.
 */
public final class TrustBundle {
  /** Where the OIDC JWKS is served, below the issuer URL. */
  public static final String JWKS_PATH = "/v1/jwks";

  private final KeyRing keys;
  private final Supplier<String> issuer;
  private final Duration refreshHint;

  public TrustBundle(KeyRing keys, Supplier<String> issuer, Duration refreshHint) {
    this.keys = keys;
    this.issuer = issuer;
    this.refreshHint = refreshHint;
  }

  /** How long verifiers may cache these documents. */
  public Duration refreshHint() {
    return refreshHint;
  }

  /** The SPIFFE bundle of the trust domain. */
  public Map<String, Object> spiffeBundle() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SigningKey k : keys.published(KeyPurpose.X509_CA)) {
      Map<String, Object> jwk = new LinkedHashMap<>(k.publicJwk().toPublicJWK().toJSONObject());
      jwk.remove("kid"); // an X.509 authority is named by its certificate
      jwk.put("use", "x509-svid");
      out.add(jwk);
    }
    for (KeyPurpose p : List.of(KeyPurpose.JWT_ES256, KeyPurpose.JWT_RS256)) {
      for (SigningKey k : keys.published(p)) {
        Map<String, Object> jwk = new LinkedHashMap<>(k.publicJwk().toPublicJWK().toJSONObject());
        jwk.put("use", "jwt-svid");
        out.add(jwk);
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("keys", out);
    doc.put("spiffe_sequence", keys.sequence());
    doc.put("spiffe_refresh_hint", refreshHint.toSeconds());
    return doc;
  }

  /**
   * The JWT bundle alone (a JWKS of the JWT authorities, {@code use: jwt-svid} and {@code kid}),
   * for SPIFFE libraries that read JWT bundles from a JWKS of JWT authorities only.
   */
  public Map<String, Object> jwtBundle() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (KeyPurpose p : List.of(KeyPurpose.JWT_ES256, KeyPurpose.JWT_RS256)) {
      for (SigningKey k : keys.published(p)) {
        Map<String, Object> jwk = new LinkedHashMap<>(k.publicJwk().toPublicJWK().toJSONObject());
        jwk.put("use", "jwt-svid");
        out.add(jwk);
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("keys", out);
    doc.put("spiffe_sequence", keys.sequence());
    doc.put("spiffe_refresh_hint", refreshHint.toSeconds());
    return doc;
  }

  /** The X.509 bundle alone: the X.509 authorities as concatenated PEM certificates. */
  public String x509BundlePem() {
    StringBuilder b = new StringBuilder();
    for (SigningKey k : keys.published(KeyPurpose.X509_CA)) {
      try {
        b.append("-----BEGIN CERTIFICATE-----\n").append(java.util.Base64.getMimeEncoder(64,
            new byte[] {'\n'}).encodeToString(k.certificate().getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode a CA certificate", e);
      }
    }
    return b.toString();
  }

  /** The JWKS of the JWT-SVID keys, for OpenID Connect verifiers. */
  public Map<String, Object> jwks() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (KeyPurpose p : List.of(KeyPurpose.JWT_ES256, KeyPurpose.JWT_RS256)) {
      for (SigningKey k : keys.published(p)) {
        JWK pub = k.publicJwk().toPublicJWK();
        Map<String, Object> jwk = new LinkedHashMap<>(pub.toJSONObject());
        jwk.put("use", KeyUse.SIGNATURE.identifier());
        jwk.put("alg", new Algorithm(p.algorithm()).getName());
        out.add(jwk);
      }
    }
    return Map.of("keys", out);
  }

  /** The OpenID Connect discovery document (OpenID Connect Discovery 1.0, section 3). */
  public Map<String, Object> discovery() {
    Map<String, Object> doc = new LinkedHashMap<>();
    String iss = issuer.get();
    doc.put("issuer", iss);
    doc.put("jwks_uri", iss + JWKS_PATH);
    // required by the specification; Imprint has no authorization endpoint (workloads attest)
    doc.put("authorization_endpoint", iss + "/v1/attest");
    doc.put("response_types_supported", List.of("id_token"));
    doc.put("subject_types_supported", List.of("public"));
    List<String> algs = new ArrayList<>();
    algs.add("ES256");
    if (keys.purposes().contains(KeyPurpose.JWT_RS256)) {
      algs.add("RS256");
    }
    doc.put("id_token_signing_alg_values_supported", algs);
    doc.put("claims_supported", List.of("sub", "aud", "exp", "iat", "iss", "jti",
        "image_digest"));
    return doc;
  }
}
