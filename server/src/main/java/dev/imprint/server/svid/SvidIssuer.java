package dev.imprint.server.svid;

import java.time.Duration;

/**
 * Issues SPIFFE credentials to an attested workload. Attestors (join tokens, Kubernetes
 * projected service-account tokens) prove who a workload is and what it runs, then call this.
 *
 * <p>Every call re-checks, from the store's current state (through a cache that retirement,
 * rejection and identity changes invalidate at once), that the image {@link
 * AttestedWorkload#imageDigest()} is approved or deployed, that it carries {@link
 * AttestedWorkload#spiffeId()}, and that the identity is active; otherwise it throws {@link
 * SvidException} ({@code svid.image_not_approved}, {@code svid.identity_mismatch}, {@code
 * svid.identity_inactive}). Each issuance and refusal is recorded in the audit log (in batches:
 * one entry per identity and interval, with counts and the {@code jti}s and serial numbers) and
 * sets the identity's last-seen time. Attestors audit their own attestation outcome.
 *
 * <p>Thread-safe; signing never touches the store.
 */
public interface SvidIssuer {
  /** The trust domain every SVID is issued in. */
  String trustDomain();

  /**
   * A JWT-SVID: {@code sub} the SPIFFE ID, {@code aud} the audience, short {@code exp}, {@code
   * iat}, {@code jti}, the image digest in {@code image_digest}, signed with the current key of
   * the algorithm configured for the audience (ES256 unless configured RS256).
   *
   * @param ttl null for the default (5 minutes); at most 1 hour
   * @throws SvidException {@code svid.audience_missing}, {@code svid.audience_invalid}, {@code
   *     svid.ttl_invalid}, or a state refusal
   */
  JwtSvid issueJwt(AttestedWorkload workload, String audience, Duration ttl);

  /**
   * An X.509-SVID for the key in {@code csrDer} (PKCS#10, DER). The CSR's self-signature must
   * verify and it may ask for nothing that is not granted: no subject, no extension but a
   * subjectAltName holding exactly the workload's SPIFFE ID.
   *
   * @param ttl null for the default (1 hour); at most 8 hours by default
   * @throws SvidException {@code svid.csr_invalid}, {@code svid.csr_signature_invalid}, {@code
   *     svid.csr_not_granted}, {@code svid.csr_key_unsupported}, {@code svid.ttl_invalid}, or a
   *     state refusal
   */
  X509Svid issueX509(AttestedWorkload workload, byte[] csrDer, Duration ttl);

  /**
   * The SVIDs {@code request} asks for and a new workload session for renewals; what an
   * attestation endpoint answers.
   *
   * @throws SvidException {@code svid.nothing_requested} when the request is empty, or any
   *     refusal of {@link #issueJwt} and {@link #issueX509} (nothing is issued then)
   */
  IssuedSvids issue(AttestedWorkload workload, SvidRequest request);

  /**
   * Checks what {@code request} asks without issuing anything; attestors call it before they
   * consume a single-use credential, so that a malformed request does not waste it.
   *
   * @throws SvidException as {@link #issue} does for the request itself
   */
  void checkRequest(AttestedWorkload workload, SvidRequest request);

  /**
   * The JSON body an attestation endpoint answers with {@code issued} ({@code spiffe_id},
   * {@code image}, {@code jwt_svid}, {@code x509_svid} and {@code x509_bundle} (with an
   * X.509-SVID), {@code session}, {@code renew_after}; see docs/api.md), so every attestor
   * answers alike.
   */
  java.util.Map<String, Object> describe(AttestedWorkload workload, IssuedSvids issued);
}
