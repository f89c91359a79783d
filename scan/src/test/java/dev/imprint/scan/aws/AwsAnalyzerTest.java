package dev.imprint.scan.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwsAnalyzerTest {

  private static ScanReport scan(SourceFile... files) {
    return Scanner.create(ScanSettings.defaults().withThreads(1), List.of(new AwsAnalyzer()),
        Clock.systemUTC()).scanSources(List.of(files));
  }

  private static List<String> ids(ScanReport report) {
    return report.findings().stream().map(Finding::ruleId).distinct().sorted().toList();
  }

  private static final String DEPLOYER = """
      resource "aws_iam_user" "deployer" {
        name = "ci-deployer"
      }

      resource "aws_iam_access_key" "deployer" {
        user = aws_iam_user.deployer.name
      }

      resource "aws_iam_user_policy" "deployer" {
        name = "deploy-everything"
        user = aws_iam_user.deployer.name
        policy = jsonencode({
          Version   = "2012-10-17"
          Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
        })
      }
      """;

  @Test
  void deployUserWithKeyAndAdminPolicyIsReportedOnEveryAxis() {
    ScanReport report = scan(SourceFile.of("infra/main.tf", DEPLOYER));
    assertThat(ids(report)).containsExactly("IMP-AWS-001", "IMP-AWS-002", "IMP-AWS-011",
        "IMP-AWS-025", "IMP-AWS-026");
    assertThat(report.findings()).filteredOn(f -> f.ruleId().equals("IMP-AWS-011"))
        .singleElement().satisfies(f -> {
          assertThat(f.location().path()).isEqualTo("infra/main.tf");
          // the statement's line, where Action = "*" is written
          assertThat(f.location().line()).isEqualTo(14);
          assertThat(f.location().column()).isEqualTo(5);
          assertThat(f.key()).isEqualTo("aws_iam_user_policy.deployer.policy:full_admin");
        });
  }

  @Test
  void malformedPolicyIsALocatedDiagnosticNotASilentSkip() {
    ScanReport report = scan(SourceFile.of("iam.tf", """
        resource "aws_iam_user_policy" "broken" {
          user   = "ci"
          policy = "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": }]}"
        }
        resource "aws_iam_user_policy" "templated" {
          user   = "ci"
          policy = "{\\"Statement\\": ${var.statements}}"
        }
        """));
    assertThat(report.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
      assertThat(d.location().path()).isEqualTo("iam.tf");
      assertThat(d.location().line()).isEqualTo(3);
      assertThat(d.message()).contains("aws_iam_user_policy.broken.policy", "not reviewed",
          "not valid JSON at line 1");
    });
  }

  @Test
  void findingKeysDoNotDependOnLines() {
    List<String> before = scan(SourceFile.of("main.tf", DEPLOYER)).findings().stream()
        .map(Finding::key).sorted().toList();
    List<String> after = scan(SourceFile.of("main.tf", "\n\n# moved\n" + DEPLOYER))
        .findings().stream().map(Finding::key).sorted().toList();
    assertThat(after).isEqualTo(before).doesNotContainNull();
  }

  @Test
  void hardCodedProviderKeysCarryEvidenceButNeverTheValue() {
    String secret = "q8Vd2Lk9Zr4Tn7Wm1Xc6Yb3Hs5Jf0Pa8Ue2Gi9Ko";
    ScanReport report = scan(SourceFile.of("provider.tf", """
        provider "aws" {
          region     = "eu-west-1"
          secret_key = "%s"
        }
        """.formatted(secret)));
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-AWS-005");
      assertThat(f.secret()).isNotNull();
      assertThat(f.message() + f.key() + f).doesNotContain(secret);
      assertThat(f.location().line()).isEqualTo(3);
    });
  }

  @Test
  void documentedExampleKeysAreNoSecretButStillTheWrongPracticeAndVariablesAreFine() {
    ScanReport report = scan(SourceFile.of("provider.tf", """
        provider "aws" {
          access_key = "AKIAIOSFODNN7EXAMPLE"
          secret_key = var.secret_key
          token      = "${var.session_token}"
        }
        """));
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-AWS-005");
      assertThat(f.severity()).isEqualTo(dev.imprint.scan.Severity.LOW);
      assertThat(f.secret()).isNull();
      assertThat(f.location().line()).isEqualTo(2);
      assertThat(f.message()).contains("documented example key").contains("access_key");
    });
  }

  @Test
  void policyDocumentInAnotherFileOfTheModuleIsResolved() {
    ScanReport report = scan(
        SourceFile.of("iam/policies.tf", """
            data "aws_iam_policy_document" "ops" {
              statement {
                actions   = ["iam:*"]
                resources = ["*"]
              }
            }
            """),
        SourceFile.of("iam/roles.tf", """
            resource "aws_iam_role_policy" "ops" {
              role   = aws_iam_role.ops.id
              policy = data.aws_iam_policy_document.ops.json
            }
            """));
    assertThat(ids(report)).contains("IMP-AWS-012", "IMP-AWS-015");
    // Each finding is about aws_iam_role_policy.ops but points at the offending actions line of
    // the statement in the other file, where an editor jump should land.
    assertThat(report.findings()).allSatisfy(f -> {
      assertThat(f.location().path()).isEqualTo("iam/policies.tf");
      assertThat(f.location().line()).isEqualTo(3);
      assertThat(f.key()).startsWith("aws_iam_role_policy.ops.policy:");
    });
  }

  @Test
  void policyDocumentsOfOtherModulesAreNotConfused() {
    ScanReport report = scan(
        SourceFile.of("a/policies.tf", """
            data "aws_iam_policy_document" "ops" {
              statement {
                actions   = ["*"]
                resources = ["*"]
              }
            }
            """),
        SourceFile.of("b/roles.tf", """
            resource "aws_iam_role_policy" "ops" {
              role   = aws_iam_role.ops.id
              policy = data.aws_iam_policy_document.ops.json
            }
            """));
    assertThat(report.findings()).isEmpty();
  }

  @Test
  void unreadableTerraformIsSkippedWithoutDiagnostics() {
    ScanReport report = scan(SourceFile.of("broken.tf", "resource \"aws_iam_user\" \"x\" {\n"));
    assertThat(report.findings()).isEmpty();
    assertThat(report.diagnostics()).isEmpty();
  }

  @Test
  void nonTerraformFilesAreIgnored() {
    assertThat(scan(SourceFile.of("main.tf.json", "{}"),
        SourceFile.of("notes.txt", "resource \"aws_iam_user\" \"x\" {}\n")).findings())
        .isEmpty();
  }

  @Test
  void imdsMissingOptionsAndHopLimitAreReportedPerInstance() {
    ScanReport report = scan(SourceFile.of("ec2.tf", """
        resource "aws_instance" "a" {
          ami                  = "ami-1"
          iam_instance_profile = "p"
        }

        resource "aws_instance" "b" {
          ami                  = "ami-1"
          iam_instance_profile = "p"
          metadata_options {
            http_tokens                 = "required"
            http_put_response_hop_limit = 2
          }
        }

        resource "aws_instance" "c" {
          ami                  = "ami-1"
          iam_instance_profile = "p"
          metadata_options {
            http_endpoint = "disabled"
          }
        }
        """));
    assertThat(report.findings()).extracting(f -> f.ruleId() + "@" + f.location().line())
        .containsExactlyInAnyOrder("IMP-AWS-029@1", "IMP-AWS-030@11");
  }

  @Test
  void allPortsIsReportedOnceNotAsEveryPort() {
    ScanReport report = scan(SourceFile.of("sg.tf", """
        resource "aws_security_group_rule" "all" {
          type              = "ingress"
          protocol          = "tcp"
          from_port         = 0
          to_port           = 65535
          cidr_blocks       = ["0.0.0.0/0"]
          security_group_id = "sg-1"
        }
        resource "aws_security_group_rule" "range" {
          type              = "ingress"
          protocol          = "tcp"
          from_port         = 3300
          to_port           = 3400
          cidr_blocks       = ["0.0.0.0/0"]
          security_group_id = "sg-1"
        }
        """));
    assertThat(report.findings()).extracting(Finding::ruleId)
        .containsExactlyInAnyOrder("IMP-AWS-037", "IMP-AWS-036", "IMP-AWS-039");
  }

  @Test
  void githubTrustWithWildcardOwnerIsReported() {
    ScanReport report = scan(SourceFile.of("oidc.tf", """
        resource "aws_iam_role" "gh" {
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Action    = "sts:AssumeRoleWithWebIdentity"
              Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
              Condition = {
                StringLike = { "token.actions.githubusercontent.com:sub" = "repo:*/infra:*" }
              }
            }]
          })
        }
        """));
    // The provider ARN is a reference to a provider outside this module, but the condition on
    // token.actions.githubusercontent.com:sub says which issuer it is.
    assertThat(ids(report)).containsExactly("IMP-AWS-023");
    ScanReport literal = scan(SourceFile.of("oidc.tf", """
        resource "aws_iam_role" "gh" {
          assume_role_policy = jsonencode({
            Statement = [{
              Effect    = "Allow"
              Action    = "sts:AssumeRoleWithWebIdentity"
              Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
              Condition = {
                StringLike = { "token.actions.githubusercontent.com:sub" = "repo:*/infra:*" }
              }
            }]
          })
        }
        """));
    assertThat(ids(literal)).containsExactly("IMP-AWS-023");
  }

  @Test
  void githubTrustThroughAnOidcProviderResourceIsResolved() {
    ScanReport report = scan(SourceFile.of("oidc.tf", """
        resource "aws_iam_openid_connect_provider" "github" {
          url            = "https://token.actions.githubusercontent.com"
          client_id_list = ["sts.amazonaws.com"]
        }

        data "aws_iam_policy_document" "trust" {
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = [aws_iam_openid_connect_provider.github.arn]
            }
          }
        }

        resource "aws_iam_role" "gh" {
          assume_role_policy = data.aws_iam_policy_document.trust.json
        }
        """));
    assertThat(ids(report)).containsExactly("IMP-AWS-023");
  }

  @Test
  void oidcTrustDocumentNoRoleOfTheModuleUsesIsReviewedAtItsPrincipalOrCondition() {
    // Trust documents are often written in one module and handed to a role elsewhere (a role
    // module's input): the web identity statement is judged where it is written.
    ScanReport report = scan(SourceFile.of("oidc.tf", """
        data "aws_iam_policy_document" "github_any_repo" {
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = [aws_iam_openid_connect_provider.github.arn]
            }
            condition {
              test     = "StringEquals"
              variable = "token.actions.githubusercontent.com:aud"
              values   = ["sts.amazonaws.com"]
            }
          }
        }

        data "aws_iam_policy_document" "irsa_any_account" {
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = [var.oidc_provider_arn]
            }
            condition {
              test     = "StringLike"
              variable = "${var.oidc_provider}:sub"
              values   = ["system:serviceaccount:*"]
            }
          }
        }

        data "aws_iam_policy_document" "github_one_repo" {
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = [aws_iam_openid_connect_provider.github.arn]
            }
            condition {
              test     = "StringLike"
              variable = "token.actions.githubusercontent.com:sub"
              values   = ["repo:acme/deploy:ref:refs/heads/main"]
            }
          }
        }

        data "aws_iam_policy_document" "bucket" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["arn:aws:s3:::site/*"]
            principals {
              type        = "Federated"
              identifiers = ["cognito-identity.amazonaws.com"]
            }
          }
        }
        """));
    assertThat(report.findings()).extracting(Finding::ruleId, f -> f.location().line(),
            Finding::severity)
        .containsExactly(
            tuple("IMP-AWS-023", 6, Severity.CRITICAL),
            tuple("IMP-AWS-023", 26, Severity.HIGH));
    assertThat(report.findings().get(0).key())
        .isEqualTo("data.aws_iam_policy_document.github_any_repo.statement:github_oidc_unrestricted");
  }

  @Test
  void oidcTrustDocumentOfARoleIsReportedOnceAtTheRole() {
    ScanReport report = scan(SourceFile.of("oidc.tf", """
        data "aws_iam_policy_document" "trust" {
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = [aws_iam_openid_connect_provider.github.arn]
            }
            condition {
              test     = "StringEquals"
              variable = "token.actions.githubusercontent.com:aud"
              values   = ["sts.amazonaws.com"]
            }
          }
        }

        resource "aws_iam_role" "gh" {
          assume_role_policy = data.aws_iam_policy_document.trust.json
        }
        """));
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-AWS-023");
      assertThat(f.location().line()).isEqualTo(6);
      assertThat(f.key()).startsWith("aws_iam_role.gh.assume_role_policy:");
    });
  }

  @Test
  void instancesLaunchedFromATemplateTakeProfileAndMetadataFromIt() {
    ScanReport report = scan(SourceFile.of("ec2.tf", """
        resource "aws_instance" "a" {
          launch_template {
            id = aws_launch_template.app.id
          }
        }
        """));
    assertThat(report.findings()).isEmpty();
  }

  @Test
  void wildcardPolicyBuiltInALocalIsReportedAtItsStatementNamingTheLocal() {
    ScanReport report = scan(SourceFile.of("infra/main.tf", """
        locals {
          policy = {
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
          }
        }

        resource "aws_iam_policy" "ops" {
          name   = "ops"
          policy = jsonencode(local.policy)
        }
        """));
    assertThat(report.findings()).filteredOn(f -> f.ruleId().equals("IMP-AWS-011"))
        .singleElement().satisfies(f -> {
          assertThat(f.location().line()).isEqualTo(4);
          assertThat(f.location().column()).isEqualTo(5);
          assertThat(f.message()).endsWith("(from local.policy)");
          assertThat(f.key()).isEqualTo("aws_iam_policy.ops.policy:full_admin");
        });
  }

  @Test
  void tfvarsOfTheModuleDecideWhatAVariableHolds() {
    String main = """
        variable "actions" {
          default = ["s3:GetObject"]
        }

        resource "aws_iam_policy" "ops" {
          name   = "ops"
          policy = jsonencode({
            Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
          })
        }
        """;
    assertThat(ids(scan(SourceFile.of("infra/main.tf", main)))).doesNotContain("IMP-AWS-011");
    ScanReport overridden = scan(SourceFile.of("infra/main.tf", main),
        SourceFile.of("infra/terraform.tfvars", "actions = [\"*\"]\n"));
    assertThat(overridden.findings()).filteredOn(f -> f.ruleId().equals("IMP-AWS-011"))
        .singleElement().satisfies(f -> {
          assertThat(f.location().path()).isEqualTo("infra/main.tf");
          assertThat(f.location().line()).isEqualTo(8); // the statement's Action line
          assertThat(f.message()).endsWith("(from var.actions)");
        });
    ScanReport otherDirectory = scan(SourceFile.of("infra/main.tf", main),
        SourceFile.of("other/terraform.tfvars", "actions = [\"*\"]\n"));
    assertThat(ids(otherDirectory)).doesNotContain("IMP-AWS-011");
  }

  @Test
  void adminPolicyArnInAVariableDefaultIsAnAdminAttachment() {
    ScanReport report = scan(SourceFile.of("main.tf", """
        variable "policy_arn" {
          default = "arn:aws:iam::aws:policy/AdministratorAccess"
        }

        resource "aws_iam_role_policy_attachment" "ci" {
          role       = "ci"
          policy_arn = var.policy_arn
        }
        """));
    assertThat(report.findings()).filteredOn(f -> f.ruleId().equals("IMP-AWS-014"))
        .singleElement().satisfies(f -> {
          assertThat(f.location().line()).isEqualTo(7);
          assertThat(f.message()).contains("AdministratorAccess");
        });
  }

  @Test
  void userNameTemplateIsShownResolved() {
    ScanReport report = scan(SourceFile.of("main.tf", """
        variable "env" {
          default = "prod"
        }

        resource "aws_iam_user" "ci" {
          name = "${var.env}-ci"
        }
        """));
    assertThat(report.findings()).filteredOn(f -> f.ruleId().equals("IMP-AWS-026"))
        .singleElement().satisfies(f -> {
          assertThat(f.message()).isEqualTo("aws_iam_user.ci defines IAM user 'prod-ci'");
          assertThat(f.location().line()).isEqualTo(6);
        });
  }
}
