package dev.imprint.scan.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretAnalyzer;
import dev.imprint.scan.terraform.TerraformAnalyzer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class AzureAnalyzerTest {

  private static ScanReport scan(String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1),
        List.of(new TerraformAnalyzer(), new AzureAnalyzer(), new SecretAnalyzer()),
        Clock.systemUTC()).scanSources(List.of(SourceFile.of(path, text)));
  }

  private static List<Finding> of(ScanReport report, String ruleId) {
    return report.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  private static final String SECRET = "Zr48Q~cXw9vTq2LmN4pR7sK1yB6hJ3dF0gA5eUi";

  @Test
  void aProviderClientSecretIsOneFindingAcrossTheTypedAndTextRules() {
    ScanReport report = scan("providers.tf", "provider \"azurerm\" {\n  features {}\n"
        + "  client_secret = \"" + SECRET + "\"\n}\n");

    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-AZURE-002");
      assertThat(f.location().toString()).isEqualTo("providers.tf:3:3");
      assertThat(f.key()).isEqualTo("provider \"azurerm\".client_secret");
      assertThat(f.message()).doesNotContain(SECRET);
    });
  }

  @Test
  void ownerAtSubscriptionScopeIsCriticalAndContributorHigh() {
    ScanReport report = scan("rbac.tf", """
        data "azurerm_role_definition" "owner" {
          name = "Owner"
        }

        resource "azurerm_role_assignment" "a" {
          scope              = "/subscriptions/${var.subscription_id}"
          role_definition_id = data.azurerm_role_definition.owner.id
          principal_id       = var.principal
        }

        resource "azurerm_role_assignment" "b" {
          scope                = data.azurerm_subscription.current.id
          role_definition_name = "contributor"
          principal_id         = var.principal
        }

        resource "azurerm_role_assignment" "c" {
          scope                = "/subscriptions/${var.subscription_id}/resourceGroups/app"
          role_definition_name = "Owner"
          principal_id         = var.principal
        }
        """);

    assertThat(of(report, "IMP-AZURE-003")).extracting(f -> f.location().line(),
        Finding::severity).containsExactly(
            org.assertj.core.groups.Tuple.tuple(6, Severity.CRITICAL),
            org.assertj.core.groups.Tuple.tuple(12, Severity.HIGH));
  }

  @Test
  void aFunctionAppWithStorageKeyButAManagedIdentityIsNotReported() {
    ScanReport report = scan("fn.tf", """
        resource "azurerm_windows_function_app" "f" {
          storage_account_access_key = azurerm_storage_account.f.primary_access_key
          identity {
            type = "SystemAssigned"
          }
        }
        """);

    assertThat(of(report, "IMP-AZURE-004")).isEmpty();
  }

  @Test
  void aKeyVaultReferenceInAppSettingsIsNotAPassword() {
    ScanReport report = scan("web.tf", """
        resource "azurerm_linux_web_app" "w" {
          app_settings = {
            DB = "Server=x;Password=@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)"
          }
        }
        """);

    assertThat(of(report, "IMP-AZURE-004")).isEmpty();
  }

  @Test
  void aKeyVaultSecretLiteralIsReportedByTheAzureRuleNotTheGenericOne() {
    ScanReport report = scan("kv.tf", """
        resource "azurerm_key_vault_secret" "s" {
          name  = "api-key"
          value = "sk9Vq2LmT7xZ4pWr"
        }
        """);

    assertThat(report.findings()).extracting(Finding::ruleId).containsExactly("IMP-AZURE-006");
  }
  @Test
  void aDynamicIdentityBlockCountsAsAManagedIdentity() {
    ScanReport report = scan("fn.tf", """
        resource "azurerm_linux_function_app" "f" {
          storage_account_access_key = var.key == null ? local.sa.primary_access_key : var.key
          dynamic "identity" {
            for_each = var.identity_type != null ? ["identity"] : []
            content {
              type = var.identity_type
            }
          }
        }

        resource "azurerm_linux_function_app" "g" {
          storage_account_access_key = var.key == null ? local.sa.primary_access_key : var.key
        }
        """);

    assertThat(of(report, "IMP-AZURE-004")).singleElement()
        .satisfies(f -> assertThat(f.key()).isEqualTo("azurerm_linux_function_app.g.identity"));
  }
}
