package dev.imprint.scan.aws;

import dev.imprint.scan.Severity;
import dev.imprint.scan.aws.PolicyIssue.Kind;
import dev.imprint.scan.aws.PolicyIssue.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reviews the web identity (OIDC) federation of a trust policy statement: which issuer it
 * trusts, and whether a condition on the issuer's {@code sub} claim (the identity pool's
 * {@code aud} for Cognito) narrows the trust to named subjects, to a whole tenant (an owner, a
 * group, an organization, a namespace), or not at all.
 *
 * <p>Conditions on {@code sub} with different operators are all required (AND), the values of
 * one condition are alternatives (OR): the narrowest condition decides, and within it the
 * broadest value. Wildcards count only under the {@code Like} operators. A value whose decisive
 * part comes from an interpolation ({@code repo:${var.repository}:*}) is taken as specific,
 * because what it names is not known. The {@code aud} claim is not required for OIDC providers
 * registered in IAM: STS already checks it against the provider's client ID list.
 *
 * @see <a href="https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services">
 *     GitHub: configuring OIDC in AWS</a>
 * @see <a href="https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html">
 *     EKS: IAM roles for service accounts</a>
 */
final class OidcTrust {
  private OidcTrust() {}

  /** How much of an issuer's population a subject condition lets in. */
  enum Breadth {
    SPECIFIC, TENANT, ANY
  }

  /** The issuers whose subject grammar is known, and a catch-all. */
  enum Issuer {
    GITHUB("GitHub Actions OIDC", "token.actions.githubusercontent.com", true,
        "a workflow in any repository on GitHub", "sub"),
    GITLAB_COM("GitLab OIDC (gitlab.com)", "gitlab.com", true,
        "a pipeline of any project on gitlab.com", "sub"),
    GITLAB("GitLab OIDC", "gitlab", false,
        "a pipeline of any project on that GitLab instance", "sub"),
    TERRAFORM_CLOUD("Terraform Cloud OIDC", "app.terraform.io", true,
        "a run of any workspace of any organization on Terraform Cloud", "sub"),
    EKS("the EKS cluster's OIDC provider", "oidc.eks.", false,
        "any service account in the cluster", "sub"),
    COGNITO("Cognito identity pools", "cognito-identity.amazonaws.com", true,
        "an identity of any Cognito identity pool in any account", "aud"),
    OTHER("an OIDC provider", "oidc-provider/", false, "any identity the issuer signs a token for",
        "sub");

    final String shown;
    final String marker;
    final boolean multiTenant;
    final String everyone;
    final String claim;

    Issuer(String shown, String marker, boolean multiTenant, String everyone, String claim) {
      this.shown = shown;
      this.marker = marker;
      this.multiTenant = multiTenant;
      this.everyone = everyone;
      this.claim = claim;
    }

    Severity severity() {
      return multiTenant ? Severity.CRITICAL : Severity.HIGH;
    }

    Kind kind() {
      return this == GITHUB ? Kind.GITHUB_OIDC_UNRESTRICTED : Kind.OIDC_UNRESTRICTED;
    }
  }

  /** The issues of one allow statement with web identity principals; empty when none. */
  static List<PolicyIssue> review(PolicyStatement s, int index) {
    List<PolicyIssue> out = new ArrayList<>();
    List<String> federated = s.principals().of("Federated");
    boolean webIdentity = s.mayGrant("sts:AssumeRoleWithWebIdentity")
        && !s.actions().isEmpty() && !s.notAction();
    List<Issuer> issuers = new ArrayList<>();
    for (String id : federated) {
      Issuer issuer = issuerOf(id);
      if (issuer != null && !issuers.contains(issuer)) {
        issuers.add(issuer);
      } else if (issuer == null && webIdentity && unresolved(id)) {
        Issuer fromKeys = issuerFromConditionKeys(s);
        Issuer i = fromKeys != null ? fromKeys : Issuer.OTHER;
        if (!issuers.contains(i)) {
          issuers.add(i);
        }
      }
    }
    for (Issuer issuer : issuers) {
      PolicyIssue issue = judge(s, index, issuer, hostOf(federated, issuer));
      if (issue != null) {
        out.add(issue);
      }
    }
    return out;
  }

