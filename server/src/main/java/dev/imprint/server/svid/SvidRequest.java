package dev.imprint.server.svid;

import java.time.Duration;

/**
 * What an attested workload asks for: a JWT-SVID for {@code audience} and/or an X.509-SVID for
 * the public key of {@code csrDer} (a PKCS#10 request, DER). A null TTL takes the default
 * (5 minutes for a JWT-SVID, 1 hour for an X.509-SVID); a longer one than the cap is refused.
 */
public record SvidRequest(String audience, Duration jwtTtl, byte[] csrDer, Duration x509Ttl) {
  /** True when neither SVID is asked for. */
  public boolean empty() {
    return audience == null && csrDer == null;
  }
}
