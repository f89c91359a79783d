package dev.imprint.scan.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.aws.PolicyIssue.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyReviewTest {

  private static List<PolicyIssue> permissions(String statements) {
    return PolicyReview.permissions(
        PolicyDocument.parse("{\"Version\": \"2012-10-17\", \"Statement\": " + statements + "}"));
  }

  private static List<PolicyIssue> trust(String statements) {
    return PolicyReview.trust(PolicyDocument.parse("{\"Statement\": " + statements + "}"));
  }

  private static List<Kind> kinds(List<PolicyIssue> issues) {
    return issues.stream().map(PolicyIssue::kind).toList();
  }

  @Test
  void starOnStarIsFullAdminAndNothingElse() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]");
    assertThat(kinds(issues)).containsExactly(Kind.FULL_ADMIN);
  }

  @Test
  void allowNotActionOnEveryResourceIsFullAdmin() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"NotAction\": \"iam:*\", \"Resource\": \"*\"}]");
    assertThat(kinds(issues)).containsExactly(Kind.FULL_ADMIN);
    assertThat(issues.get(0).detail()).contains("every action except iam:*");
  }

  @Test
  void starOnOneBucketIsAWildcardButNotAdmin() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"arn:aws:s3:::b/*\"}]");
    assertThat(kinds(issues)).contains(Kind.SERVICE_WILDCARD).doesNotContain(Kind.FULL_ADMIN);
  }

  @Test
  void denyStatementsGrantNothing() {
    assertThat(permissions(
        "[{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]")).isEmpty();
  }

  @Test
  void serviceWildcardOnS3IsReportedOnceNotAsEveryAction() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]");
    assertThat(kinds(issues)).containsExactly(Kind.SERVICE_WILDCARD);
    assertThat(issues.get(0).subjects()).containsExactly("s3:*");
  }

  @Test
  void iamWildcardAlsoShowsEscalationAndCredentialExposure() {
    List<Kind> kinds = kinds(permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\"}]"));
    assertThat(kinds).contains(Kind.SERVICE_WILDCARD, Kind.PRIVILEGE_ESCALATION,
        Kind.CREDENTIAL_EXPOSURE, Kind.PASS_ANY_ROLE);
    assertThat(kinds).doesNotContain(Kind.UNCONSTRAINED_WRITE, Kind.FULL_ADMIN);
  }

  @Test
  void passRoleWithRunInstancesIsEscalationAcrossStatements() {
    List<PolicyIssue> issues = permissions("""
        [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
         {"Effect": "Allow", "Action": ["ec2:RunInstances"], "Resource": "*"}]""");
    assertThat(issues).anySatisfy(i -> {
      assertThat(i.kind()).isEqualTo(Kind.PRIVILEGE_ESCALATION);
      assertThat(i.subjects()).containsExactly("iam:PassRole", "ec2:RunInstances");
    });
    assertThat(kinds(issues)).contains(Kind.PASS_ANY_ROLE);
  }

  @Test
  void passRoleOnOneRoleWithRunInstancesIsNotEscalation() {
    List<PolicyIssue> issues = permissions("""
        [{"Effect": "Allow", "Action": "iam:PassRole",
          "Resource": "arn:aws:iam::111122223333:role/app"},
         {"Effect": "Allow", "Action": ["ec2:RunInstances"], "Resource": "*"}]""");
    assertThat(kinds(issues)).doesNotContain(Kind.PRIVILEGE_ESCALATION, Kind.PASS_ANY_ROLE);
  }

  @Test
  void passRoleLimitedByPassedToServiceIsNotPassAnyRole() {
    List<PolicyIssue> issues = permissions("""
        [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
          "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]""");
    assertThat(kinds(issues)).doesNotContain(Kind.PASS_ANY_ROLE);
  }

  @Test
  void createPolicyVersionAloneIsEscalation() {
    assertThat(kinds(permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"iam:CreatePolicyVersion\", \"Resource\": \"*\"}]")))
        .contains(Kind.PRIVILEGE_ESCALATION);
  }

  @Test
  void escalationDeniedByAnExplicitDenyIsNotReported() {
    assertThat(kinds(permissions("""
        [{"Effect": "Allow", "Action": "iam:Put*", "Resource": "*"},
         {"Effect": "Deny", "Action": "iam:Put*Policy", "Resource": "*"}]""")))
        .doesNotContain(Kind.PRIVILEGE_ESCALATION);
  }

  @Test
  void wildcardActionsMatchEscalationPaths() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"iam:Attach*\", \"Resource\": \"*\"}]");
    assertThat(issues).filteredOn(i -> i.kind() == Kind.PRIVILEGE_ESCALATION)
        .extracting(i -> i.subjects().get(0))
        .contains("iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy");
  }

  @Test
  void createAccessKeyForOwnUserIsNotExposure() {
    assertThat(permissions("""
        [{"Effect": "Allow", "Action": ["iam:CreateAccessKey"],
          "Resource": "arn:aws:iam::*:user/${aws:username}"}]""")).isEmpty();
  }

  @Test
  void sessionTokensAreCredentialExposure() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"sts:GetSessionToken\", \"Resource\": \"*\"}]");
    assertThat(kinds(issues)).contains(Kind.CREDENTIAL_EXPOSURE);
  }

  @Test
  void everySecretIsCredentialExposureButOneSecretIsNot() {
    assertThat(kinds(permissions("""
        [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]""")))
        .contains(Kind.CREDENTIAL_EXPOSURE).doesNotContain(Kind.DATA_EXFILTRATION);
    assertThat(permissions("""
        [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
          "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-AbCdEf"}]"""))
        .isEmpty();
  }

  @Test
  void getParameterWildcardOnEveryResourceIsCredentialExposure() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"ssm:GetParameter*\", \"Resource\": \"*\"}]");
    assertThat(issues).anySatisfy(i -> {
      assertThat(i.kind()).isEqualTo(Kind.CREDENTIAL_EXPOSURE);
      assertThat(i.subjects()).contains("ssm:GetParameter", "ssm:GetParametersByPath");
    });
  }

  @Test
  void getObjectOnEveryBucketIsExfiltrationUnlessConditioned() {
    assertThat(kinds(permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]")))
        .contains(Kind.DATA_EXFILTRATION);
    assertThat(kinds(permissions("""
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
          "Condition": {"StringEquals": {"aws:ResourceAccount": "111122223333"}}}]""")))
        .doesNotContain(Kind.DATA_EXFILTRATION);
  }

  @Test
  void bucketPolicyChangesArePermissionsManagement() {
    List<PolicyIssue> issues = permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"s3:PutBucketPolicy\", \"Resource\": \"*\"}]");
    assertThat(kinds(issues)).contains(Kind.PERMISSIONS_MANAGEMENT)
        .doesNotContain(Kind.UNCONSTRAINED_WRITE);
  }

  @Test
  void unknownServicePolicyActionIsPermissionsManagement() {
    assertThat(kinds(permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"newsvc:PutResourcePolicy\", \"Resource\": \"*\"}]")))
        .contains(Kind.PERMISSIONS_MANAGEMENT);
  }

  @Test
  void writesOnEveryResourceAreUnconstrainedWrites() {
    List<PolicyIssue> issues = permissions("""
        [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetBucketLocation"],
          "Resource": "*"}]""");
    assertThat(issues).anySatisfy(i -> {
      assertThat(i.kind()).isEqualTo(Kind.UNCONSTRAINED_WRITE);
      assertThat(i.subjects()).containsExactly("s3:PutObject");
    });
  }

  @Test
  void writesOnOneBucketAreFine() {
    assertThat(permissions("""
        [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
          "Resource": "arn:aws:s3:::reports/*"}]""")).isEmpty();
  }

  @Test
  void readsOnStarThatCouldBeScopedAreResourceWildcard() {
    List<PolicyIssue> issues = permissions("""
        [{"Effect": "Allow", "Action": ["s3:ListBucket", "ec2:DescribeInstances"],
          "Resource": "*"}]""");
    assertThat(issues).singleElement().satisfies(i -> {
      assertThat(i.kind()).isEqualTo(Kind.RESOURCE_WILDCARD);
      assertThat(i.subjects()).containsExactly("s3:ListBucket");
    });
  }

  @Test
  void describeOnlyPoliciesAreClean() {
    assertThat(permissions("""
        [{"Effect": "Allow", "Action": ["ec2:Describe*", "sts:GetCallerIdentity"],
          "Resource": "*"}]""")).isEmpty();
  }

  @Test
  void assumeRoleOnEveryRoleIsReported() {
    assertThat(kinds(permissions(
        "[{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Resource\": \"*\"}]")))
        .contains(Kind.ASSUME_ANY_ROLE);
    assertThat(kinds(permissions("""
        [{"Effect": "Allow", "Action": "sts:AssumeRole",
          "Resource": "arn:aws:iam::111122223333:role/deployer"}]""")))
        .doesNotContain(Kind.ASSUME_ANY_ROLE);
  }

  @Test
  void trustOfEveryoneIsReportedUnlessTiedToTheOrganisation() {
    assertThat(kinds(trust("""
        [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]""")))
        .containsExactly(Kind.WILDCARD_PRINCIPAL);
    assertThat(trust("""
        [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]""")).isEmpty();
  }

  @Test
  void negatedOrgConditionDoesNotScopeAWildcard() {
    assertThat(kinds(trust("""
        [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
          "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]""")))
        .containsExactly(Kind.WILDCARD_PRINCIPAL);
  }

  @Test
  void crossAccountTrustNeedsExternalIdOrMfa() {
    List<PolicyIssue> issues = trust("""
        [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
          "Action": "sts:AssumeRole"}]""");
    assertThat(issues).singleElement().satisfies(i -> {
      assertThat(i.kind()).isEqualTo(Kind.CROSS_ACCOUNT_UNVERIFIED);
      assertThat(i.subjects()).containsExactly("444455556666");
    });
    assertThat(trust("""
        [{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"sts:ExternalId": "vendor-7f3a"}}}]""")).isEmpty();
    assertThat(trust("""
        [{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole",
          "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]""")).isEmpty();
  }

  @Test
  void serviceTrustIsNotCrossAccount() {
    assertThat(trust("""
        [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
          "Action": "sts:AssumeRole"}]""")).isEmpty();
  }

  @Test
  void githubOidcWithoutSubIsReported() {
    List<PolicyIssue> issues = trust("""
        [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated":
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
          "Condition": {"StringEquals":
            {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]""");
    assertThat(kinds(issues)).containsExactly(Kind.GITHUB_OIDC_UNRESTRICTED);
    assertThat(issues.get(0).detail()).contains(
        "without a condition on token.actions.githubusercontent.com:sub");
  }

  @Test
  void oidcConditionOnAClaimNamedByAVariableMayBeTheSubjectAndIsNotReported() {
    // A module's input picks the claim ("${var.match_field}" is "sub" or "aud"): what it
    // names is not known, so the condition is taken as the subject condition it may be.
    String template = """
        [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated": "${aws_iam_openid_connect_provider.this.arn}"},
          "Condition": {"StringLike": {"%s": "${var.match_value}"}}}]""";
    assertThat(trust(template.formatted(
        "${aws_iam_openid_connect_provider.this.url}:${var.match_field}"))).isEmpty();
    assertThat(trust(template.formatted("${var.claim}"))).isEmpty();
    assertThat(kinds(trust(template.formatted("${aws_iam_openid_connect_provider.this.url}:aud"))))
        .containsExactly(Kind.OIDC_UNRESTRICTED);
  }

  @Test
  void issuerKnownOnlyByReferenceIsJudgedByTheGrammarOfItsSubjectValues() {
    String template = """
        [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated": "${var.oidc_provider_arn}"},
          "Condition": {"StringLike": {"${var.oidc_provider}:sub": "%s"}}}]""";
    assertThat(kinds(trust(template.formatted("system:serviceaccount:*"))))
        .containsExactly(Kind.OIDC_UNRESTRICTED);
    assertThat(kinds(trust(template.formatted("repo:*"))))
        .containsExactly(Kind.OIDC_UNRESTRICTED);
    assertThat(kinds(trust(template.formatted("system:serviceaccount:apps:*"))))
        .containsExactly(Kind.OIDC_TENANT_WIDE);
    assertThat(trust(template.formatted("system:serviceaccount:apps:api"))).isEmpty();
    assertThat(trust(template.formatted("repo:acme/deploy:*"))).isEmpty();
  }

  @Test
  void githubOidcWithWildcardOwnerIsReportedAndWithRepoIsNot() {
    String template = """
        [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated":
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
          "Condition": {"StringLike":
            {"token.actions.githubusercontent.com:sub": "%s"}}}]""";
    assertThat(kinds(trust(template.formatted("*"))))
        .containsExactly(Kind.GITHUB_OIDC_UNRESTRICTED);
    assertThat(kinds(trust(template.formatted("repo:*"))))
        .containsExactly(Kind.GITHUB_OIDC_UNRESTRICTED);
    assertThat(kinds(trust(template.formatted("repo:acme*/deploy:*"))))
        .containsExactly(Kind.GITHUB_OIDC_UNRESTRICTED);
    assertThat(trust(template.formatted("repo:acme/deploy:ref:refs/heads/main"))).isEmpty();
    assertThat(trust(template.formatted("repo:acme/*"))).singleElement().satisfies(i -> {
      assertThat(i.kind()).isEqualTo(Kind.OIDC_TENANT_WIDE);
      assertThat(i.severity()).isEqualTo(dev.imprint.scan.Severity.MEDIUM);
    });
  }

  @Test
  void publicResourcePolicyIsReportedUnlessScopedToSource() {
    String bucket = """
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::site/*"%s}]}""";
    assertThat(PolicyReview.resource(PolicyDocument.parse(bucket.formatted(""))))
        .extracting(PolicyIssue::kind).containsExactly(Kind.WILDCARD_PRINCIPAL);
    assertThat(PolicyReview.resource(PolicyDocument.parse(bucket.formatted(
        ", \"Condition\": {\"StringEquals\": {\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}"))))
        .isEmpty();
  }

  @Test
  void keyPolicyGivingKmsStarToARoleIsBroadButToTheAccountRootIsNot() {
    String policy = """
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*",
          "Resource": "*"}]}""";
    assertThat(PolicyReview.keyPolicy(PolicyDocument.parse(
        policy.formatted("arn:aws:iam::111122223333:root")))).isEmpty();
    assertThat(PolicyReview.keyPolicy(PolicyDocument.parse(
        policy.formatted("arn:aws:iam::111122223333:role/app"))))
        .extracting(PolicyIssue::kind).containsExactly(Kind.KMS_BROAD_GRANT);
    assertThat(PolicyReview.keyPolicy(PolicyDocument.parse(policy.formatted("*"))))
        .extracting(PolicyIssue::kind).containsExactly(Kind.WILDCARD_PRINCIPAL);
  }

  @Test
  void classifyNamesWhatASinglePatternCanGrant() {
    assertThat(PolicyReview.classify("*")).contains(Kind.FULL_ADMIN,
        Kind.PRIVILEGE_ESCALATION, Kind.CREDENTIAL_EXPOSURE, Kind.DATA_EXFILTRATION);
    assertThat(PolicyReview.classify("iam:*")).contains(Kind.SERVICE_WILDCARD,
        Kind.PERMISSIONS_MANAGEMENT).doesNotContain(Kind.FULL_ADMIN);
    assertThat(PolicyReview.classify("s3:GetObject"))
        .contains(Kind.DATA_EXFILTRATION, Kind.RESOURCE_WILDCARD)
        .doesNotContain(Kind.UNCONSTRAINED_WRITE, Kind.PRIVILEGE_ESCALATION);
    assertThat(PolicyReview.classify("iam:PassRole")).contains(Kind.PRIVILEGE_ESCALATION);
    assertThat(PolicyReview.classify("ec2:DescribeInstances")).isEmpty();
  }
}