  /** The issuer a Federated principal names, null for SAML, unknown text or a variable. */
  static Issuer issuerOf(String id) {
    String v = id.trim().toLowerCase(Locale.ROOT);
    if (v.contains("saml-provider/") || unresolved(v) && !v.contains("oidc-provider/")) {
      return null;
    }
    if (v.contains(Issuer.GITHUB.marker)) {
      return Issuer.GITHUB;
    }
    if (v.contains(Issuer.TERRAFORM_CLOUD.marker)) {
      return Issuer.TERRAFORM_CLOUD;
    }
    if (v.contains(Issuer.EKS.marker)) {
      return Issuer.EKS;
    }
    if (v.contains(Issuer.COGNITO.marker)) {
      return Issuer.COGNITO;
    }
    String host = v.contains("oidc-provider/") ? v.substring(v.indexOf("oidc-provider/") + 14) : v;
    if (host.startsWith("gitlab.com")) {
      return Issuer.GITLAB_COM;
    }
    if (host.contains("gitlab")) {
      return Issuer.GITLAB;
    }
    return v.contains("oidc-provider/") && !host.startsWith("${") ? Issuer.OTHER : null;
  }

  /** Whether a principal is an interpolation whose value is not known statically. */
  private static boolean unresolved(String id) {
    return id.contains("${");
  }

  /** The issuer that the statement's condition keys name ({@code gitlab.com:sub}), or null. */
  private static Issuer issuerFromConditionKeys(PolicyStatement s) {
    for (PolicyCondition c : s.conditions()) {
      String key = c.key().toLowerCase(Locale.ROOT);
      int colon = key.lastIndexOf(':');
      if (colon > 0 && !key.startsWith("aws:") && !key.startsWith("sts:")) {
        Issuer i = issuerOf("oidc-provider/" + key.substring(0, colon));
        if (i != null && i != Issuer.OTHER) {
          return i;
        }
      }
    }
    return null;
  }

  private static String hostOf(List<String> federated, Issuer issuer) {
    for (String id : federated) {
      if (issuerOf(id) == issuer) {
        String v = id.trim();
        int at = v.indexOf("oidc-provider/");
        return at >= 0 ? v.substring(at + 14) : v;
      }
    }
    return "";
  }

  private static PolicyIssue judge(PolicyStatement s, int index, Issuer issuer, String host) {
    Breadth narrowest = null;
    PolicyCondition decisive = null;
    String widest = null;
    for (PolicyCondition c : s.conditions()) {
      if (c.negative() || !claimOf(c.key(), issuer, host)) {
        continue;
      }
      boolean like = c.baseOperator().contains("like");
      Breadth b = c.values().isEmpty() ? Breadth.ANY : Breadth.SPECIFIC;
      String value = c.values().isEmpty() ? "" : c.values().get(0);
      for (String v : c.values()) {
        Breadth vb = breadth(issuer, v, like);
        if (vb.compareTo(b) > 0) {
          b = vb;
          value = v;
        }
      }
      if (narrowest == null || b.compareTo(narrowest) < 0) {
        narrowest = b;
        decisive = c;
        widest = value;
      }
    }
    String claim = (issuer == Issuer.OTHER || issuer == Issuer.GITLAB || issuer == Issuer.EKS
        ? host.isEmpty() || host.contains("${") ? "<issuer>" : host : issuer.marker.replaceAll(
        "[./]$", "")) + ":" + issuer.claim;
    if (narrowest == null) {
      return new PolicyIssue(issuer.kind(), index, List.of(issuer.shown), "trusts "
          + issuer.shown + " without a condition on " + claim + ", so " + issuer.everyone
          + " can assume the role", issuer.severity(), Part.PRINCIPAL, null);
    }
    if (narrowest == Breadth.ANY) {
      return new PolicyIssue(issuer.kind(), index, List.of(widest == null ? "" : widest),
          "trusts " + issuer.shown + " with " + issuer.claim + " '" + widest + "', so "
              + issuer.everyone + " can assume the role", issuer.severity(), Part.CONDITION,
          decisive.key());
    }
    if (narrowest == Breadth.TENANT) {
      return new PolicyIssue(Kind.OIDC_TENANT_WIDE, index, List.of(widest), "trusts "
          + issuer.shown + " with " + issuer.claim + " '" + widest + "', so " + tenantWide(issuer)
          + " can assume the role", Severity.MEDIUM, Part.CONDITION, decisive.key());
    }
    return null;
  }

  private static String tenantWide(Issuer issuer) {
    return switch (issuer) {
      case GITHUB -> "every repository of that owner";
      case GITLAB, GITLAB_COM -> "every project of that group";
      case TERRAFORM_CLOUD -> "every workspace of that organization";
      case EKS -> "every service account of that namespace";
      default -> "every subject of that tenant";
    };
  }

