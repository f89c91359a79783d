package dev.imprint.server.svid;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A workload that an attestor has proven: the SPIFFE ID it claims, the digest of the image it
 * runs and how it proved both. The issuer still checks, on every issuance, that the image is
 * approved or deployed, that it carries this SPIFFE ID and that the identity is active.
 *
 * @param spiffeId the identity, {@code spiffe://<trust-domain>/<path>}
 * @param imageDigest the image it runs, {@code sha256:<64 hex>}
 * @param attestation how it attested, for the audit log and the session it receives
 */
public record AttestedWorkload(String spiffeId, String imageDigest, Attestation attestation) {
  public AttestedWorkload {
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(imageDigest, "imageDigest");
    Objects.requireNonNull(attestation, "attestation");
  }

  /**
   * How a workload attested: the attestor's method ({@code join_token}, {@code k8s_psat}) and
   * facts worth keeping in the audit log (a join token's id; a pod's namespace, name and uid).
   * Facts never hold a secret.
   */
  public record Attestation(String method, Map<String, String> facts) {
    public Attestation {
      Objects.requireNonNull(method, "method");
      facts = facts == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new TreeMap<>(facts));
    }
  }
}
