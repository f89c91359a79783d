package dev.imprint.authz;

/** Why a decision came out as it did; {@link #code()} is the stable word used in the API. */
public enum Reason {
  /** A matching allow grant, and no matching deny grant. */
  ALLOWED("allowed"),
  /** A matching deny grant (deny overrides allow). */
  DENIED("denied"),
  /** No grant matches: nothing is allowed without a grant. */
  NO_GRANT("no_grant"),
  /** The subject's identity is disabled or offboarded. */
  IDENTITY_INACTIVE("identity_inactive"),
  /** The request is malformed (not a canonical subject, resource, action, path or context). */
  INVALID_REQUEST("invalid_request");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  /** The stable word, e.g. {@code no_grant}. */
  public String code() {
    return code;
  }
}
