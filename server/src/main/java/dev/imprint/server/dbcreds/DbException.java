package dev.imprint.server.dbcreds;

import java.util.Objects;

/**
 * A refusal by database logins with a stable code (such as {@code db.access_denied}) and a
 * detail; services throw it and the HTTP layer maps its {@link Kind} to a status.
 */
public final class DbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What sort of refusal this is; the HTTP layer maps each to one status. */
  public enum Kind {
    /** Malformed request (400). */
    INVALID(400),
    /** The caller's credential is missing or invalid (401). */
    UNAUTHENTICATED(401),
    /** The caller may not do this (403). */
    FORBIDDEN(403),
    /** No such server or lease (404). */
    NOT_FOUND(404),
    /** The current state refuses it (409). */
    CONFLICT(409),
    /** The database server refused or did not answer what Imprint asked of it (502). */
    DATABASE(502);

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

  public DbException(Kind kind, String code, String detail) {
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
