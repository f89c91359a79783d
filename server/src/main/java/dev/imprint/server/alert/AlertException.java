package dev.imprint.server.alert;

import java.util.Objects;

/**
 * A refusal by the alerts service with a stable code (such as {@code alert.not_found}); the HTTP
 * layer maps its {@link Kind} to a status.
 */
public final class AlertException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What sort of refusal this is; the HTTP layer maps each to one status. */
  public enum Kind {
    /** Malformed request (400). */
    INVALID(400),
    /** No such alert (404). */
    NOT_FOUND(404),
    /** The alert's state refuses it (409). */
    CONFLICT(409);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String code;

  public AlertException(Kind kind, String code, String detail) {
    super(detail);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.code = Objects.requireNonNull(code, "code");
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }
}
