package dev.imprint.server.svid;

import java.util.Objects;

/**
 * A refusal by workload identity (attestation, issuance, validation of a request) with a stable
 * code such as {@code svid.audience_missing} and a detail that says what was expected and what
 * was got. Services throw it; the HTTP layer maps its {@link Kind} to a status.
 */
public final class SvidException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What sort of refusal this is; the HTTP layer maps each to one status. */
  public enum Kind {
    /** The request is malformed or asks for something not allowed (400). */
    INVALID(400),
    /** The presented credential is missing, unknown or malformed (401). */
    UNAUTHENTICATED(401),
    /** The credential is valid but may not do this (403). */
    FORBIDDEN(403),
    /** Something named does not exist (404). */
    NOT_FOUND(404),
    /** The current state refuses it: a used token, a retired image (409). */
    CONFLICT(409);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /** The HTTP status the API answers with. */
    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String code;

  public SvidException(Kind kind, String code, String detail) {
    super(detail);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.code = Objects.requireNonNull(code, "code");
  }

  public Kind kind() {
    return kind;
  }

  /** The stable code, e.g. {@code svid.csr_invalid}. */
  public String code() {
    return code;
  }

  /** The human detail (never a secret). */
  public String detail() {
    return getMessage();
  }
}
