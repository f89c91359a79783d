package dev.imprint.scan.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Findings of the Terraform rules (IMP-TF, IMP-AWS, IMP-GCP, IMP-AZURE) sit on the offending
 * line: a positive fixture marks it with a trailing {@code # expect: IMP-AWS-035} comment (or a
 * comment line {@code # expect-next: ...} before it), the same convention the other rule
 * families use, and in a file that marks a rule that rule's findings must be exactly on the
 * marked lines. Every such rule marks at least one line. Policies written as JSON heredocs cannot
 * carry a comment, so their lines are asserted by the tests below.
 */
class TerraformLinesTest {
  private static final Path FIXTURES = Path.of("src/test/resources/rules");
  private static final Pattern FAMILY = Pattern.compile("IMP-(TF|AWS|GCP|AZURE)-\\d{3}");
  private static final Pattern EXPECT = Pattern.compile(
      "(?:#|//)\\s*expect(-next)?:\\s*(IMP-[A-Z0-9]+-\\d{3}(?:\\s*,\\s*IMP-[A-Z0-9]+-\\d{3})*)");

  @TestFactory
  Stream<DynamicTest> everyTerraformRuleReportsOnTheLinesItsFixturesMark() {
    List<Rule> rules = Catalog.rules().stream()
        .filter(r -> FAMILY.matcher(r.id()).matches()).toList();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(79);
    return rules.stream().map(rule -> DynamicTest.dynamicTest(rule.id(),
        () -> assertLines(rule, FIXTURES.resolve(rule.id()).resolve("positive"))));
  }

  private static void assertLines(Rule rule, Path dir) throws IOException {
    int marked = 0;
    List<Path> cases;
    try (Stream<Path> s = Files.list(dir)) {
      cases = s.sorted().toList();
    }
    for (Path target : cases) {
      List<Finding> found = Scanner.create(ScanSettings.defaults().withThreads(1))
          .scan(List.of(target)).findings().stream()
          .filter(f -> f.ruleId().equals(rule.id())).toList();
      List<Path> sources;
      try (Stream<Path> s = Files.walk(target)) {
        sources = s.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path source : sources) {
        Set<Integer> expected = expectedLines(rule.id(), source);
        if (expected.isEmpty()) {
          continue;
        }
        marked += expected.size();
        String path = source.normalize().toString().replace('\\', '/');
        Set<Integer> actual = new TreeSet<>();
        for (Finding f : found) {
          if (f.location().path().equals(path)) {
            actual.add(f.location().line());
          }
        }
        assertThat(actual).as("lines of %s in %s", rule.id(), source)
            .containsExactlyElementsOf(expected);
      }
    }
    assertThat(marked).as("%s: positive fixtures must mark the lines it points at with "
        + "'# expect: %s'", rule.id(), rule.id()).isPositive();
  }

  /** The lines a fixture file marks for a rule. */
  static Set<Integer> expectedLines(String ruleId, Path source) throws IOException {
    Set<Integer> lines = new TreeSet<>();
    List<String> text = Files.readAllLines(source);
    Integer pending = null;
    for (int i = 0; i < text.size(); i++) {
      String l = text.get(i);
      String t = l.strip();
      if (pending != null && !t.isEmpty() && !t.startsWith("#") && !t.startsWith("//")) {
        lines.add(i + 1);
        pending = null;
      }
      Matcher m = EXPECT.matcher(l);
      if (m.find() && List.of(m.group(2).split("\\s*,\\s*")).contains(ruleId)) {
        if (m.group(1) != null) {
          pending = i;
        } else {
          lines.add(i + 1);
        }
      }
    }
    return lines;
  }

  private static List<Finding> scan(String ruleId, SourceFile... files) {
    ScanReport r = Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(files));
    return r.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void aHeredocPolicyIsReportedAtTheStatementsActionAndPrincipalLines() {
    SourceFile file = SourceFile.of("iam/main.tf", """
        resource "aws_iam_policy" "ops" {
          name   = "ops"
          policy = <<-EOF
            {
              "Version": "2012-10-17",
              "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
                {
                  "Effect": "Allow",
                  "Action": "*",
                  "Resource": "*"
                }
              ]
            }
          EOF
        }

        resource "aws_iam_role" "open" {
          name               = "open"
          assume_role_policy = <<EOF
        {
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole"
          }]
        }
        EOF
        }
        """);

    assertThat(scan("IMP-AWS-011", file)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(10));
    assertThat(scan("IMP-AWS-020", file)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(24));
  }

  @Test
  void aQuotedJsonPolicyIsReportedOnItsOwnLine() {
    SourceFile file = SourceFile.of("main.tf", """
        resource "aws_iam_role_policy" "ops" {
          role   = "ops"
          policy = "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"iam:*\\", \\"Resource\\": \\"*\\"}]}"
        }
        """);

    assertThat(scan("IMP-AWS-012", file)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(3));
  }

  @Test
  void aWildcardSubjectIsReportedAtItsConditionAndAMissingOneAtThePrincipal() {
    SourceFile file = SourceFile.of("oidc.tf", """
        data "aws_iam_policy_document" "gh" {
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
            }
            condition {
              test     = "StringEquals"
              variable = "token.actions.githubusercontent.com:aud"
              values   = ["sts.amazonaws.com"]
            }
            condition {
              test     = "StringLike"
              variable = "token.actions.githubusercontent.com:sub"
              values   = ["repo:*"]
            }
          }
        }

        resource "aws_iam_role" "gh" {
          assume_role_policy = data.aws_iam_policy_document.gh.json
        }

        resource "aws_iam_role" "eks" {
          assume_role_policy = <<-EOF
            {"Statement": [{
              "Effect": "Allow",
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"},
              "Condition": {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789:aud": "sts.amazonaws.com"}}
            }]}
          EOF
        }
        """);

    assertThat(scan("IMP-AWS-023", file)).extracting(f -> f.location().line())
        .containsExactlyInAnyOrder(16, 30);
  }

  @Test
  void aValueThatAVariableSuppliesIsReportedWhereTheAttributeUsesIt() {
    SourceFile main = SourceFile.of("net/main.tf", """
        resource "aws_security_group_rule" "ssh" {
          type              = "ingress"
          security_group_id = "sg-0123456789abcdef0"
          protocol          = "tcp"
          from_port         = 22
          to_port           = 22
          cidr_blocks       = var.admin_cidrs
        }
        """);
    SourceFile variables = SourceFile.of("net/variables.tf", """
        variable "admin_cidrs" {
          default = ["0.0.0.0/0"]
        }
        """);

    assertThat(scan("IMP-AWS-035", main, variables)).singleElement().satisfies(f -> {
      assertThat(f.location().path()).isEqualTo("net/main.tf");
      assertThat(f.location().line()).isEqualTo(7);
    });
  }
}
