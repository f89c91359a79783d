package dev.imprint.server.kubernetes;

import dev.imprint.server.svid.AttestedWorkload;
import dev.imprint.server.svid.IssuedSvids;
import dev.imprint.server.svid.JwtSvid;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidIssuer;
import dev.imprint.server.svid.SvidRequest;
import dev.imprint.server.svid.X509Svid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The issuer's side of attestation seen from the attestor: records the workloads it is asked to
 * issue for and answers with a JWT-SVID record, or refuses every call with one {@link
 * SvidException} (one instance per failure mode). The SVIDs themselves are the issuer's own
 * tests' business; the end-to-end attestation test uses the real issuer.
 */
final class RecordingIssuer implements SvidIssuer {
  final List<AttestedWorkload> asked = new CopyOnWriteArrayList<>();
  private final SvidException refusal;

  RecordingIssuer() {
    this(null);
  }

  RecordingIssuer(SvidException refusal) {
    this.refusal = refusal;
  }

  @Override
  public String trustDomain() {
    return "imprint.local";
  }

  @Override
  public JwtSvid issueJwt(AttestedWorkload workload, String audience, Duration ttl) {
    asked.add(workload);
    if (refusal != null) {
      throw refusal;
    }
    Instant now = Instant.parse("2026-12-05T09:00:00Z");
    return new JwtSvid("header.payload.signature", workload.spiffeId(), audience, "k1",
        "jti-" + asked.size(), now, now.plus(ttl == null ? Duration.ofMinutes(5) : ttl));
  }

  @Override
  public X509Svid issueX509(AttestedWorkload workload, byte[] csrDer, Duration ttl) {
    throw new UnsupportedOperationException("the attestor tests ask for JWT-SVIDs only");
  }

  @Override
  public void checkRequest(AttestedWorkload workload, SvidRequest request) {
    if (refusal != null) {
      throw refusal;
    }
  }

  @Override
  public java.util.Map<String, Object> describe(AttestedWorkload workload, IssuedSvids issued) {
    return java.util.Map.of("spiffe_id", workload.spiffeId(), "image", workload.imageDigest());
  }

  @Override
  public IssuedSvids issue(AttestedWorkload workload, SvidRequest request) {
    JwtSvid jwt = issueJwt(workload, request.audience(), request.jwtTtl());
    return new IssuedSvids(Optional.of(jwt), Optional.empty(), new IssuedSvids.Session(
        "session-secret", "s" + asked.size(), jwt.expiresAt().plus(Duration.ofHours(1))));
  }
}
