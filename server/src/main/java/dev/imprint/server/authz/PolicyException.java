package dev.imprint.server.authz;

import dev.imprint.authz.Diagnostic;
import java.util.List;
import java.util.Objects;

/**
 * A refusal by authorization with a stable code (such as {@code grants.version_conflict}), a
 * detail, and for a refused grant set its diagnostics. Services throw it; the HTTP layer maps
 * its {@link Kind} to a status.
 */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What sort of refusal this is; the HTTP layer maps each to one status. */
  public enum Kind {
    /** Malformed request (400). */
    INVALID(400),
    /** The caller's credential is missing or invalid (401). */
    UNAUTHENTICATED(401),
    /** The caller may not do this (403). */
    FORBIDDEN(403),
    /** The current state refuses it (409). */
    CONFLICT(409),
    /** A grant set with errors (422). */
    UNPROCESSABLE(422);

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
  private final transient List<Diagnostic> diagnostics;

  public PolicyException(Kind kind, String code, String detail) {
    this(kind, code, detail, List.of());
  }

  public PolicyException(Kind kind, String code, String detail, List<Diagnostic> diagnostics) {
    super(detail);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.code = Objects.requireNonNull(code, "code");
    this.diagnostics = List.copyOf(diagnostics);
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

  /** The errors (and warnings) of a refused grant set; empty otherwise. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
