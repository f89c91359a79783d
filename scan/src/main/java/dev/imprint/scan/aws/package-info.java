/**
 * AWS identity and network rules over Terraform: IAM policy documents (read from JSON, from
 * {@code jsonencode} and from {@code aws_iam_policy_document} data sources) reviewed for
 * administrator grants, wildcards, privilege escalation and exposure; trust policies that let
 * everyone, an unverified account or any GitHub repository assume a role; long-lived access
 * keys and hard-coded secrets; instance metadata, security groups, NACLs and public endpoints.
 *
 * <p>{@link dev.imprint.scan.aws.PolicyDocument} and {@link dev.imprint.scan.aws.PolicyReview}
 * are public so that the inventory can describe what an identity may do; the Terraform reading
 * and the rules stay inside the package.
 */
package dev.imprint.scan.aws;
