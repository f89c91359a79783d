package dev.imprint.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds a {@link Rule} with named steps, so a catalog of many rules stays readable. */
public final class RuleBuilder {
  private final String id;
  private String title;
  private Severity severity;
  private Category category;
  private String rationale;
  private String remediation;
  private String bad;
  private String good;
  private final List<String> tags = new ArrayList<>();

  RuleBuilder(String id) {
    this.id = id;
  }

  public RuleBuilder title(String title) {
    this.title = title;
    return this;
  }

  public RuleBuilder severity(Severity severity) {
    this.severity = severity;
    return this;
  }

  public RuleBuilder category(Category category) {
    this.category = category;
    return this;
  }

  public RuleBuilder rationale(String rationale) {
    this.rationale = rationale;
    return this;
  }

  public RuleBuilder remediation(String remediation) {
    this.remediation = remediation;
    return this;
  }

  /** A snippet that triggers the rule, and the same snippet fixed. */
  public RuleBuilder example(String bad, String good) {
    this.bad = bad;
    this.good = good;
    return this;
  }

  public RuleBuilder tags(String... tags) {
    this.tags.addAll(Arrays.asList(tags));
    return this;
  }

  public Rule build() {
    return new Rule(id, title, severity, category, rationale, remediation, bad, good, tags);
  }
}
