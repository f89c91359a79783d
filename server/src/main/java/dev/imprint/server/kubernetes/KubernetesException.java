package dev.imprint.server.kubernetes;

/**
 * A refusal by the Kubernetes capability with a stable code (such as
 * {@code attest.pod_unknown}); the HTTP layer maps its {@link Kind} to a status. Never carries a
 * token or any other secret.
 */
public final class KubernetesException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What sort of refusal this is, which decides the HTTP status. */
  public enum Kind {
    /** The request is malformed or names something invalid (400). */
    INVALID,
    /** The presented credential does not verify (401). */
    UNAUTHENTICATED,
    /** The caller is known but may not have this (403). */
    FORBIDDEN,
    /** Nothing by that name (404). */
    NOT_FOUND,
    /** The request conflicts with the current state (409). */
    CONFLICT,
    /** Well-formed but cannot be acted on, such as a JWKS that cannot be fetched (422). */
    UNPROCESSABLE,
    /** A dependency is unavailable for now; retry later (503). */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String code;

  KubernetesException(Kind kind, String code, String detail) {
    super(detail);
    this.kind = kind;
    this.code = code;
  }

  static KubernetesException invalid(String code, String detail) {
    return new KubernetesException(Kind.INVALID, code, detail);
  }

  static KubernetesException unauthenticated(String code, String detail) {
    return new KubernetesException(Kind.UNAUTHENTICATED, code, detail);
  }

  static KubernetesException forbidden(String code, String detail) {
    return new KubernetesException(Kind.FORBIDDEN, code, detail);
  }

  static KubernetesException notFound(String code, String detail) {
    return new KubernetesException(Kind.NOT_FOUND, code, detail);
  }

  static KubernetesException conflict(String code, String detail) {
    return new KubernetesException(Kind.CONFLICT, code, detail);
  }

  public Kind kind() {
    return kind;
  }

  /** The stable code, e.g. {@code cluster.not_found}. */
  public String code() {
    return code;
  }

  /** What was expected and what was got. */
  public String detail() {
    return getMessage();
  }
}
