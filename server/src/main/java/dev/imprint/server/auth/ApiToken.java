package dev.imprint.server.auth;

import java.time.Instant;

/**
 * A token's public record, never its secret: {@code identityId} and {@code identity} (its SPIFFE
 * ID) name the identity a workload or pipeline token is bound to, both null when unbound;
 * {@code lastUsedAt} is when it last authenticated (written periodically, so up to the usage
 * flush interval behind), null when never.
 */
public record ApiToken(String id, Role role, String description, Instant createdAt,
    String createdBy, Instant revokedAt, Instant lastUsedAt, String identityId, String identity) {
  public boolean revoked() {
    return revokedAt != null;
  }
}
