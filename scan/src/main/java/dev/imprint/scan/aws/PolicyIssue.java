package dev.imprint.scan.aws;

import dev.imprint.scan.Severity;
import java.util.List;

/**
 * One risk that {@link PolicyReview} found in a policy document.
 *
 * @param kind what kind of risk
 * @param statement the 0-based index of the statement it comes from (the first one when the risk
 *     needs several statements together)
 * @param subjects the offending actions, principals or claims, as written or as matched
 * @param detail a short explanation naming the offending values, never a secret
 * @param severity the severity this issue deserves when it differs from its rule's default
 *     (an OIDC trust open to one organization is less severe than one open to everyone), or
 *     null
 * @param part the part of the statement the issue is about, so a finding can point at it
 * @param conditionKey for {@link Part#CONDITION}, the condition key as written; else null
 */
public record PolicyIssue(Kind kind, int statement, List<String> subjects, String detail,
    Severity severity, Part part, String conditionKey) {

  /** The element of a statement that carries the problem. */
  public enum Part {
    ACTION, RESOURCE, PRINCIPAL, CONDITION
  }

  /** The kinds of risk a policy document can carry. */
  public enum Kind {
    /** Every action on every resource. */
    FULL_ADMIN,
    /** Every action of a service ({@code iam:*}, {@code s3:*}) or every action but a few. */
    SERVICE_WILDCARD,
    /** Actions that support resource-level permissions granted on {@code "*"}. */
    RESOURCE_WILDCARD,
    /** A set of actions that lets the holder raise its own privileges. */
    PRIVILEGE_ESCALATION,
    /** Actions that mint, return or reset credentials, or read every secret. */
    CREDENTIAL_EXPOSURE,
    /** Actions that read data content on every resource without conditions. */
    DATA_EXFILTRATION,
    /** Actions that change policies, grants or ACLs on every resource without conditions. */
    PERMISSIONS_MANAGEMENT,
    /** Write actions on every resource without conditions. */
    UNCONSTRAINED_WRITE,
    /** {@code sts:AssumeRole} on every role. */
    ASSUME_ANY_ROLE,
    /** {@code iam:PassRole} on every role. */
    PASS_ANY_ROLE,
    /** A principal of everyone ({@code "*"}) without a condition that narrows it. */
    WILDCARD_PRINCIPAL,
    /** Another AWS account trusted without {@code sts:ExternalId}, MFA or organisation check. */
    CROSS_ACCOUNT_UNVERIFIED,
    /** GitHub Actions OIDC trusted without a {@code sub} condition naming a repository. */
    GITHUB_OIDC_UNRESTRICTED,
    /**
     * Another OIDC issuer (EKS, GitLab, Terraform Cloud, Cognito, any other) trusted without a
     * condition that names the subject, or with a wildcard any subject matches.
     */
    OIDC_UNRESTRICTED,
    /**
     * An OIDC trust whose subject condition names the tenant but lets every identity in it in:
     * every repository of a GitHub owner, every project of a GitLab group, every workspace of a
     * Terraform Cloud organization, every service account of a Kubernetes namespace.
     */
    OIDC_TENANT_WIDE,
    /** A key policy granting every KMS action to a principal other than the account. */
    KMS_BROAD_GRANT
  }

  public PolicyIssue {
    subjects = List.copyOf(subjects);
    part = part == null ? defaultPart(kind) : part;
  }

  /** An issue with its rule's severity, about the part its kind is usually about. */
  public PolicyIssue(Kind kind, int statement, List<String> subjects, String detail) {
    this(kind, statement, subjects, detail, null, null, null);
  }

  private static Part defaultPart(Kind kind) {
    return switch (kind) {
      case WILDCARD_PRINCIPAL, CROSS_ACCOUNT_UNVERIFIED, KMS_BROAD_GRANT,
          GITHUB_OIDC_UNRESTRICTED, OIDC_UNRESTRICTED, OIDC_TENANT_WIDE -> Part.PRINCIPAL;
      default -> Part.ACTION;
    };
  }
}
