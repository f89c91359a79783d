package dev.imprint.server.auth;

/**
 * A freshly created token: the only object that ever holds its secret, shown once to the
 * caller. {@code toString()} does not include it.
 */
public record IssuedToken(ApiToken token, String secret) {
  @Override
  public String toString() {
    return "IssuedToken[id=" + token.id() + ", role=" + token.role().wire() + ", secret=[redacted]]";
  }
}
