package dev.imprint.server.text;

/**
 * A free-text value was refused: a stable code (such as {@code identity.owner_invalid}) and a
 * detail naming the field and what was wrong, never the value itself.
 */
public final class TextRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  TextRefused(String code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  /** The stable error code. */
  public String code() {
    return code;
  }
}
