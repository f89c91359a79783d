package dev.imprint.scan;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A rule's metadata: its stable id, what it finds, why it matters and how to fix it, with an
 * example of the problem and of the fix. The logic lives in the analyzer that owns the rule.
 *
 * @param id stable id such as {@code IMP-DOCKER-003}; never reused for another meaning
 * @param title one line, sentence case, no final period
 * @param severity default severity (configuration may override it)
 * @param category OWASP NHI entry or immutability / segmentation
 * @param rationale why this is a risk, a few sentences
 * @param remediation what to do instead, a few sentences
 * @param badExample a short snippet that triggers the rule
 * @param goodExample the same snippet fixed
 * @param tags free labels (file kind, provider, CWE) used for filtering and SARIF tags
 */
public record Rule(
    String id,
    String title,
    Severity severity,
    Category category,
    String rationale,
    String remediation,
    String badExample,
    String goodExample,
    List<String> tags) {

  private static final Pattern ID = Pattern.compile("IMP-[A-Z0-9]+(-[A-Z0-9]+)*-\\d{3}");

  public Rule {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "rule id '" + id + "' does not match IMP-<AREA>-<3 digits>");
    }
    requireText(id, "title", title);
    Objects.requireNonNull(severity, "severity of " + id);
    Objects.requireNonNull(category, "category of " + id);
    requireText(id, "rationale", rationale);
    requireText(id, "remediation", remediation);
    requireText(id, "badExample", badExample);
    requireText(id, "goodExample", goodExample);
    tags = List.copyOf(tags);
  }

  private static void requireText(String id, String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("rule " + id + " needs a non-empty " + field);
    }
  }

  /** This rule with another default severity (a configuration override). */
  public Rule withSeverity(Severity newSeverity) {
    return new Rule(id, title, newSeverity, category, rationale, remediation, badExample,
        goodExample, tags);
  }

  /** A finding of this rule at a location, with the rule's default severity. */
  public Finding at(Location location, String message) {
    return Finding.of(this, location, message);
  }

  /** Starts a rule definition; see {@link RuleBuilder}. */
  public static RuleBuilder builder(String id) {
    return new RuleBuilder(id);
  }
}
