package dev.imprint.scan.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The precision classes of the Terraform secret rules seen on a well-maintained IAM module
 * collection: outputs that hold an encrypted secret, a fingerprint, a status, a boolean or a
 * count are no secret (IMP-TF-003), and variables are judged by their declared type and default,
 * not by their name alone (IMP-TF-001).
 */
class TerraformPrecisionTest {

  private static List<Finding> scan(String ruleId, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("modules/user/main.tf", text))).findings().stream()
        .filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void outputsOfEncryptedSecretsFingerprintsStatusesBooleansAndCountsAreNotSecrets() {
    List<Finding> found = scan("IMP-TF-003", """
        locals {
          has_encrypted_password = length(compact(aws_iam_user_login_profile.this.*.encrypted_password)) > 0
        }

        output "access_key_encrypted_secret" {
          value = element(concat(aws_iam_access_key.this.*.encrypted_secret, [""]), 0)
        }

        output "access_key_encrypted_ses_smtp_password_v4" {
          value = try(aws_iam_access_key.this[0].encrypted_ses_smtp_password_v4, "")
        }

        output "login_profile_encrypted_password" {
          value = aws_iam_user_login_profile.this[0].encrypted_password
        }

        output "access_key_key_fingerprint" {
          value = aws_iam_access_key.this[0].key_fingerprint
        }

        output "login_profile_password_fingerprint" {
          value = aws_iam_user_login_profile.this[0].key_fingerprint
        }

        output "access_key_status" {
          value = aws_iam_access_key.this[0].status
        }

        output "password_decrypt_command" {
          value = !local.has_encrypted_password ? null : <<EOF
        echo "${aws_iam_user_login_profile.this[0].encrypted_password}" | base64 --decode | keybase pgp decrypt
        EOF
        }

        output "password_set" {
          value = var.password_enabled
        }

        output "token_count" {
          value = length(var.api_tokens)
        }

        output "password_policy_expire" {
          value = aws_iam_account_password_policy.this[0].expire_passwords
        }

        output "db_password_secret_arn" {
          value = aws_secretsmanager_secret.db_password.arn
        }
        """);

    assertThat(found).isEmpty();
  }

  @Test
  void outputsOfRealSecretsStillCountUnlessMarkedSensitive() {
    List<Finding> found = scan("IMP-TF-003", """
        output "access_key_secret" {
          value = aws_iam_access_key.this[0].secret
        }

        output "smtp_password" {
          value = aws_iam_access_key.this[0].ses_smtp_password_v4
        }

        output "db_password" {
          value = nonsensitive(random_password.db.result)
        }

        output "marked" {
          value     = aws_iam_access_key.this[0].secret
          sensitive = true
        }
        """);

    assertThat(found).extracting(f -> f.location().line()).containsExactly(2, 6, 10);
  }

  @Test
  void numberAndBoolVariablesAndSettingsNamedAfterPasswordsAreNotSecrets() {
    List<Finding> found = scan("IMP-TF-001", """
        variable "max_password_age" {
          description = "The number of days that an user password is valid."
          default     = 0
        }

        variable "minimum_password_length" {
          default = 8
        }

        variable "password_reuse_prevention" {
          description = "The number of previous passwords that users are prevented from reusing"
          type        = number
        }

        variable "allow_users_to_change_password" {
          description = "Whether to allow users to change their own password"
          default     = true
        }

        variable "create_iam_access_key" {
          type    = bool
          default = true
        }

        variable "password_reset_required" {
          type = bool
        }

        variable "api_token_ttls" {
          type    = list(number)
          default = [3600]
        }

        variable "require_symbols_in_password" {
          description = "Whether to require symbols for user passwords"
        }

        variable "iam_access_key_status" {
          description = "Access key status to apply."
          type        = string
          default     = null
        }

        variable "db_password_secret_arn" {
          type = string
        }

        variable "api_token_secret_name" {
          type    = string
          default = "prod/api-token"
        }

        variable "client_secret_key_vault_id" {
          type = string
        }
        """);

    assertThat(found).isEmpty();
  }

  @Test
  void placeholderOrEmptyStringDefaultsAreNotBakedButStillNeedSensitive() {
    List<Finding> found = scan("IMP-TF-001", """
        variable "db_password" {
          type    = string
          default = ""
        }

        variable "api_token" {
          type    = string
          default = "changeme"
        }

        variable "admin_password" {
          type      = string
          default   = "Xk9mQ2vL7pRt"
          sensitive = true
        }

        variable "client_secret" {
          type      = string
          sensitive = true
        }
        """);

    assertThat(found).extracting(Finding::message).containsExactly(
        "variable 'db_password' is not marked sensitive = true",
        "variable 'api_token' is not marked sensitive = true",
        "variable 'admin_password' has a literal default value");
  }
}
