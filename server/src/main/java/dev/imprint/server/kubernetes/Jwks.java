package dev.imprint.server.kubernetes;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cluster's JWKS (RFC 7517) checked for what a service-account token issuer publishes: public
 * RSA (2048 bits or more) or EC (P-256, P-384, P-521) signing keys, each with a key id.
 */
final class Jwks {
  /** The algorithms Kubernetes signs service-account tokens with; none, HMAC and PSS are not. */
  static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  private static final Map<Curve, JWSAlgorithm> CURVES = Map.of(Curve.P_256, JWSAlgorithm.ES256,
      Curve.P_384, JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);
  static final int MAX_KEYS = 64;

  private Jwks() {}

  /**
   * Parses and checks a JWKS document, or a {@code cluster.jwks_invalid} refusal that says which
   * key is wrong and why.
   */
  static JWKSet parse(String json) {
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw invalid("expected a JWKS ({\"keys\": [...]}, RFC 7517): " + e.getMessage());
    }
    List<JWK> keys = set.getKeys();
    if (keys.isEmpty()) {
      throw invalid("the JWKS holds no key");
    }
    if (keys.size() > MAX_KEYS) {
      throw invalid("the JWKS holds " + keys.size() + " keys; at most " + MAX_KEYS);
    }
    for (int i = 0; i < keys.size(); i++) {
      check(i, keys.get(i));
    }
    return set;
  }

  private static void check(int i, JWK k) {
    String which = "key " + i + (k.getKeyID() == null ? "" : " ('" + k.getKeyID() + "')");
    if (!(k instanceof RSAKey) && !(k instanceof ECKey)) {
      throw invalid(which + " has key type " + k.getKeyType() + "; expected RSA or EC (no"
          + " symmetric keys: a token signed with a shared secret proves nothing here; nothing"
          + " was stored)");
    }
    if (k.isPrivate()) {
      throw invalid(which + " holds private key material; give the issuer's public keys only"
          + " (nothing was stored)");
    }
    if (k.getKeyID() == null || k.getKeyID().isEmpty()) {
      throw invalid(which + " has no 'kid'; Kubernetes names every signing key");
    }
    if (k.getKeyUse() != null && !KeyUse.SIGNATURE.equals(k.getKeyUse())) {
      throw invalid(which + " has use '" + k.getKeyUse().identifier() + "'; expected 'sig'");
    }
    if (k instanceof RSAKey rsa) {
      if (rsa.size() < 2048) {
        throw invalid(which + " is an RSA key of " + rsa.size() + " bits; at least 2048");
      }
    } else if (k instanceof ECKey ec) {
      if (!CURVES.containsKey(ec.getCurve())) {
        throw invalid(which + " is on curve " + ec.getCurve() + "; expected P-256, P-384 or"
            + " P-521");
      }
    }
    if (k.getAlgorithm() != null && !ALGORITHMS.contains(k.getAlgorithm())) {
      throw invalid(which + " is for algorithm " + k.getAlgorithm() + "; expected one of RS256,"
          + " RS384, RS512, ES256, ES384, ES512");
    }
  }

  /** Whether {@code key} may verify a signature made with {@code alg}. */
  static boolean fits(JWK key, JWSAlgorithm alg) {
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
      return false;
    }
    if (key instanceof RSAKey) {
      return JWSAlgorithm.Family.RSA.contains(alg) && alg.getName().startsWith("RS");
    }
    if (key instanceof ECKey ec) {
      return alg.equals(CURVES.get(ec.getCurve()));
    }
    return false;
  }

  /** The key ids, for views and audit entries. */
  static List<String> keyIds(JWKSet set) {
    return set.getKeys().stream().map(JWK::getKeyID).toList();
  }

  private static KubernetesException invalid(String detail) {
    return KubernetesException.invalid("cluster.jwks_invalid", detail);
  }
}
