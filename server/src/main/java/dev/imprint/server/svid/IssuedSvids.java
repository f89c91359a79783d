package dev.imprint.server.svid;

import java.time.Instant;
import java.util.Optional;

/**
 * What an attestation or a renewal answers: the SVIDs asked for and a fresh workload session
 * with which the workload renews them before they expire, without attesting again.
 *
 * @param jwt the JWT-SVID, when an audience was asked for
 * @param x509 the X.509-SVID, when a CSR was sent
 * @param session the renewal credential (bound to the SPIFFE ID and image digest)
 */
public record IssuedSvids(Optional<JwtSvid> jwt, Optional<X509Svid> x509, Session session) {
  /**
   * A workload session: a short-lived bearer credential bound to one SPIFFE ID and image digest
   * that {@code POST /v1/svid/renew} accepts. Every renewal re-checks the image's and the
   * identity's state. Never log or store the token.
   */
  public record Session(String token, String id, Instant expiresAt) {
    @Override
    public String toString() {
      return "Session[" + id + ", exp=" + expiresAt + ", token=[redacted]]";
    }
  }
}
