package dev.imprint.authz;

import java.util.Objects;

/**
 * A refusal by the grant language: a malformed pattern, request or grant set, with a stable
 * code (such as {@code grant.subject}) and a detail that says what was expected and what was got.
 */
public final class AuthzException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public AuthzException(String code, String detail) {
    super(detail);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable code, e.g. {@code grant.resource}. */
  public String code() {
    return code;
  }

  /** The human detail. */
  public String detail() {
    return getMessage();
  }
}
