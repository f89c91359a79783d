package dev.imprint.server.auth;

import java.time.Instant;

/** A token's public record: never its secret. */
public record ApiToken(String id, Role role, String description, Instant createdAt,
    String createdBy, Instant revokedAt, Instant lastUsedAt) {
  public boolean revoked() {
    return revokedAt != null;
  }
}
