package dev.imprint.scan.inventory;

import dev.imprint.scan.aws.PolicyDocument;
import dev.imprint.scan.aws.PolicyIssue;
import dev.imprint.scan.aws.PolicyReview;
import dev.imprint.scan.aws.PolicyStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The effective permissions of one AWS principal as its policies accumulate: every statement of
 * its inline, customer-managed and group policies, the AWS-managed policies by name, and where
 * each came from. The judgement is {@link PolicyReview}'s, run once over all statements together
 * so that escalation paths spanning two policies are found too.
 */
final class AwsPermissions {
  private static final int MAX_SHOWN = 8;
  private final List<PolicyStatement> statements = new ArrayList<>();
  private final Set<String> managed = new LinkedHashSet<>();
  private final List<String> sources = new ArrayList<>();
  private boolean unresolved;

  /** The summary shown in the inventory. */
  record Summary(String access, List<String> rights, List<String> sources,
      List<String> grants) {}

  void add(PolicyDocument doc, String source) {
    statements.addAll(doc.statements());
    sources.add(source);
  }

  void addManaged(String name, String source) {
    managed.add(name);
    sources.add(source);
  }

  void addUnresolved(String source) {
    unresolved = true;
    sources.add(source + " (not resolvable statically)");
  }

  void addAll(AwsPermissions other, String via) {
    statements.addAll(other.statements);
    managed.addAll(other.managed);
    unresolved |= other.unresolved;
    other.sources.forEach(s -> sources.add(s + " via " + via));
  }

  Summary summary() {
    String access = unresolved ? "unknown" : "none";
    Set<String> rights = new LinkedHashSet<>();
    for (String m : managed) {
      access = Access.max(access, managedAccess(m));
      if (m.equals("AdministratorAccess")) {
        rights.add("wildcard: " + m + " allows every action on every resource");
      }
      if (m.equals("IAMFullAccess") || m.equals("AdministratorAccess")) {
        rights.add("privilege escalation: " + m + " can grant itself any permission");
      }
    }
    PolicyDocument doc = new PolicyDocument("2012-10-17", statements);
    List<String> grants = new ArrayList<>();
    for (PolicyStatement s : doc.allowStatements()) {
      if (grants.size() < MAX_SHOWN) {
        grants.add("allows " + (s.notAction() ? "every action except " : "")
            + shorten(s.actions()) + " on " + (s.notResource() ? "every resource except " : "")
            + shorten(s.resources()) + (s.conditions().isEmpty() ? "" : " (with conditions)"));
      }
      if (s.notAction()) {
        access = Access.max(access, s.onAllResources() ? "admin" : "write");
        rights.add("wildcard: NotAction " + String.join(",", s.actions()));
        continue;
      }
      for (String a : s.actions()) {
        access = Access.max(access, actionAccess(a, s));
      }
    }
    for (PolicyIssue i : PolicyReview.permissions(doc)) {
      String what = switch (i.kind()) {
        case FULL_ADMIN -> "wildcard: " + i.detail();
        case SERVICE_WILDCARD -> "wildcard: " + String.join(", ", i.subjects());
        case RESOURCE_WILDCARD -> null;
        case PRIVILEGE_ESCALATION -> "privilege escalation: " + i.detail();
        case PASS_ANY_ROLE -> "iam:PassRole on any role";
        case ASSUME_ANY_ROLE -> "sts:AssumeRole on any role";
        case PERMISSIONS_MANAGEMENT -> "permissions management: " + String.join(", ",
            i.subjects());
        case DATA_EXFILTRATION -> "data read on all resources: " + String.join(", ",
            i.subjects());
        case CREDENTIAL_EXPOSURE -> "credential or secret read: " + String.join(", ",
            i.subjects());
        case UNCONSTRAINED_WRITE -> "write on all resources: " + String.join(", ",
            i.subjects());
        default -> null;
      };
      if (what != null) {
        rights.add(what);
      }
    }
    return new Summary(access, List.copyOf(rights), List.copyOf(sources), grants);
  }

  private static String shorten(List<String> items) {
    if (items.isEmpty()) {
      return "nothing";
    }
    if (items.size() <= MAX_SHOWN) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_SHOWN)) + " and " + (items.size() - MAX_SHOWN)
        + " more";
  }

  private static String actionAccess(String action, PolicyStatement s) {
    Set<PolicyIssue.Kind> k = PolicyReview.classify(action);
    if (k.contains(PolicyIssue.Kind.FULL_ADMIN)) {
      return s.onAllResources() ? "admin" : "write";
    }
    if (k.contains(PolicyIssue.Kind.SERVICE_WILDCARD)
        || k.contains(PolicyIssue.Kind.UNCONSTRAINED_WRITE)
        || k.contains(PolicyIssue.Kind.PERMISSIONS_MANAGEMENT)
        || k.contains(PolicyIssue.Kind.PRIVILEGE_ESCALATION)) {
      return "write";
    }
    return "read";
  }

  /** The access an AWS-managed policy gives, judged by its well-known name. */
  static String managedAccess(String name) {
    if (name.equals("AdministratorAccess")) {
      return "admin";
    }
    if (name.contains("ReadOnly") || name.equals("ViewOnlyAccess")
        || name.equals("SecurityAudit")) {
      return "read";
    }
    if (name.contains("FullAccess") || name.equals("PowerUserAccess")) {
      return "write";
    }
    return "unknown";
  }
}
