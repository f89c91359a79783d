package dev.imprint.server;

/**
 * Why a server refused to start, with a stable code ({@code server.data_dir_in_use},
 * {@code server.insecure_permissions}, {@code server.data_dir}) and a message that says what
 * was found and how to fix it.
 */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  StartupException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** The stable code, e.g. {@code server.data_dir_in_use}. */
  public String code() {
    return code;
  }
}