  /** Whether a condition key is the issuer's subject claim (or Cognito's audience). */
  private static boolean claimOf(String key, Issuer issuer, String host) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    if (claimSegment(k).contains("${")) {
      // The claim is named by an input ("${url}:${var.claim}"): it may be the subject.
      return true;
    }
    String suffix = ":" + issuer.claim;
    if (!k.endsWith(suffix)) {
      return false;
    }
    String prefix = k.substring(0, k.length() - suffix.length());
    if (prefix.contains("${") || prefix.isEmpty()) {
      return true;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return switch (issuer) {
      case GITHUB, TERRAFORM_CLOUD, COGNITO -> prefix.contains(issuer.marker);
      case EKS -> prefix.contains("oidc.eks.") && (h.isEmpty() || h.contains("${")
          || h.startsWith(prefix) || prefix.startsWith(h));
      case GITLAB_COM -> prefix.startsWith("gitlab.com");
      default -> h.isEmpty() || h.contains("${") || h.startsWith(prefix) || prefix.startsWith(h);
    };
  }

  /** The claim part of a condition key: after its last colon outside an interpolation. */
  private static String claimSegment(String key) {
    int depth = 0;
    int colon = -1;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth = Math.max(0, depth - 1);
      } else if (c == ':' && depth == 0) {
        colon = i;
      }
    }
    return key.substring(colon + 1);
  }

  /** How many subjects one condition value admits. */
  static Breadth breadth(Issuer issuer, String raw, boolean like) {
    String v = raw.trim();
    if (v.isEmpty()) {
      return Breadth.ANY;
    }
    if (!like) {
      return Breadth.SPECIFIC;
    }
    if (v.startsWith("*") || v.equals("?")) {
      return Breadth.ANY;
    }
    return switch (issuer) {
      case GITHUB -> segments(v, "repo:", '/', ':');
      case GITLAB, GITLAB_COM -> segments(v, "project_path:", '/', ':');
      case TERRAFORM_CLOUD -> terraformCloud(v);
      case EKS -> segments(v, "system:serviceaccount:", ':', ':');
      default -> subjectGrammar(v);
    };
  }

  /**
   * An issuer known only by reference ({@code var.oidc_provider_arn}) is judged by the grammar
   * its subject values are written in: a Kubernetes service account or a GitHub repository.
   */
  private static Breadth subjectGrammar(String v) {
    if (v.regionMatches(true, 0, "system:serviceaccount:", 0, 22)) {
      return segments(v, "system:serviceaccount:", ':', ':');
    }
    if (v.regionMatches(true, 0, "repo:", 0, 5)) {
      return segments(v, "repo:", '/', ':');
    }
    return Breadth.SPECIFIC;
  }

  /**
   * A subject {@code PREFIX TENANT SEP NAME END...}: a wildcard in the tenant admits anyone, a
   * wildcard in the name admits the whole tenant; an interpolation in a segment names something
   * unknown, taken as specific.
   */
  private static Breadth segments(String v, String prefix, char sep, char end) {
    if (!v.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Breadth.SPECIFIC;
    }
    String rest = v.substring(prefix.length());
    int cut = rest.indexOf(sep);
    String tenant = cut < 0 ? cut(rest, end) : rest.substring(0, cut);
    if (tenant.contains("${")) {
      return Breadth.SPECIFIC;
    }
    if (wild(tenant) || tenant.isEmpty()) {
      return Breadth.ANY;
    }
    if (cut < 0) {
      // no name part at all ("repo:acme"): only a Like pattern ending in a wildcard reaches on
      return rest.endsWith("*") ? Breadth.TENANT : Breadth.SPECIFIC;
    }
    String after = rest.substring(cut + 1);
    String name = sep == end ? cut(after, end) : lastSegment(cut(after, end));
    if (name.contains("${")) {
      return Breadth.SPECIFIC;
    }
    return wild(name) || name.isEmpty() ? Breadth.TENANT : Breadth.SPECIFIC;
  }

  /** The text up to the first {@code end} character outside an interpolation. */
  private static String cut(String s, char end) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth = Math.max(0, depth - 1);
      } else if (c == end && depth == 0) {
        return s.substring(0, i);
      }
    }
    return s;
  }

  private static String lastSegment(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /** {@code organization:ORG:project:P:workspace:W:run_phase:PHASE}. */
  private static Breadth terraformCloud(String v) {
    String[] parts = v.split(":", -1);
    if (parts.length < 2 || !parts[0].equalsIgnoreCase("organization")) {
      return Breadth.SPECIFIC;
    }
    String org = parts[1];
    if (org.contains("${")) {
      return Breadth.SPECIFIC;
    }
    if (wild(org) || org.isEmpty()) {
      return Breadth.ANY;
    }
    String workspace = null;
    for (int i = 2; i + 1 < parts.length; i += 2) {
      if (parts[i].equalsIgnoreCase("workspace")) {
        workspace = parts[i + 1];
      }
    }
    if (workspace == null) {
      return parts.length == 2 || parts[parts.length - 1].equals("*") ? Breadth.TENANT
          : Breadth.SPECIFIC;
    }
    return workspace.equals("*") ? Breadth.TENANT : Breadth.SPECIFIC;
  }

  private static boolean wild(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
  }
}
