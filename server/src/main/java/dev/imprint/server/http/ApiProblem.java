package dev.imprint.server.http;

/**
 * An RFC 9457 problem: a stable code (such as {@code image.digest_invalid}), an HTTP status
 * and a detail that says what was expected and what was got. Thrown by request handling and
 * rendered as {@code application/problem+json}.
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;
  private final String title;
  private final transient java.util.Map<String, Object> extensions;

  public ApiProblem(int status, String code, String title, String detail) {
    this(status, code, title, detail, java.util.Map.of());
  }

  /** A problem with extension members (RFC 9457 section 3.2), such as a list of errors. */
  public ApiProblem(int status, String code, String title, String detail,
      java.util.Map<String, Object> extensions) {
    super(detail);
    this.status = status;
    this.code = code;
    this.title = title;
    this.extensions = java.util.Map.copyOf(extensions);
  }

  /** 400 with a detail. */
  public static ApiProblem badRequest(String code, String detail) {
    return new ApiProblem(400, code, "Bad request", detail);
  }

  /** 404 for a named kind of thing. */
  public static ApiProblem notFound(String code, String detail) {
    return new ApiProblem(404, code, "Not found", detail);
  }

  /** 409 when the request conflicts with the current state. */
  public static ApiProblem conflict(String code, String detail) {
    return new ApiProblem(409, code, "Conflict", detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  /** Extension members rendered beside the standard ones; empty for most problems. */
  public java.util.Map<String, Object> extensions() {
    return extensions;
  }
}
