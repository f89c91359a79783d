package dev.imprint.authz;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link GrantParser} read: the valid grants, the policy version a server snapshot carried
 * (0 for files), and every diagnostic. A set with errors cannot become a policy.
 */
public record GrantSet(List<Grant> grants, long policyVersion, List<Diagnostic> diagnostics) {
  public GrantSet {
    grants = List.copyOf(grants);
    diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
  }

  public List<Diagnostic> warnings() {
    return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  /** This set with more diagnostics (the server's identity checks) appended. */
  public GrantSet with(List<Diagnostic> more) {
    List<Diagnostic> all = new ArrayList<>(diagnostics);
    all.addAll(more);
    return new GrantSet(grants, policyVersion, all);
  }

  /**
   * The policy of these grants at {@code version}.
   *
   * @throws AuthzException {@code grant.invalid} listing the errors when there are any
   */
  public Policy policy(long version) {
    if (hasErrors()) {
      StringBuilder sb = new StringBuilder("the grant set has " + errors().size() + " error(s):");
      errors().stream().limit(20).forEach(d -> sb.append("\n  ").append(d));
      throw new AuthzException("grant.invalid", sb.toString());
    }
    return Policy.of(version, grants);
  }
}
