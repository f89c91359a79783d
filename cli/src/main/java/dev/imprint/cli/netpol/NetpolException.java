package dev.imprint.cli.netpol;

/** Input the netpol commands cannot work from, with a stable code and a precise message. */
public final class NetpolException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public NetpolException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** A stable code such as {@code netpol.labels_invalid}. */
  public String code() {
    return code;
  }
}
