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

  public ApiProblem(int status, String code, String title, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
    this.title = title;
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
}
