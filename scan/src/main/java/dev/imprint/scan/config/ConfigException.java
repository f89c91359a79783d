package dev.imprint.scan.config;

/** A configuration or baseline file that cannot be used; the message names file:line and key. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
