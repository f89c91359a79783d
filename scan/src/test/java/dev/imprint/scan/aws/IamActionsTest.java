package dev.imprint.scan.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IamActionsTest {

  @Test
  void wildcardsMatchCaseInsensitively() {
    assertThat(IamActions.matches("s3:Get*", "s3:GetObject")).isTrue();
    assertThat(IamActions.matches("S3:get*", "s3:GetObject")).isTrue();
    assertThat(IamActions.matches("s3:Get*", "s3:PutObject")).isFalse();
    assertThat(IamActions.matches("iam:*Policy", "iam:PutUserPolicy")).isTrue();
    assertThat(IamActions.matches("iam:*Policy", "iam:PutUserPolicyX")).isFalse();
    assertThat(IamActions.matches("ec2:?unInstances", "ec2:RunInstances")).isTrue();
    assertThat(IamActions.matches("*", "anything:AtAll")).isTrue();
    assertThat(IamActions.matches("s3:GetObject", "s3:GetObjectAcl")).isFalse();
  }

  @Test
  void hostilePatternsMatchQuickly() {
    String pattern = "*a".repeat(100) + "b";
    String action = "a".repeat(200);
    assertThat(IamActions.matches(pattern, action)).isFalse();
    assertThat(IamActions.matches("*".repeat(1000), "x")).isFalse();
  }

  @Test
  void serviceWildcardIsOnlyTheWholeService() {
    assertThat(IamActions.serviceWildcard("iam:*")).isEqualTo("iam");
    assertThat(IamActions.serviceWildcard("S3:*")).isEqualTo("s3");
    assertThat(IamActions.serviceWildcard("s3:Get*")).isNull();
    assertThat(IamActions.serviceWildcard("*")).isNull();
    assertThat(IamActions.serviceWildcard("*:*")).isNull();
  }

  @Test
  void allResourcesIsStarOrAnArnEndingInStar() {
    assertThat(IamActions.isAllResources("*")).isTrue();
    assertThat(IamActions.isAllResources("arn:aws:s3:::*")).isTrue();
    assertThat(IamActions.isAllResources("arn:aws:s3:::bucket/*")).isFalse();
    assertThat(IamActions.isAllResources("arn:aws:iam::123456789012:role/app")).isFalse();
  }

  @Test
  void writeVerbsAreRecognisedThroughWildcards() {
    assertThat(IamActions.mayWrite("s3:PutObject")).isTrue();
    assertThat(IamActions.mayWrite("s3:Put*")).isTrue();
    assertThat(IamActions.mayWrite("s3:P*")).isTrue();
    assertThat(IamActions.mayWrite("ec2:TerminateInstances")).isTrue();
    assertThat(IamActions.mayWrite("s3:GetObject")).isFalse();
    assertThat(IamActions.mayWrite("s3:List*")).isFalse();
    assertThat(IamActions.mayWrite("dynamodb:Scan")).isFalse();
  }

  @Test
  void describeActionsAreNotScopableButObjectActionsAre() {
    assertThat(IamActions.resourceScopable("ec2:DescribeInstances")).isFalse();
    assertThat(IamActions.resourceScopable("ec2:Describe*")).isFalse();
    assertThat(IamActions.resourceScopable("sts:GetCallerIdentity")).isFalse();
    assertThat(IamActions.resourceScopable("s3:GetObject")).isTrue();
    assertThat(IamActions.resourceScopable("logs:PutLogEvents")).isTrue();
  }

  @Test
  void permissionShapedNamesAreRecognisedInUnknownServices() {
    assertThat(IamActions.looksLikePermissionsManagement("newsvc:PutResourcePolicy")).isTrue();
    assertThat(IamActions.looksLikePermissionsManagement("iam:AttachRolePolicy")).isTrue();
    assertThat(IamActions.looksLikePermissionsManagement("s3:PutObject")).isFalse();
  }
}
