package dev.imprint.authz;

/**
 * An error or a warning about a grant set, with a stable {@code code}, where it was found, the
 * grant's id when known, and a message saying what was expected and what was got.
 */
public record Diagnostic(Severity severity, String code, SourceLocation location, String grantId,
    String message) {
  /** Errors refuse a grant set; warnings are shown and do not. */
  public enum Severity {
    ERROR,
    WARNING
  }

  /** {@code file:line:column: error grant.subject [id]: message}. */
  @Override
  public String toString() {
    return (location == null ? "" : location + ": ")
        + severity.name().toLowerCase(java.util.Locale.ROOT) + " " + code
        + (grantId == null ? "" : " [" + grantId + "]") + ": " + message;
  }
}
