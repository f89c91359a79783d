package dev.imprint.scan.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretAnalyzer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcpAnalyzerTest {

  private static ScanReport scan(SourceFile... files) {
    return Scanner.create(ScanSettings.defaults().withThreads(1),
        List.of(new GcpAnalyzer(), new SecretAnalyzer()), Clock.systemUTC())
        .scanSources(List.of(files));
  }

  private static List<Finding> of(ScanReport report, String ruleId) {
    return report.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void aKeyInOneFileAndItsOutputInAnotherAreBothReportedAtTheirLines() {
    ScanReport report = scan(
        SourceFile.of("infra/keys.tf", """
            resource "google_service_account_key" "ci" {
              service_account_id = google_service_account.ci.name
            }
            """),
        SourceFile.of("infra/outputs.tf", """
            output "id" {
              value = google_service_account_key.ci.id
            }

            output "key" {
              value = google_service_account_key.ci.private_key
            }
            """));

    assertThat(of(report, "IMP-GCP-001")).singleElement().satisfies(f -> {
      assertThat(f.location().toString()).isEqualTo("infra/keys.tf:1:1");
      assertThat(f.key()).isEqualTo("google_service_account_key.ci");
    });
    assertThat(of(report, "IMP-GCP-002")).singleElement().satisfies(f -> {
      assertThat(f.location().toString()).isEqualTo("infra/outputs.tf:6:3");
      assertThat(f.message()).isEqualTo(
          "output 'key' exposes google_service_account_key.ci.private_key");
    });
  }

  @Test
  void ownerForAServiceAccountIsCriticalAndForAGroupHigh() {
    ScanReport report = scan(SourceFile.of("iam.tf", """
        resource "google_project_iam_binding" "owners" {
          project = "acme"
          role    = "roles/owner"
          members = [
            "group:admins@acme.example",
            "serviceAccount:tf@acme.iam.gserviceaccount.com",
          ]
        }
        """));

    assertThat(of(report, "IMP-GCP-003")).extracting(Finding::severity)
        .containsExactlyInAnyOrder(Severity.HIGH, Severity.CRITICAL);
    assertThat(of(report, "IMP-GCP-003")).extracting(Finding::key).containsExactlyInAnyOrder(
        "google_project_iam_binding.owners.roles/owner.group:admins@acme.example",
        "google_project_iam_binding.owners.roles/owner.serviceAccount:tf@acme.iam"
            + ".gserviceaccount.com");
  }

  @Test
  void impersonationOnOneServiceAccountForANamedGroupIsNotBroad() {
    ScanReport narrow = scan(SourceFile.of("iam.tf", """
        resource "google_service_account_iam_member" "m" {
          service_account_id = google_service_account.app.name
          role               = "roles/iam.serviceAccountUser"
          member             = "group:deployers@acme.example"
        }
        """));
    ScanReport broad = scan(SourceFile.of("iam.tf", """
        resource "google_folder_iam_member" "m" {
          folder = "folders/42"
          role   = "roles/iam.serviceAccountUser"
          member = "group:deployers@acme.example"
        }
        """));

    assertThat(of(narrow, "IMP-GCP-004")).isEmpty();
    assertThat(of(broad, "IMP-GCP-004")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("on the whole folder"));
  }

  @Test
  void policyDataInJsonencodeIsReadForPublicMembers() {
    ScanReport report = scan(SourceFile.of("bucket.tf", """
        resource "google_storage_bucket_iam_policy" "p" {
          bucket = "assets"
          policy_data = jsonencode({
            bindings = [{ role = "roles/storage.objectViewer", members = ["allUsers"] }]
          })
        }
        """));

    assertThat(of(report, "IMP-GCP-005")).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(4); // the line of "allUsers"
      assertThat(f.message()).endsWith("grants roles/storage.objectViewer to allUsers");
    });
  }

  @Test
  void aStartupScriptSecretIsReportedOnceOnItsOwnLineWithoutItsValue() {
    ScanReport report = scan(SourceFile.of("vm.tf", """
        resource "google_compute_instance" "vm" {
          metadata_startup_script = <<-EOT
            #!/bin/bash
            echo starting
            export API_TOKEN=Lq9vT2xZp7Kw4mRs
          EOT
        }
        """));

    assertThat(report.findings()).filteredOn(f -> f.secret() != null).singleElement()
        .satisfies(f -> {
          assertThat(f.ruleId()).isEqualTo("IMP-GCP-008");
          assertThat(f.location().line()).isEqualTo(5);
          assertThat(f.message()).doesNotContain("Lq9vT2xZp7Kw4mRs");
          assertThat(f.secret().toString()).doesNotContain("Lq9vT2xZp7Kw4mRs");
        });
  }

  @Test
  void aWorkloadIdentityProviderForAPrivateIssuerIsHighNotCritical() {
    ScanReport report = scan(SourceFile.of("wif.tf", """
        resource "google_iam_workload_identity_pool_provider" "corp" {
          workload_identity_pool_id          = "corp"
          workload_identity_pool_provider_id = "corp"
          oidc {
            issuer_uri = "https://login.corp.example"
          }
        }
        """));

    assertThat(of(report, "IMP-GCP-007")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
  }

  @Test
  void anUnreadableFileIsLeftToTheTerraformAnalyzer() {
    ScanReport report = scan(SourceFile.of("broken.tf",
        "resource \"google_service_account_key\" \"k\" {\n"));

    assertThat(of(report, "IMP-GCP-001")).isEmpty();
    assertThat(report.diagnostics()).isEmpty();
  }
  @Test
  void aClusterWhoseDefaultPoolIsRemovedIsJudgedByItsPoolsOnly() {
    ScanReport report = scan(SourceFile.of("gke.tf", """
        resource "google_container_cluster" "main" {
          name                     = "main"
          remove_default_node_pool = true
          initial_node_count       = 1
          node_config {
            oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]
          }
        }

        resource "google_container_cluster" "legacy" {
          name = "legacy"
          node_pool {
            name = "default"
            node_config {
              oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]
            }
          }
        }
        """));

    assertThat(of(report, "IMP-GCP-006")).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(15);
      assertThat(f.message()).startsWith("google_container_cluster.legacy runs its nodes");
    });
  }
  @Test
  void aPolicyDocumentAppliedToAProjectInTheSameFileHasTheProjectScope() {
    ScanReport report = scan(SourceFile.of("iam.tf", """
        data "google_iam_policy" "project" {
          binding {
            role    = "roles/iam.serviceAccountTokenCreator"
            members = ["group:ops@acme.example"]
          }
        }

        data "google_iam_policy" "sa" {
          binding {
            role    = "roles/iam.serviceAccountTokenCreator"
            members = ["group:ops@acme.example"]
          }
        }

        resource "google_project_iam_policy" "project" {
          project     = "acme"
          policy_data = data.google_iam_policy.project.policy_data
        }

        resource "google_service_account_iam_policy" "sa" {
          service_account_id = google_service_account.app.name
          policy_data        = data.google_iam_policy.sa.policy_data
        }
        """));

    assertThat(of(report, "IMP-GCP-004")).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(4);
      assertThat(f.message()).contains("on the whole project");
    });
  }
  @Test
  void aBranchOnlyConditionOnGithubIsCriticalAndARepositoryConditionIsQuiet() {
    ScanReport report = scan(SourceFile.of("wif.tf", """
        resource "google_iam_workload_identity_pool_provider" "any_main" {
          attribute_condition = "assertion.ref == 'refs/heads/main'"
          oidc {
            issuer_uri = "https://token.actions.githubusercontent.com"
          }
        }

        resource "google_iam_workload_identity_pool_provider" "app" {
          attribute_condition = "assertion.repository == 'acme/app'"
          oidc {
            issuer_uri = "https://token.actions.githubusercontent.com"
          }
        }
        """));

    assertThat(of(report, "IMP-GCP-007")).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(2);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("names no repository");
    });
  }

  @Test
  void roleInAVariableOfTheModuleIsReportedAtTheGrantsMemberWithItsResolvedRole() {
    ScanReport report = scan(
        SourceFile.of("infra/variables.tf", """
            variable "role" {
              default = "roles/editor"
            }
            """),
        SourceFile.of("infra/iam.tf", """
            resource "google_project_iam_member" "ci" {
              project = "acme-prod"
              role    = var.role
              member  = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
            }
            """),
        SourceFile.of("other/iam.tf", """
            resource "google_project_iam_member" "ci" {
              project = "acme-prod"
              role    = var.role
              member  = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
            }
            """));
    assertThat(of(report, "IMP-GCP-003")).singleElement().satisfies(f -> {
      assertThat(f.location().path()).isEqualTo("infra/iam.tf");
      assertThat(f.location().line()).isEqualTo(4);
      assertThat(f.message()).contains("grants roles/editor to");
    });
  }

  @Test
  void publicMemberFromAnAutoTfvarsIsReported() {
    ScanReport report = scan(
        SourceFile.of("web/main.tf", """
            variable "readers" {
              type    = list(string)
              default = ["group:web@acme.example"]
            }

            resource "google_storage_bucket_iam_binding" "site" {
              bucket  = "acme-site"
              role    = "roles/storage.objectViewer"
              members = var.readers
            }
            """),
        SourceFile.of("web/public.auto.tfvars", "readers = [\"allUsers\"]\n"));
    assertThat(of(report, "IMP-GCP-005")).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(9));
  }
}
