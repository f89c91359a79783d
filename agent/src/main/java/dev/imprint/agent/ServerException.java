package dev.imprint.agent;

/**
 * The Imprint server refused a request (its problem's stable {@code code}), or could not be
 * reached ({@code agent.server_unreachable}).
 */
public final class ServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  ServerException(int status, String code, String detail) {
    super(code + ": " + detail);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status, or 0 when the server was not reached. */
  public int status() {
    return status;
  }

  /** The problem's stable code. */
  public String code() {
    return code;
  }
}
