package dev.imprint.scan.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policies a module reads from a JSON file with file() or templatefile(). */
class PolicyFilesTest {

  private static ScanReport scan(SourceFile... files) {
    return Scanner.create(ScanSettings.defaults().withThreads(1), List.of(new AwsAnalyzer()),
        Clock.systemUTC()).scanSources(List.of(files));
  }

  private static List<String> at(ScanReport report, String rule) {
    return report.findings().stream().filter(f -> f.ruleId().equals(rule))
        .map(f -> f.location().path() + ":" + f.location().line()).toList();
  }

  private static final String ADMIN_JSON = """
      {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Sid": "Everything",
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*"
          }
        ]
      }
      """;

  @Test
  void policyReadWithFileIsReviewedAndReportedInTheJsonFile() {
    ScanReport report = scan(SourceFile.of("infra/iam/main.tf", """
        resource "aws_iam_role_policy" "ci" {
          role   = aws_iam_role.ci.id
          policy = file("${path.module}/policies/admin.json")
        }
        """), SourceFile.of("infra/iam/policies/admin.json", ADMIN_JSON));
    assertThat(at(report, "IMP-AWS-011")).containsExactly("infra/iam/policies/admin.json:7");
    assertThat(report.diagnostics()).isEmpty();
  }

  @Test
  void relativeAndParentPathsResolveFromTheModule() {
    ScanReport report = scan(SourceFile.of("infra/iam/main.tf", """
        resource "aws_iam_policy" "a" {
          policy = file("./admin.json")
        }
        resource "aws_iam_policy" "b" {
          policy = file("../shared/admin.json")
        }
        """), SourceFile.of("infra/iam/admin.json", ADMIN_JSON),
        SourceFile.of("infra/shared/admin.json", ADMIN_JSON));
    assertThat(at(report, "IMP-AWS-011")).containsExactlyInAnyOrder(
        "infra/iam/admin.json:7", "infra/shared/admin.json:7");
  }

  @Test
  void trustPolicyTemplateWithAWildcardPrincipalIsReported() {
    ScanReport report = scan(SourceFile.of("roles/main.tf", """
        resource "aws_iam_role" "deploy" {
          name               = "deploy"
          assume_role_policy = templatefile("${path.module}/trust.json.tpl", {
            account_id = var.account_id
          })
        }
        """), SourceFile.of("roles/trust.json.tpl", """
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": "*" },
            "Action": "sts:AssumeRole",
            "Sid": "Trust${account_id}"
          }]
        }
        """));
    assertThat(report.findings()).extracting(Finding::ruleId).contains("IMP-AWS-020");
  }

  @Test
  void unreadableOrAbsentFilesStayQuiet() {
    ScanReport report = scan(SourceFile.of("iam/main.tf", """
        resource "aws_iam_policy" "loop" {
          policy = templatefile("${path.module}/loop.json.tpl", { buckets = var.buckets })
        }
        resource "aws_iam_policy" "missing" {
          policy = file("${path.module}/not-scanned.json")
        }
        resource "aws_iam_policy" "elsewhere" {
          policy = file("${var.policy_dir}/admin.json")
        }
        resource "aws_iam_policy" "absolute" {
          policy = file("/admin.json")
        }
        """), SourceFile.of("iam/loop.json.tpl", """
        {
          "Statement": [
            %{ for b in buckets ~}
            { "Effect": "Allow", "Action": "*", "Resource": "*" },
            %{ endfor ~}
          ]
        }
        """), SourceFile.of("admin.json", ADMIN_JSON));
    assertThat(report.findings()).isEmpty();
    assertThat(report.diagnostics()).isEmpty();
  }

  @Test
  void aNarrowPolicyFileStaysQuietAtHighSeverity() {
    ScanReport report = scan(SourceFile.of("app/main.tf", """
        resource "aws_iam_role_policy" "reader" {
          role   = "reader"
          policy = file("${path.module}/read.json")
        }
        """), SourceFile.of("app/read.json", """
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": "arn:aws:s3:::reports/*"
          }]
        }
        """));
    assertThat(report.findings()).isEmpty();
  }
}
