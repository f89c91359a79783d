package dev.imprint.server.keys;

import com.nimbusds.jose.jwk.JWK;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * One key of the key ring with its schedule: published from {@code createdAt} (prepared), signs
 * from {@code activatesAt} until a successor activates, published until {@code notAfter}, by
 * which everything it signed has expired. The private key is held here decrypted, once per
 * process; {@link #toString()} never shows it.
 *
 * @param kid the key id: the RFC 7638 thumbprint of the public key
 * @param publicJwk the public key as a JWK (for the CA: with its certificate in x5c)
 * @param certificate the CA's root certificate, published in the bundle (X.509 CA only)
 * @param issuing the CA's intermediate certificate, which signs X.509-SVIDs (X.509 CA only)
 * @param privateKey the private key (JWT keys; the intermediate's for the CA; null for sessions)
 * @param secret the HMAC key (sessions only, else null)
 */
public record SigningKey(String kid, KeyPurpose purpose, Instant createdAt, Instant activatesAt,
    Instant notAfter, String createdBy, JWK publicJwk, X509Certificate certificate,
    X509Certificate issuing, PrivateKey privateKey, byte[] secret) {

  /** Whether the key is published (prepared and not yet expired) at {@code t}. */
  public boolean publishedAt(Instant t) {
    return !createdAt.isAfter(t) && notAfter.isAfter(t);
  }

  @Override
  public String toString() {
    return "SigningKey[" + kid + ", " + purpose.wire() + ", created " + createdAt
        + ", activates " + activatesAt + ", notAfter " + notAfter + ", private key redacted]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey k && k.kid.equals(kid);
  }

  @Override
  public int hashCode() {
    return kid.hashCode();
  }
}
