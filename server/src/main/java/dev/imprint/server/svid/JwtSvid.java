package dev.imprint.server.svid;

import java.time.Instant;

/**
 * An issued JWT-SVID: the compact JWS and what it says (SPIFFE JWT-SVID specification). The
 * token is a bearer credential: never log or store it.
 *
 * @param token the compact serialisation
 * @param spiffeId its {@code sub}
 * @param audience its {@code aud}
 * @param keyId the {@code kid} of the key that signed it
 * @param jti its unique id (kept in the audit log; the token is not)
 * @param issuedAt its {@code iat}
 * @param expiresAt its {@code exp}
 */
public record JwtSvid(String token, String spiffeId, String audience, String keyId, String jti,
    Instant issuedAt, Instant expiresAt) {
  @Override
  public String toString() {
    return "JwtSvid[" + spiffeId + ", aud=" + audience + ", kid=" + keyId + ", jti=" + jti
        + ", exp=" + expiresAt + ", token=[redacted]]";
  }
}
