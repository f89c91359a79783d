package dev.imprint.scan;

import java.util.ArrayList;
import java.util.List;
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
 *     fingerprints that survive moved lines; {@code null} means "the message". It never depends
 *     on a secret's value, so no finding fingerprint can be tested against a guessed secret.
 * @param fingerprint stable id of the finding, set by the scanner; {@code null} before that
 * @param legacyKey the key this finding had in Imprint 0.1 when it differs from {@code key}, in
 *     which {@link #LEGACY_SECRET} stands for the secret's former fingerprint; only to match
 *     schema-1 baselines
 * @param legacyFingerprint the fingerprint Imprint 0.1 gave this finding, set by the scanner
 *     for matching schema-1 baselines; never written anywhere
 * @param occurrence which of the findings with the same rule, file and key this one is (from
 *     1, in report order), set with the fingerprint; 0 before that
 * @param aliases the identities ({@code ruleId}, NUL, identity key) of the findings of the same
 *     secret at the same line that the scanner merged into this one; before fingerprinting
 * @param aliasFingerprints the fingerprints those merged findings would have had, set by the
 *     scanner, so that a baseline that accepted the secret under another rule (the rule that
 *     wins a line can change from one version to the next) still accepts it; never written
 */
public record Finding(
    Rule rule,
    Severity severity,
    Location location,
    String message,
    SecretEvidence secret,
    String key,
    String fingerprint,
    String legacyKey,
    String legacyFingerprint,
    int occurrence,
    List<String> aliases,
    List<String> aliasFingerprints) {

  /** Stands for the secret's former (unkeyed) fingerprint in a {@code legacyKey}. */
  public static final String LEGACY_SECRET = "\u0000secret\u0000";

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    aliasFingerprints = aliasFingerprints == null ? List.of() : List.copyOf(aliasFingerprints);
  }

  static Finding of(Rule rule, Location location, String message) {
    return new Finding(rule, rule.severity(), location, message, null, null, null, null, null,
        0, List.of(), List.of());
  }

  public String ruleId() {
    return rule.id();
  }

  /** This finding carrying a detected secret's redacted form and fingerprint. */
  public Finding withSecret(SecretEvidence evidence) {
    return new Finding(rule, severity, location, message, evidence, key, fingerprint,
        legacyKey, legacyFingerprint, occurrence, aliases, aliasFingerprints);
  }

  /** This finding with an explicit identity key (see the record's {@code key}). */
  public Finding withKey(String newKey) {
    return new Finding(rule, severity, location, message, secret, newKey, fingerprint,
        legacyKey, legacyFingerprint, occurrence, aliases, aliasFingerprints);
  }

  public Finding withSeverity(Severity newSeverity) {
    return new Finding(rule, newSeverity, location, message, secret, key, fingerprint,
        legacyKey, legacyFingerprint, occurrence, aliases, aliasFingerprints);
  }

  public Finding withFingerprint(String newFingerprint) {
    return new Finding(rule, severity, location, message, secret, key, newFingerprint,
        legacyKey, legacyFingerprint, occurrence, aliases, aliasFingerprints);
  }

  Finding withOccurrence(int n) {
    return new Finding(rule, severity, location, message, secret, key, fingerprint, legacyKey,
        legacyFingerprint, n, aliases, aliasFingerprints);
  }

  /**
   * This finding with the key Imprint 0.1 gave it, for matching its baselines; write
   * {@link #LEGACY_SECRET} where that key held the secret's fingerprint.
   */
  public Finding withLegacyKey(String oldKey) {
    return new Finding(rule, severity, location, message, secret, key, fingerprint, oldKey,
        legacyFingerprint, occurrence, aliases, aliasFingerprints);
  }

  Finding withLegacyFingerprint(String old) {
    return new Finding(rule, severity, location, message, secret, key, fingerprint, legacyKey,
        old, occurrence, aliases, aliasFingerprints);
  }

  /**
   * This finding under a configured severity override: the override becomes both its severity
   * and its rule's default, as it is for every finding of the rule.
   */
  Finding overridden(Severity configured) {
    return new Finding(rule.withSeverity(configured), configured, location, message, secret, key,
        fingerprint, legacyKey, legacyFingerprint, occurrence, aliases, aliasFingerprints);
  }

  /**
   * This finding having absorbed {@code merged}, a finding of the same secret at the same line
   * (see {@link #aliases()}).
   */
  Finding absorbing(Finding merged) {
    List<String> all = new ArrayList<>(aliases);
    all.add(merged.ruleId() + "\0" + merged.identityKey());
    all.addAll(merged.aliases());
    return new Finding(rule, severity, location, message, secret, key, fingerprint, legacyKey,
        legacyFingerprint, occurrence, all, aliasFingerprints);
  }

  /**
   * This finding also standing for a finding of the same secret at the same line that its
   * analyzer merged into it before reporting (see {@link #aliases()}).
   */
  public Finding withAlias(String ruleId, String identityKey) {
    List<String> all = new ArrayList<>(aliases);
    all.add(ruleId + "\0" + identityKey);
    return new Finding(rule, severity, location, message, secret, key, fingerprint, legacyKey,
        legacyFingerprint, occurrence, all, aliasFingerprints);
  }

  Finding withAliasFingerprints(List<String> prints) {
    return new Finding(rule, severity, location, message, secret, key, fingerprint, legacyKey,
        legacyFingerprint, occurrence, aliases, prints);
  }

  /** This finding with its secret evidence fingerprinted under the scan's key. */
  Finding keyed(FingerprintKey fingerprintKey) {
    return secret == null ? this : withSecret(secret.keyed(fingerprintKey));
  }

  /** The key used for fingerprinting: the explicit key, else the message (never a secret). */
  public String identityKey() {
    return key != null ? key : message;
  }

  /** The identity key Imprint 0.1 used: it held the secret's unkeyed fingerprint. */
  String legacyIdentityKey() {
    if (legacyKey != null) {
      return secret == null ? legacyKey
          : legacyKey.replace(LEGACY_SECRET, secret.legacyFingerprint());
    }
    if (key != null) {
      return key;
    }
    return secret != null ? "secret:" + secret.legacyFingerprint() : message;
  }

  /** Every field but the legacy ones, which hold an unkeyed fingerprint and are never shown. */
  @Override
  public String toString() {
    return "Finding[rule=" + rule.id() + ", severity=" + severity + ", location=" + location
        + ", message=" + message + ", secret=" + secret + ", key=" + key + ", fingerprint="
        + fingerprint + "]";
  }
}
