package dev.imprint.server.audit;

/**
 * The stored audit log disagrees with what this server signed or verified before (a missing or
 * rewritten entry, a deleted, foreign or contradicting checkpoint row), so the server refuses to
 * sign anything until an operator investigates; stable code {@value #CODE}.
 */
public final class AuditIntegrityException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The stable error code, on the API, in {@code /readyz} and in the log. */
  public static final String CODE = "audit.integrity_failure";

  AuditIntegrityException(String detail) {
    super(detail);
  }

  /** {@value #CODE}. */
  public String code() {
    return CODE;
  }

  /** What was found, naming the entry or checkpoint and what was expected. */
  public String detail() {
    return getMessage();
  }
}
