package dev.imprint.server.alert;

/** The stable ids of the built-in detections (docs/alerts.md explains each). */
public final class Rules {
  /** A retired or unapproved image, or a disabled identity, still attesting or renewing. */
  public static final String RETIRED_STILL_ATTESTING = "nhi.retired_still_attesting";
  /** An identity silent for longer than the dormancy period authenticates again. */
  public static final String DORMANT_REACTIVATED = "nhi.dormant_reactivated";
  /** An identity's attestation rate far above its own baseline. */
  public static final String ATTESTATION_STORM = "nhi.attestation_storm";
  /** Join-token attestations of one identity refused again and again. */
  public static final String JOIN_TOKEN_REFUSALS = "nhi.join_token_refusals";
  /** A burst of denied authorization decisions for one subject (probing). */
  public static final String DENIED_BURST = "authz.denied_burst";
  /** An allowing grant that nothing used for the configured period. */
  public static final String GRANT_UNUSED = "authz.grant_unused";
  /** A signing key that still signs past the rotation policy's age. */
  public static final String KEY_ROTATION_OVERDUE = "keys.rotation_overdue";
  /** The audit log failed its own consistency check. */
  public static final String AUDIT_INTEGRITY = "audit.integrity_failed";

  /** Each rule's severity (a rule always raises at one severity). */
  static final java.util.Map<String, Severity> SEVERITY = java.util.Map.of(
      RETIRED_STILL_ATTESTING, Severity.HIGH, DORMANT_REACTIVATED, Severity.MEDIUM,
      ATTESTATION_STORM, Severity.HIGH, JOIN_TOKEN_REFUSALS, Severity.MEDIUM,
      DENIED_BURST, Severity.HIGH, GRANT_UNUSED, Severity.LOW, KEY_ROTATION_OVERDUE,
      Severity.HIGH, AUDIT_INTEGRITY, Severity.CRITICAL);

  private Rules() {}
}
