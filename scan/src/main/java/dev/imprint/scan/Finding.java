package dev.imprint.scan;

import java.util.Objects;

/**
 * One thing a rule found at one place. Findings are data, never exceptions.
 *
 * @param rule the rule that found it
 * @param severity the effective severity (the rule's default unless configuration overrides it)
 * @param location where it is
 * @param message what exactly is wrong here, naming the offending value (never a secret)
 * @param secret the redacted form and fingerprint of a secret, or {@code null} when none
 * @param key what identifies this finding within its file independently of its line, used for
 *     fingerprints that survive moved lines; {@code null} means "the message"
 * @param fingerprint stable id of the finding, set by the scanner; {@code null} before that
 */
public record Finding(
    Rule rule,
    Severity severity,
    Location location,
    String message,
    SecretEvidence secret,
    String key,
    String fingerprint) {

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
  }

  static Finding of(Rule rule, Location location, String message) {
    return new Finding(rule, rule.severity(), location, message, null, null, null);
  }

  public String ruleId() {
    return rule.id();
  }

  /** This finding carrying a detected secret's redacted form and fingerprint. */
  public Finding withSecret(SecretEvidence evidence) {
    return new Finding(rule, severity, location, message, evidence, key, fingerprint);
  }

  /** This finding with an explicit identity key (see the record's {@code key}). */
  public Finding withKey(String newKey) {
    return new Finding(rule, severity, location, message, secret, newKey, fingerprint);
  }

  public Finding withSeverity(Severity newSeverity) {
    return new Finding(rule, newSeverity, location, message, secret, key, fingerprint);
  }

  public Finding withFingerprint(String newFingerprint) {
    return new Finding(rule, severity, location, message, secret, key, newFingerprint);
  }

  /** The key used for fingerprinting: the explicit key, else the secret, else the message. */
  public String identityKey() {
    if (key != null) {
      return key;
    }
    return secret != null ? "secret:" + secret.fingerprint() : message;
  }
}
