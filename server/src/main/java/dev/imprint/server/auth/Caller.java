package dev.imprint.server.auth;

/** The authenticated caller of a request: the token's id and role (never the token). */
public record Caller(String tokenId, Role role) {
  /** The actor name written to the audit log, e.g. {@code token:3f9a...}. */
  public String actor() {
    return "token:" + tokenId;
  }
}
