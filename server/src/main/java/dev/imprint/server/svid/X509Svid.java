package dev.imprint.server.svid;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * An issued X.509-SVID: the leaf certificate, signed by the trust domain's intermediate CA for
 * the CSR's public key, followed by that intermediate; its root is in the X.509 bundle. The
 * private key never reaches the server.
 *
 * @param chain leaf first
 * @param spiffeId the one URI SAN
 * @param serial the leaf's serial number in hex (kept in the audit log)
 * @param expiresAt the leaf's notAfter
 */
public record X509Svid(List<X509Certificate> chain, String spiffeId, String serial,
    Instant expiresAt) {
  public X509Svid {
    chain = List.copyOf(chain);
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }
}
