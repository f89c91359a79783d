package dev.imprint.server.dbcreds;

import java.time.Instant;
import java.util.List;

/**
 * One database login Imprint created (or is creating) for a workload: where, with which
 * privileges, for whom, and until when. {@code state} is {@code pending}, {@code active} or
 * {@code ended}; {@code endReason} is {@code expired}, {@code revoked}, {@code failed} or
 * {@code abandoned} once ended; {@code droppedAt} is set once the role is gone.
 */
public record Lease(String id, String server, String database, String schema, String resource,
    String username, List<String> privileges, String subject, String imageDigest, String state,
    String endReason, String endedBy, Instant createdAt, Instant expiresAt,
    Instant maxExpiresAt, int renewals, Instant endedAt, Instant droppedAt) {
  public Lease {
    privileges = List.copyOf(privileges);
  }
}
