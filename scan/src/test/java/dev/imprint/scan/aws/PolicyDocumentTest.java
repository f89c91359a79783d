package dev.imprint.scan.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDocumentTest {

  @Test
  void singleValuesAndArraysAreBothReadAsLists() {
    PolicyDocument doc = PolicyDocument.parse("""
        {"Version": "2012-10-17",
         "Statement": {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]}}
        """);
    assertThat(doc.version()).isEqualTo("2012-10-17");
    assertThat(doc.statements()).hasSize(1);
    PolicyStatement s = doc.statements().get(0);
    assertThat(s.sid()).isEqualTo("One");
    assertThat(s.actions()).containsExactly("s3:GetObject");
    assertThat(s.resources()).containsExactly("arn:aws:s3:::a/*", "arn:aws:s3:::b/*");
    assertThat(s.principals().present()).isFalse();
  }

  @Test
  void notActionAndNotResourceAreFlagged() {
    PolicyStatement s = PolicyDocument.parse("""
        {"Statement": [{"Effect": "allow", "NotAction": ["iam:*"], "NotResource": "arn:x"}]}
        """).statements().get(0);
    assertThat(s.effect()).isEqualTo(PolicyStatement.Effect.ALLOW);
    assertThat(s.notAction()).isTrue();
    assertThat(s.notResource()).isTrue();
    assertThat(s.onAllResources()).isTrue();
    assertThat(s.mayGrant("s3:GetObject")).isTrue();
    assertThat(s.mayGrant("iam:CreateUser")).isFalse();
  }

  @Test
  void principalStringStarIsEveryone() {
    PolicyStatement s = PolicyDocument.parse("""
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}
        """).statements().get(0);
    assertThat(s.principals().isWildcard()).isTrue();
    assertThat(s.principals().of("aws")).containsExactly("*");
  }

  @Test
  void principalObjectKeepsEachType() {
    PolicyStatement s = PolicyDocument.parse("""
        {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Service": ["ec2.amazonaws.com"], "AWS": "arn:aws:iam::111122223333:root",
                        "Federated": "arn:aws:iam::111122223333:oidc-provider/x"}}]}
        """).statements().get(0);
    assertThat(s.principals().of("Service")).containsExactly("ec2.amazonaws.com");
    assertThat(s.principals().of("AWS")).containsExactly("arn:aws:iam::111122223333:root");
    assertThat(s.principals().mentions("federated", "oidc-provider/x")).isTrue();
    assertThat(s.principals().isWildcard()).isFalse();
  }

  @Test
  void notPrincipalInAnAllowMeansAlmostEveryone() {
    PolicyStatement s = PolicyDocument.parse("""
        {"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
          "Action": "s3:*"}]}
        """).statements().get(0);
    assertThat(s.principals().negated()).isTrue();
    assertThat(s.principals().isWildcard()).isTrue();
  }

  @Test
  void conditionsAreFlattenedToOperatorKeyAndValues() {
    PolicyStatement s = PolicyDocument.parse("""
        {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
          "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc",
                                         "aws:SourceAccount": ["1", "2"]},
                        "ForAnyValue:StringNotLikeIfExists": {"aws:TagKeys": "x*"}}}]}
        """).statements().get(0);
    assertThat(s.conditions()).containsExactly(
        new PolicyCondition("StringEquals", "aws:PrincipalOrgID", List.of("o-abc")),
        new PolicyCondition("StringEquals", "aws:SourceAccount", List.of("1", "2")),
        new PolicyCondition("ForAnyValue:StringNotLikeIfExists", "aws:TagKeys", List.of("x*")));
    assertThat(s.conditions().get(2).baseOperator()).isEqualTo("stringnotlike");
    assertThat(s.conditions().get(2).negative()).isTrue();
    assertThat(s.hasConditionKey("AWS:principalorgid")).isTrue();
  }

  @Test
  void effectOtherThanAllowOrDenyIsRejectedWithTheValue() {
    assertThatThrownBy(() -> PolicyDocument.parse(
        "{\"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"*\"}]}"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("'Permit'");
  }

  @Test
  void malformedJsonIsAnInvalidPolicyWithALine() {
    assertThatThrownBy(() -> PolicyDocument.parse("{\n\"Statement\": [\n{\"Effect\": }]}"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("line 3");
  }

  @Test
  void documentWithoutStatementIsRejected() {
    assertThatThrownBy(() -> PolicyDocument.parse("{\"Version\": \"2012-10-17\"}"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("no Statement");
    assertThatThrownBy(() -> PolicyDocument.parse("[1, 2]"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("array");
  }

  @Test
  void deeplyNestedInputIsRejectedNotOverflowed() {
    String deep = "{\"Statement\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThatThrownBy(() -> PolicyDocument.parse(deep))
        .isInstanceOf(InvalidPolicyException.class);
  }

  @Test
  void elementNamesAreMatchedWhateverTheirCase() {
    PolicyStatement s = PolicyDocument.parse(
        "{\"statement\": [{\"effect\": \"Deny\", \"action\": \"s3:*\", \"resource\": \"*\"}]}")
        .statements().get(0);
    assertThat(s.allows()).isFalse();
    assertThat(s.actions()).containsExactly("s3:*");
  }
}
