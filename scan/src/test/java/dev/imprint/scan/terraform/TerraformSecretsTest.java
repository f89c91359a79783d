package dev.imprint.scan.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.aws.AwsAnalyzer;
import dev.imprint.scan.secret.SecretAnalyzer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerraformSecretsTest {

  private static ScanReport scan(String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1),
        List.of(new TerraformAnalyzer(), new AwsAnalyzer(), new SecretAnalyzer()),
        Clock.systemUTC()).scanSources(List.of(SourceFile.of("main.tf", text)));
  }

  private static List<Finding> of(ScanReport report, String ruleId) {
    return report.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void aSecretInsideAnObjectIsReportedOnItsOwnLineAndColumnOnce() {
    ScanReport report = scan("""
        resource "kubernetes_secret" "s" {
          data = {
            user     = "app"
            password = "n8Vq2Lx7Tz4K"
          }
        }
        """);

    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-TF-002");
      assertThat(f.location().toString()).isEqualTo("main.tf:4:17");
      assertThat(f.key()).isEqualTo("kubernetes_secret.s.data.password");
      assertThat(f.message()).doesNotContain("n8Vq2Lx7Tz4K");
    });
  }

  @Test
  void aProviderSpecificTokenIsCriticalWhateverTheAttributeIsCalled() {
    ScanReport report = scan("""
        resource "github_actions_secret" "notify" {
          repository      = "app"
          secret_name     = "SLACK"
          plaintext_value = "xoxb-204817364512-593816204731-Qm7vT2xLp9sK4wZ8nB3cR6yH"
        }
        """);

    assertThat(of(report, "IMP-TF-002")).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).endsWith("sets 'plaintext_value' to a literal Slack bot token");
    });
    assertThat(report.findings()).filteredOn(f -> f.ruleId().startsWith("IMP-SECRET-"))
        .isEmpty();
  }

  @Test
  void referencesFunctionsPlaceholdersAndSettingsAreNotSecrets() {
    ScanReport report = scan("""
        resource "x" "y" {
          password        = var.password
          token           = data.vault_generic_secret.t.data["token"]
          secret          = sensitive("not-reported-by-design")
          client_secret   = "${var.prefix}-suffix"
          api_key         = "<your-api-key>"
          access_token    = "REPLACE_ME"
          master_password = ""
          password_length = "24"
          secret_rotation = "30d"
        }
        """);

    assertThat(of(report, "IMP-TF-002")).isEmpty();
  }

  @Test
  void attributesTheAwsRulesOwnAreNotReportedTwice() {
    ScanReport report = scan("""
        provider "aws" {
          access_key = "AKIA2E0A8F3B244C9986"
          secret_key = "cF9x2Lq7Vt4Zp8Kw1Ns6Rm3Yb5Hd0Jg2Ta7Ue9Q"
        }

        resource "aws_lambda_function" "f" {
          function_name = "f"
          environment {
            variables = { DB_PASSWORD = "Hq8vT3xZ1pLm" }
          }
        }
        """);

    assertThat(of(report, "IMP-TF-002")).isEmpty();
    assertThat(of(report, "IMP-TF-004")).isEmpty();
    assertThat(of(report, "IMP-AWS-005")).isNotEmpty();
    assertThat(of(report, "IMP-AWS-006")).isNotEmpty();
  }

  @Test
  void anOutputOfAKeyVaultDataSourceValueIsASecret() {
    ScanReport report = scan("""
        output "db" {
          value = data.azurerm_key_vault_secret.db.value
        }

        output "name" {
          value = data.azurerm_key_vault_secret.db.name
        }
        """);

    assertThat(of(report, "IMP-TF-003")).singleElement().satisfies(f -> {
      assertThat(f.location().toString()).isEqualTo("main.tf:2:3");
      assertThat(f.key()).isEqualTo("output.db");
    });
  }

  @Test
  void secretReferencesAreJudgedByTheirLastAttribute() {
    assertThat(TfSecretChecks.secretRef("module.db.master_password")).isTrue();
    assertThat(TfSecretChecks.secretRef("tls_private_key.k.private_key_pem")).isTrue();
    assertThat(TfSecretChecks.secretRef("aws_iam_access_key.k[0].secret")).isTrue();
    assertThat(TfSecretChecks.secretRef("aws_secretsmanager_secret.s.arn")).isFalse();
    assertThat(TfSecretChecks.secretRef("var.token_lifetime")).isFalse();
    assertThat(TfSecretChecks.secretRef("password")).isFalse();
  }

  @Test
  void aTerraformCloudTokenInTheCloudBlockIsAStaticCredential() {
    ScanReport report = scan("""
        terraform {
          cloud {
            organization = "acme"
            token        = "Xq7LmT2vZp9KwR.atlasv1.aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5aB6cD7eF8gH9iJ0kL1mN2oP3qR4"
          }
        }
        """);

    assertThat(of(report, "IMP-TF-004")).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(4);
      assertThat(f.message()).startsWith("cloud block sets 'token' to a literal");
    });
  }
  @Test
  void anOutputOfAServiceAccountPrivateKeyIsLeftToTheGcpRule() {
    ScanReport report = Scanner.create(ScanSettings.defaults().withThreads(1),
        List.of(new TerraformAnalyzer(), new dev.imprint.scan.gcp.GcpAnalyzer()),
        Clock.systemUTC()).scanSources(List.of(SourceFile.of("outputs.tf", """
            output "key" {
              value = google_service_account_key.ci.private_key
            }
            """)));

    assertThat(report.findings()).extracting(Finding::ruleId).containsExactly("IMP-GCP-002");
  }

  @Test
  void secretVariableDefaultIsReportedOnceAtTheDefaultNotAgainWhereItIsUsed() {
    String secret = "q8Vd2Lk9Zr4Tn7Wm1Xc6Yb3Hs5Jf0Pa8Ue2Gi9Ko";
    ScanReport report = Scanner.create(ScanSettings.defaults().withThreads(1)).scanSources(
        List.of(SourceFile.of("infra/main.tf", """
            variable "aws_secret" {
              default = "%s"
            }

            locals {
              token = var.aws_secret
            }

            provider "aws" {
              region     = "eu-west-1"
              secret_key = var.aws_secret
            }

            resource "aws_ssm_parameter" "token" {
              name  = "token"
              type  = "String"
              value = local.token
            }
            """.formatted(secret))));
    assertThat(report.findings()).filteredOn(f -> f.ruleId().equals("IMP-TF-001"))
        .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(2));
    assertThat(report.findings()).allSatisfy(f -> assertThat(f.location().line())
        .isNotIn(6, 11, 17));
  }

  private static ScanReport scanFile(String name, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1)).scanSources(
        List.of(SourceFile.of(name, text)));
  }

  @Test
  void aLettersOnlyOrDigitsOnlyLiteralInAPasswordArgumentIsAHardCodedCredential() {
    ScanReport report = scanFile("infra/main.tf", """
        resource "aws_db_instance" "db" {
          username = "app"
          password = "cjUekwlVtLtIPwPbXZBg"
        }

        resource "aws_rds_cluster" "c" {
          master_password = "hunterkingdomlantern"
        }

        resource "azurerm_linux_virtual_machine" "vm" {
          admin_password = "QWERTYUIOPASDF"
        }

        resource "aws_elasticache_replication_group" "cache" {
          auth_token = "tLqWmZxKvNbRyHgFdSaP"
        }

        provider "postgresql" {
          host     = "db.internal"
          password = "VbNmKlPoIuYtReWq"
        }

        module "app" {
          source      = "./app"
          db_password = "84729163025"
        }

        variable "root_password" {
          type    = string
          default = "MxRtPlKwQzVn"
        }
        """);

    assertThat(report.findings()).filteredOn(f -> f.ruleId().startsWith("IMP-TF-00"))
        .extracting(f -> f.ruleId() + "@" + f.location().line())
        .containsExactlyInAnyOrder("IMP-TF-002@3", "IMP-TF-002@7", "IMP-TF-002@11",
            "IMP-TF-002@15", "IMP-TF-004@20", "IMP-TF-002@25", "IMP-TF-001@30");
  }

  @Test
  void aLettersOnlyPasswordInTfvarsIsAHardCodedCredential() {
    ScanReport report = scanFile("env/prod.tfvars", """
        region      = "eu-west-1"
        db_password = "cjUekwlVtLtIPwPbXZBg"
        """);

    assertThat(report.findings()).extracting(f -> f.ruleId() + "@" + f.location().line())
        .contains("IMP-TF-002@2");
  }

  @Test
  void placeholdersReferencesAndSettingsInPasswordAndTokenArgumentsStayQuiet() {
    ScanReport report = scanFile("infra/main.tf", """
        resource "random_password" "db" {
          length = 24
        }

        resource "aws_db_instance" "db" {
          password = random_password.db.result
        }

        resource "aws_rds_cluster" "c" {
          master_password = var.master_password
        }

        resource "azurerm_linux_virtual_machine" "vm" {
          admin_password = "changeme"
        }

        resource "aws_mq_broker" "mq" {
          user {
            password = "${var.prefix}${random_password.db.result}"
          }
        }

        resource "aws_instance" "web" {
          metadata_options {
            http_tokens = "required"
          }
        }

        resource "aws_cognito_user_pool_client" "app" {
          token_validity_units {
            access_token  = "minutes"
            refresh_token = "days"
          }
        }

        locals {
          admin_password = "YourPasswordHere"
          db_password    = "REPLACE_ME"
          vm_password    = "password"
        }

        variable "db_password" {
          type      = string
          sensitive = true
          default   = "changeit"
        }
        """);

    assertThat(report.findings()).filteredOn(f -> f.ruleId().startsWith("IMP-TF-00"))
        .isEmpty();
  }
}
