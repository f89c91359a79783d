package dev.imprint.scan.aws;

import dev.imprint.scan.aws.PolicyIssue.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reviews IAM policy documents for the risks that make a non-human identity overprivileged:
 * administrator grants, service-wide wildcards, privilege-escalation paths, credential and data
 * exposure, unconstrained writes, and (for trust, resource and key policies) principals that
 * let everyone or an unverified account in.
 *
 * <p>An identity policy's findings describe what it allows; a statement that grants everything
 * is reported once as {@link Kind#FULL_ADMIN} and not again under narrower kinds. Service-wide
 * wildcards ({@code s3:*}) are reported as such and count towards escalation, credential
 * exposure and role passing, but not towards the per-action kinds they already imply.
 */
public final class PolicyReview {
  /** Condition keys that tie a wildcard principal to an account, organisation or source. */
  private static final List<String> SCOPING_KEYS = List.of(
      "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
      "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
      "aws:SourceOwner", "aws:SourceVpc", "aws:SourceVpce", "aws:userid",
      "kms:CallerAccount", "kms:ViaService", "aws:PrincipalServiceName", "lambda:FunctionArn");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern ACCOUNT_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):.{1,400}");

  private PolicyReview() {}

  /** The risks of an identity (permissions) policy. */
  public static List<PolicyIssue> permissions(PolicyDocument doc) {
    return new IdentityReview(doc).run();
  }

  /**
   * The risks of a role's trust (assume-role) policy: everyone trusted, another account trusted
   * without a check, an OIDC issuer (GitHub Actions, GitLab, Terraform Cloud, EKS, Cognito, any
   * other) trusted for every subject or a whole tenant (see {@link OidcTrust}).
   */
  public static List<PolicyIssue> trust(PolicyDocument doc) {
    List<PolicyIssue> out = new ArrayList<>();
    List<PolicyStatement> st = doc.statements();
    for (int i = 0; i < st.size(); i++) {
      PolicyStatement s = st.get(i);
      if (!s.allows() || !s.principals().present()) {
        continue;
      }
      if (s.principals().isWildcard() && !scoped(s)) {
        out.add(new PolicyIssue(Kind.WILDCARD_PRINCIPAL, i, List.of("*"),
            "trusts every AWS principal ('*') without an account or organisation condition"));
      }
      List<String> accounts = literalAccounts(s);
      if (!accounts.isEmpty() && s.mayGrant("sts:AssumeRole") && !verified(s)) {
        out.add(new PolicyIssue(Kind.CROSS_ACCOUNT_UNVERIFIED, i, accounts,
            "trusts account " + String.join(", ", accounts)
                + " without an sts:ExternalId, MFA or aws:PrincipalOrgID condition"));
      }
      out.addAll(OidcTrust.review(s, i));
    }
    return out;
  }

  /** The risks of a resource policy (bucket, queue, topic, repository, secret): open to all. */
  public static List<PolicyIssue> resource(PolicyDocument doc) {
    List<PolicyIssue> out = new ArrayList<>();
    List<PolicyStatement> st = doc.statements();
    for (int i = 0; i < st.size(); i++) {
      PolicyStatement s = st.get(i);
      if (s.allows() && s.principals().isWildcard() && !scoped(s)) {
        out.add(new PolicyIssue(Kind.WILDCARD_PRINCIPAL, i, actionsOf(s),
            "allows " + describeActions(s) + " to every principal ('*') without a condition"
                + " on the caller's account, organisation or source"));
      }
    }
    return out;
  }

  /**
   * The risks of a KMS key policy: everyone allowed, or every KMS action given to a principal
   * other than the account itself.
   */
  public static List<PolicyIssue> keyPolicy(PolicyDocument doc) {
    List<PolicyIssue> out = new ArrayList<>(resource(doc));
    List<PolicyStatement> st = doc.statements();
    for (int i = 0; i < st.size(); i++) {
      PolicyStatement s = st.get(i);
      if (!s.allows() || s.principals().isWildcard() || !s.principals().present()) {
        continue;
      }
      boolean everything = s.notAction() || s.actions().stream().anyMatch(
          a -> IamActions.isEverything(a) || "kms".equals(IamActions.serviceWildcard(a)));
      if (!everything) {
        continue;
      }
      List<String> delegated = new ArrayList<>();
      for (String id : s.principals().of("AWS")) {
        if (!isAccountRoot(id)) {
          delegated.add(id);
        }
      }
      if (!delegated.isEmpty()) {
        out.add(new PolicyIssue(Kind.KMS_BROAD_GRANT, i, delegated,
            "grants every KMS action (including key deletion and policy changes) to "
                + String.join(", ", delegated)));
      }
    }
    return out;
  }

  /**
   * What a single action pattern can grant, independent of resources and conditions: the kinds
   * among {@link Kind#FULL_ADMIN}, {@link Kind#SERVICE_WILDCARD},
   * {@link Kind#PRIVILEGE_ESCALATION} (part of a path), {@link Kind#CREDENTIAL_EXPOSURE},
   * {@link Kind#DATA_EXFILTRATION}, {@link Kind#PERMISSIONS_MANAGEMENT},
   * {@link Kind#UNCONSTRAINED_WRITE} (a write action) and {@link Kind#RESOURCE_WILDCARD}
   * (scopable to resources).
   */
  public static Set<Kind> classify(String pattern) {
    Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    if (IamActions.isEverything(pattern)) {
      kinds.add(Kind.FULL_ADMIN);
    } else if (IamActions.serviceWildcard(pattern) != null) {
      kinds.add(Kind.SERVICE_WILDCARD);
    }
    List<String> one = List.of(pattern);
    if (PrivilegeEscalation.allActions().stream().anyMatch(a -> IamActions.anyMatches(one, a))) {
      kinds.add(Kind.PRIVILEGE_ESCALATION);
    }
    if (IamActions.CREDENTIAL_EXPOSURE.stream().anyMatch(a -> IamActions.matches(pattern, a))
        || IamActions.SECRET_READS.stream().anyMatch(a -> IamActions.matches(pattern, a))) {
      kinds.add(Kind.CREDENTIAL_EXPOSURE);
    }
    if (IamActions.DATA_READS.stream().anyMatch(a -> IamActions.matches(pattern, a))) {
      kinds.add(Kind.DATA_EXFILTRATION);
    }
    if (IamActions.PERMISSIONS_MANAGEMENT.stream().anyMatch(a -> IamActions.matches(pattern, a))
        || !hasWildcard(pattern) && IamActions.looksLikePermissionsManagement(pattern)) {
      kinds.add(Kind.PERMISSIONS_MANAGEMENT);
    }
    if (IamActions.mayWrite(pattern)) {
      kinds.add(Kind.UNCONSTRAINED_WRITE);
    }
    if (IamActions.resourceScopable(pattern)) {
      kinds.add(Kind.RESOURCE_WILDCARD);
    }
    return kinds;
  }

  // ---- trust and resource policy helpers ----

  /** Whether a condition with a positive operator ties the caller to an account or source. */
  static boolean scoped(PolicyStatement s) {
    for (PolicyCondition c : s.conditions()) {
      if (c.negative() || c.values().isEmpty() || c.values().stream().allMatch(v -> v.equals("*"))) {
        continue;
      }
      for (String key : SCOPING_KEYS) {
        if (c.key().equalsIgnoreCase(key)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean verified(PolicyStatement s) {
    for (PolicyCondition c : s.conditions()) {
      String key = c.key().toLowerCase(Locale.ROOT);
      if (c.negative()) {
        continue;
      }
      if (key.equals("sts:externalid") || key.equals("aws:principalorgid")
          || key.equals("aws:multifactorauthage")) {
        return true;
      }
      if (key.equals("aws:multifactorauthpresent")
          && c.values().stream().anyMatch(v -> v.equalsIgnoreCase("true"))) {
        return true;
      }
    }
    return false;
  }

  /** AWS principals naming a literal account (an id or an ARN in a literal account). */
  private static List<String> literalAccounts(PolicyStatement s) {
    Set<String> accounts = new LinkedHashSet<>();
    for (String id : s.principals().of("AWS")) {
      String v = id.trim();
      if (ACCOUNT.matcher(v).matches()) {
        accounts.add(v);
      } else {
        var m = ACCOUNT_ARN.matcher(v);
        if (m.matches()) {
          accounts.add(m.group(1));
        }
      }
    }
    return List.copyOf(accounts);
  }

  private static boolean isAccountRoot(String id) {
    String v = id.trim();
    return ACCOUNT.matcher(v).matches() || v.endsWith(":root");
  }

  private static List<String> actionsOf(PolicyStatement s) {
    return s.notAction() ? List.of("NotAction") : s.actions();
  }

  private static String describeActions(PolicyStatement s) {
    if (s.notAction()) {
      return "every action except " + String.join(", ", s.actions());
    }
    return String.join(", ", s.actions());
  }

  static boolean hasWildcard(String pattern) {
    return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
  }

  /** The review of one identity policy. */
  private static final class IdentityReview {
    private final List<PolicyStatement> st;
    private final List<PolicyIssue> out = new ArrayList<>();
    private final boolean[] admin;
    /** Actions already reported under a specific kind, per statement. */
    private final List<Set<String>> reported = new ArrayList<>();

    IdentityReview(PolicyDocument doc) {
      this.st = doc.statements();
      this.admin = new boolean[st.size()];
      for (int i = 0; i < st.size(); i++) {
        reported.add(new LinkedHashSet<>());
      }
    }

    List<PolicyIssue> run() {
      for (int i = 0; i < st.size(); i++) {
        adminAndWildcards(i, st.get(i));
      }
      escalation();
      for (int i = 0; i < st.size(); i++) {
        PolicyStatement s = st.get(i);
        if (!s.allows() || admin[i]) {
          continue;
        }
        roles(i, s);
        credentials(i, s);
        if (s.unconditional() && s.onAllResources()) {
          narrow(i, s, Kind.DATA_EXFILTRATION, dataReads(), "reads data");
          permissionsManagement(i, s);
          writes(i, s);
        }
        scopable(i, s);
      }
      return out;
    }

    private void adminAndWildcards(int i, PolicyStatement s) {
      if (!s.allows()) {
        return;
      }
      boolean everything = s.notAction()
          || s.actions().stream().anyMatch(IamActions::isEverything);
      if (everything && s.onAllResources()) {
        admin[i] = true;
        String what = s.notAction()
            ? "every action except " + String.join(", ", s.actions())
            : "every action ('*')";
        out.add(new PolicyIssue(Kind.FULL_ADMIN, i,
            s.notAction() ? List.of("NotAction") : List.of("*"),
            "allows " + what + " on every resource"
                + (s.unconditional() ? "" : " (only narrowed by conditions)")));
        return;
      }
      List<String> wild = new ArrayList<>();
      for (String a : s.actions()) {
        if (!s.notAction() && (IamActions.isEverything(a) || IamActions.serviceWildcard(a) != null)) {
          wild.add(a.trim());
        }
      }
      if (s.notAction()) {
        wild.add("NotAction " + String.join(", ", s.actions()));
      }
      if (!wild.isEmpty()) {
        out.add(new PolicyIssue(Kind.SERVICE_WILDCARD, i, wild,
            "allows every action of " + String.join(", ", wild)
                + " on " + resourcesOf(s)));
      }
    }

    /** Paths that need every action; each action granted broadly and not denied. */
    private void escalation() {
      for (PrivilegeEscalation path : PrivilegeEscalation.PATHS) {
        int first = -1;
        boolean all = true;
        for (String action : path.actions()) {
          int at = grantingBroadly(action);
          if (at < 0) {
            all = false;
            break;
          }
          first = first < 0 ? at : Math.min(first, at);
        }
        if (all) {
          out.add(new PolicyIssue(Kind.PRIVILEGE_ESCALATION, first, path.actions(),
              String.join(" + ", path.actions()) + " (" + path.name() + ")"));
          for (String action : path.actions()) {
            markEverywhere(action);
          }
        }
      }
    }

    private int grantingBroadly(String action) {
      if (denied(action)) {
        return -1;
      }
      for (int i = 0; i < st.size(); i++) {
        PolicyStatement s = st.get(i);
        if (s.allows() && !admin[i] && s.unconditional() && broad(s) && s.mayGrant(action)) {
          return i;
        }
      }
      return -1;
    }

    private void roles(int i, PolicyStatement s) {
      if (!s.unconditional() || !s.onAllResources()) {
        return;
      }
      if (s.mayGrant("sts:AssumeRole") && !denied("sts:AssumeRole")) {
        out.add(new PolicyIssue(Kind.ASSUME_ANY_ROLE, i, List.of("sts:AssumeRole"),
            "allows sts:AssumeRole on " + resourcesOf(s)));
        reported.get(i).add("sts:assumerole");
      }
      if (s.mayGrant("iam:PassRole") && !denied("iam:PassRole")) {
        out.add(new PolicyIssue(Kind.PASS_ANY_ROLE, i, List.of("iam:PassRole"),
            "allows iam:PassRole on " + resourcesOf(s)
                + " without an iam:PassedToService condition"));
        reported.get(i).add("iam:passrole");
      }
    }

    private void credentials(int i, PolicyStatement s) {
      if (!s.unconditional()) {
        return;
      }
      Set<String> found = new LinkedHashSet<>();
      if (broad(s)) {
        for (String a : IamActions.CREDENTIAL_EXPOSURE) {
          if (s.mayGrant(a) && !denied(a)) {
            found.add(a);
          }
        }
      }
      if (s.onAllResources()) {
        for (String a : IamActions.SECRET_READS) {
          if (s.mayGrant(a) && !denied(a)) {
            found.add(a);
          }
        }
      }
      if (!found.isEmpty()) {
        out.add(new PolicyIssue(Kind.CREDENTIAL_EXPOSURE, i, List.copyOf(found),
            "allows " + String.join(", ", found) + " on " + resourcesOf(s)));
        found.forEach(a -> reported.get(i).add(a.toLowerCase(Locale.ROOT)));
      }
    }

    private List<String> dataReads() {
      return IamActions.DATA_READS.stream()
          .filter(a -> !IamActions.SECRET_READS.contains(a)).toList();
    }

    /** Known actions granted by a pattern that is neither a service wildcard nor NotAction. */
    private void narrow(int i, PolicyStatement s, Kind kind, List<String> candidates,
        String verb) {
      Set<String> found = new LinkedHashSet<>();
      for (String a : candidates) {
        if (grantsNarrowly(s, a) && !denied(a)
            && !reported.get(i).contains(a.toLowerCase(Locale.ROOT))) {
          found.add(a);
        }
      }
      if (!found.isEmpty()) {
        out.add(new PolicyIssue(kind, i, List.copyOf(found),
            "allows " + String.join(", ", found) + " on every resource without conditions"
                + " (" + verb + ")"));
        found.forEach(a -> reported.get(i).add(a.toLowerCase(Locale.ROOT)));
      }
    }

    private void permissionsManagement(int i, PolicyStatement s) {
      List<String> candidates = new ArrayList<>(IamActions.PERMISSIONS_MANAGEMENT);
      for (String a : s.notAction() ? List.<String>of() : s.actions()) {
        if (!hasWildcard(a) && IamActions.looksLikePermissionsManagement(a)
            && !IamActions.anyMatches(candidates, a)) {
          candidates.add(a.trim());
        }
      }
      narrow(i, s, Kind.PERMISSIONS_MANAGEMENT, candidates, "changes permissions");
    }

    private void writes(int i, PolicyStatement s) {
      if (s.notAction()) {
        return;
      }
      List<String> found = new ArrayList<>();
      for (String a : s.actions()) {
        if (wide(a) || !IamActions.mayWrite(a) || coveredByReported(i, a)) {
          continue;
        }
        found.add(a.trim());
      }
      if (!found.isEmpty()) {
        out.add(new PolicyIssue(Kind.UNCONSTRAINED_WRITE, i, found,
            "allows write actions " + String.join(", ", found)
                + " on every resource without conditions"));
        found.forEach(a -> reported.get(i).add(a.toLowerCase(Locale.ROOT)));
      }
    }

    private void scopable(int i, PolicyStatement s) {
      if (s.notAction() || s.notResource()
          || s.resources().stream().noneMatch(IamActions::isAllResources)) {
        return;
      }
      List<String> found = new ArrayList<>();
      for (String a : s.actions()) {
        if (wide(a) || !IamActions.resourceScopable(a) || coveredByReported(i, a)) {
          continue;
        }
        found.add(a.trim());
      }
      if (!found.isEmpty()) {
        out.add(new PolicyIssue(Kind.RESOURCE_WILDCARD, i, found,
            "allows " + String.join(", ", found) + " on Resource '*' although "
                + (found.size() == 1 ? "it supports" : "they support")
                + " resource-level permissions"));
      }
    }

    private boolean coveredByReported(int i, String pattern) {
      for (Set<String> set : List.of(reported.get(i), reportedEverywhere)) {
        for (String r : set) {
          if (IamActions.matches(pattern, r)) {
            return true;
          }
        }
      }
      return false;
    }

    private final Set<String> reportedEverywhere = new LinkedHashSet<>();

    private void markEverywhere(String action) {
      reportedEverywhere.add(action.toLowerCase(Locale.ROOT));
      for (Set<String> set : reported) {
        set.add(action.toLowerCase(Locale.ROOT));
      }
    }

    private static boolean wide(String pattern) {
      return IamActions.isEverything(pattern) || IamActions.serviceWildcard(pattern) != null;
    }

    private static boolean grantsNarrowly(PolicyStatement s, String action) {
      if (s.notAction()) {
        return false;
      }
      for (String p : s.actions()) {
        if (!wide(p) && IamActions.matches(p, action)) {
          return true;
        }
      }
      return false;
    }

    /** An unconditional Deny of the action on every resource. */
    private boolean denied(String action) {
      for (PolicyStatement s : st) {
        if (!s.allows() && s.unconditional() && s.onAllResources() && !s.notResource()
            && s.mayGrant(action)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Whether a statement reaches many resources: all, or a wildcard not tied to the caller. */
  static boolean broad(PolicyStatement s) {
    if (s.onAllResources()) {
      return true;
    }
    for (String r : s.resources()) {
      String part = r;
      if (r.startsWith("arn:")) {
        String[] parts = r.split(":", 6);
        part = parts.length == 6 ? parts[5] : r;
      }
      if (part.contains("*") && !part.contains("${aws:username}")
          && !part.contains("${aws:userid}")) {
        return true;
      }
    }
    return false;
  }

  private static String resourcesOf(PolicyStatement s) {
    if (s.notResource()) {
      return "every resource except " + String.join(", ", s.resources());
    }
    if (s.resources().isEmpty()) {
      return "no resource";
    }
    return s.resources().stream().anyMatch(IamActions::isAllResources)
        ? "every resource ('*')" : String.join(", ", s.resources());
  }
}
