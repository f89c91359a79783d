package dev.imprint.scan.aws;

/**
 * A policy document that cannot be read: not JSON, not an object, no {@code Statement}, a
 * statement without a valid {@code Effect}, or nested past the reader's bounds. It is malformed
 * input, caught by type; any other exception from policy reading is a bug. The message says
 * what was expected and never quotes the document's text.
 */
public final class InvalidPolicyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidPolicyException(String message) {
    super(message);
  }
}
