package dev.imprint.agent;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * Validates a JWT-SVID against the trust domain's JWT bundle, offline, as the SPIFFE JWT-SVID
 * specification (section 4) and RFC 8725 ask: ES256 or RS256 only, a known {@code kid}, a valid
 * signature, a SPIFFE ID subject of the trust domain, the audience, and {@code exp} with 30 s of
 * skew. Revocation by image retirement is the server's ({@code POST /v1/svid/validate}); this
 * check cannot see it.
 */
final class JwtSvidCheck {
  /** Clock skew tolerated on {@code exp} and {@code nbf}. */
  static final Duration SKEW = Duration.ofSeconds(30);

  /** A token that did not validate, with a stable reason. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    Invalid(String reason, String detail) {
      super(reason + ": " + detail);
      this.reason = reason;
    }

    String reason() {
      return reason;
    }
  }

  /** A valid token's subject and claims. */
  record Valid(String spiffeId, Map<String, Object> claims) {}

  private final Clock clock;

  JwtSvidCheck(Clock clock) {
    this.clock = clock;
  }

  Valid validate(String token, String audience, String trustDomain, String jwks)
      throws Invalid {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new Invalid("svid.malformed", "not a signed JWT: " + e.getMessage());
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!JWSAlgorithm.ES256.equals(alg) && !JWSAlgorithm.RS256.equals(alg)) {
      throw new Invalid("svid.alg_not_allowed", "expected ES256 or RS256, got " + alg);
    }
    JOSEObjectType typ = jwt.getHeader().getType();
    if (typ != null && !typ.getType().equals("JWT") && !typ.getType().equals("JOSE")) {
      throw new Invalid("svid.typ_invalid", "expected typ JWT or JOSE, got " + typ);
    }
    String kid = jwt.getHeader().getKeyID();
    JWK key;
    try {
      key = kid == null ? null : JWKSet.parse(jwks).getKeyByKeyId(kid);
    } catch (ParseException e) {
      throw new IllegalStateException("the server's JWT bundle does not parse", e);
    }
    if (key == null) {
      throw new Invalid("svid.kid_unknown", "no JWT authority with kid " + kid);
    }
    if (!verify(jwt, key, alg)) {
      throw new Invalid("svid.signature_invalid", "the signature does not verify");
    }
    String sub = claims.getSubject();
    if (sub == null || !sub.startsWith("spiffe://")) {
      throw new Invalid("svid.subject_invalid", "expected a SPIFFE ID subject, got " + sub);
    }
    String rest = sub.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    if (!(slash < 0 ? rest : rest.substring(0, slash)).equals(trustDomain)) {
      throw new Invalid("svid.trust_domain_mismatch", "expected trust domain " + trustDomain
          + ", got " + sub);
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
      throw new Invalid("svid.audience_mismatch", "expected audience " + audience + ", got "
          + claims.getAudience());
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || !now.isBefore(exp.toInstant().plus(SKEW))) {
      throw new Invalid("svid.expired", "expired at " + (exp == null ? "?" : exp.toInstant()));
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(SKEW))) {
      throw new Invalid("svid.not_yet_valid", "valid from " + nbf.toInstant());
    }
    return new Valid(sub, claims.toJSONObject());
  }

  private static boolean verify(SignedJWT jwt, JWK key, JWSAlgorithm alg) throws Invalid {
    try {
      JWSVerifier v;
      if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey ec) {
        v = new ECDSAVerifier(ec);
      } else if (JWSAlgorithm.RS256.equals(alg) && key instanceof RSAKey rsa) {
        v = new RSASSAVerifier(rsa);
      } else {
        throw new Invalid("svid.alg_mismatch", "the key of kid " + key.getKeyID()
            + " is not a key for " + alg);
      }
      return jwt.verify(v);
    } catch (JOSEException e) {
      throw new Invalid("svid.signature_invalid", e.getMessage());
    }
  }
}
