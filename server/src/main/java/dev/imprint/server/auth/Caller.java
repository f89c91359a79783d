package dev.imprint.server.auth;

/**
 * The authenticated caller of a request: the token's id and role (never the token) and, for a
 * workload or pipeline token bound to an identity, that identity's short id and SPIFFE ID (both
 * null when unbound).
 */
public record Caller(String tokenId, Role role, String identityId, String identity) {
  /** An unbound caller. */
  public Caller(String tokenId, Role role) {
    this(tokenId, role, null, null);
  }

  /** The actor name written to the audit log, e.g. {@code token:3f9a...}. */
  public String actor() {
    return "token:" + tokenId;
  }

  /** True for a token bound to an identity. */
  public boolean bound() {
    return identityId != null;
  }
}
