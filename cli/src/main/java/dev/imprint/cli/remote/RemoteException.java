package dev.imprint.cli.remote;

/** A remote call that did not succeed, with the exit code the CLI returns for it. */
public final class RemoteException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** Usage or configuration error on the client side. */
  public static final int USAGE = 2;
  /** The server refused the request (a problem document). */
  public static final int REFUSED = 3;
  /** The server could not be reached. */
  public static final int UNREACHABLE = 4;

  private final int exitCode;
  private final String code;
  private final int status;
  private final transient com.fasterxml.jackson.databind.JsonNode problem;

  public RemoteException(int exitCode, String code, String message) {
    this(exitCode, code, message, 0);
  }

  public RemoteException(int exitCode, String code, String message, int status) {
    this(exitCode, code, message, status, null);
  }

  /** A refusal with the server's whole problem document (its extension members too). */
  public RemoteException(int exitCode, String code, String message, int status,
      com.fasterxml.jackson.databind.JsonNode problem) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
    this.status = status;
    this.problem = problem;
  }

  /** The server's problem document, or null when there was none. */
  public com.fasterxml.jackson.databind.JsonNode problem() {
    return problem;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The problem's stable code, e.g. {@code image.digest_invalid}. */
  public String code() {
    return code;
  }

  /** The HTTP status, or 0 when there was no response. */
  public int status() {
    return status;
  }
}
