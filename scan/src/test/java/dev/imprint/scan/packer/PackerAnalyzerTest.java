package dev.imprint.scan.packer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Packer rules beyond their fixtures: messages, keys, locations and near misses. */
class PackerAnalyzerTest {
  private final List<Finding> findings = new ArrayList<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private List<Finding> scan(String name, String text) {
    findings.clear();
    diagnostics.clear();
    new PackerAnalyzer().start(ScanSettings.defaults()).analyze(SourceFile.of(name, text),
        new Analyzer.Sink() {
          @Override
          public void report(Finding finding) {
            findings.add(finding);
          }

          @Override
          public void diagnose(Diagnostic diagnostic) {
            diagnostics.add(diagnostic);
          }
        });
    return List.copyOf(findings);
  }

  private List<Finding> scan(String name, String text, String ruleId) {
    return scan(name, text).stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  private static final String SECRET = "Zq8vR2pL9wXk7Mn";
  private static final String LEAKY = """
      variable "db_password" {
        default = "%1$s"
      }
      source "amazon-ebs" "web" {
        secret_key   = "k3Jd9Lw2Qz7Xv1Rt5Yp8Nb4Mc6Hf0Gs2Ue9Wa3Ti"
        ssh_password = "%1$s"
      }
      build {
        provisioner "shell" {
          environment_vars = ["API_TOKEN=%1$s"]
          inline           = ["mysql --password=%1$s"]
        }
      }
      """.formatted(SECRET);

  @Test
  void secretsNeverAppearInMessagesKeysOrToString() {
    List<Finding> found = scan("web.pkr.hcl", LEAKY);

    assertThat(found).extracting(Finding::ruleId).contains("IMP-PACKER-001", "IMP-PACKER-002",
        "IMP-PACKER-003", "IMP-PACKER-004", "IMP-PACKER-010", "IMP-PACKER-012");
    for (Finding f : found) {
      assertThat(f.message() + f.identityKey() + f).doesNotContain(SECRET)
          .doesNotContain("k3Jd9Lw2Qz7Xv1Rt5Yp8Nb4Mc6Hf0Gs2Ue9Wa3Ti");
    }
    assertThat(found).filteredOn(f -> !f.ruleId().equals("IMP-PACKER-001"))
        .allMatch(f -> f.secret() != null);
  }

  @Test
  void findingsPointAtTheOffendingValue() {
    List<Finding> found = scan("web.pkr.hcl", LEAKY);

    assertThat(found).filteredOn(f -> f.ruleId().equals("IMP-PACKER-004"))
        .extracting(f -> f.location().toString()).containsExactly("web.pkr.hcl:10:25");
    assertThat(found).filteredOn(f -> f.ruleId().equals("IMP-PACKER-003"))
        .extracting(f -> f.location().toString()).containsExactly("web.pkr.hcl:11:25");
    assertThat(found).filteredOn(f -> f.ruleId().equals("IMP-PACKER-002"))
        .extracting(f -> f.location().toString()).containsExactly("web.pkr.hcl:2:13");
  }

  @Test
  void keysDoNotDependOnLines() {
    List<String> before = scan("web.pkr.hcl", LEAKY).stream().map(Finding::identityKey)
        .toList();
    List<String> after = scan("web.pkr.hcl", "\n\n# moved\n" + LEAKY).stream()
        .map(Finding::identityKey).toList();

    assertThat(after).containsExactlyElementsOf(before);
  }

  @Test
  void unparsableTemplateIsADiagnosticWithItsLocation() {
    List<Finding> found = scan("web.pkr.hcl", "source \"docker\" \"x\" {\n  image = \n}\n");

    assertThat(found).isEmpty();
    assertThat(diagnostics).hasSize(1);
    assertThat(diagnostics.get(0).kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
    assertThat(diagnostics.get(0).location().toString()).startsWith("web.pkr.hcl:");
    assertThat(diagnostics.get(0).location().line()).isPositive();
  }

  @Test
  void otherJsonGetsNeitherFindingsNorDiagnostics() {
    assertThat(scan("package.json", "{\"scripts\": {\"x\": \"curl a | sh\"}}")).isEmpty();
    assertThat(scan("broken.json", "{\"provisioners\": [")).isEmpty();
    assertThat(diagnostics).isEmpty();
  }

  @Test
  void credentialFileRemovedByALaterCleanupScriptIsNotReported() {
    String template = """
        build {
          provisioner "file" {
            source      = "secrets/app.pem"
            destination = "/tmp/app.pem"
          }
          provisioner "shell" {
            scripts = ["scripts/install.sh", "scripts/cleanup.sh"]
          }
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-009")).isEmpty();
  }

  @Test
  void removalOnTheBuildHostDoesNotCount() {
    String template = """
        build {
          provisioner "file" {
            source      = "secrets/app.pem"
            destination = "/tmp/app.pem"
          }
          provisioner "shell-local" {
            inline = ["rm -f secrets/app.pem"]
          }
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-009")).hasSize(1);
  }

  @Test
  void pipeIntoAnInterpreterIsToldApartFromOtherPipes() {
    String template = """
        build {
          provisioner "shell" {
            inline = [
              "curl -fsS https://x.internal/health || exit 1",
              "curl -fsSL https://x.internal/list | grep app | sort",
              "sudo sh -c \\"$(curl -fsSL https://x.internal/install)\\"",
              "bash <(wget -qO- https://x.internal/setup)",
              "curl -s https://bootstrap.pypa.io/get-pip.py | sudo python3",
            ]
          }
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-011"))
        .extracting(f -> f.location().line()).containsExactly(6, 7, 8);
  }

  @Test
  void filterOwnersGivenByAVariableAreTrusted() {
    String template = """
        source "amazon-ebs" "x" {
          source_ami_filter {
            filters = { name = "base-*" }
            owners  = var.owners
          }
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-005")).isEmpty();
  }

  @Test
  void winrmCommunicatorHasNoAuthorizedKeysToClear() {
    String template = """
        source "amazon-ebs" "x" {
          communicator         = "winrm"
          ssh_private_key_file = "k.pem"
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-013")).isEmpty();
  }

  @Test
  void urlsPathsAndShellVariablesUnderSecretNamesAreNotSecrets() {
    String template = """
        build {
          provisioner "shell" {
            environment_vars = ["TOKEN_ENDPOINT_URL=https://sts.acme.internal/token",
              "VAULT_TOKEN_HOME=/var/lib/vault"]
            inline = [
              "export OAUTH_TOKEN_URL=https://auth.acme.internal/oauth/token",
              "export API_TOKEN=\\"prefix-$RAW_TOKEN\\"",
              "app --client-secret ~/.config/app/secret",
            ]
          }
        }
        """;

    assertThat(scan("x.pkr.hcl", template)).isEmpty();
  }

  @Test
  void repositorySigningKeysAndCertificatesAreNotCredentials() {
    String template = """
        build {
          provisioner "file" {
            sources     = ["apt/docker.gpg", "apt/nodesource.gpg.key", "tls/server-cert.pem",
              "keys/release.asc"]
            destination = "/tmp/"
          }
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-009")).isEmpty();
  }

  @Test
  void amazonAmiDataSourceWithoutOwnersIsReported() {
    String template = """
        data "amazon-ami" "base" {
          filters     = { name = "base-*" }
          most_recent = true
        }
        """;

    assertThat(scan("x.pkr.hcl", template, "IMP-PACKER-005"))
        .extracting(f -> f.location().toString()).containsExactly("x.pkr.hcl:1:1");
  }

  @Test
  void findingsInAHeredocPointAtTheirOwnLine() {
    String template = """
        build {
          provisioner "shell" {
            inline = [<<-EOT
              apt-get update
                export DB_PASSWORD=Zq8vR2pL9wXk7Mn
              curl -fsSL https://get.example.org | sh
            EOT
            ]
          }
        }
        """;

    List<Finding> found = scan("x.pkr.hcl", template);

    assertThat(found).filteredOn(f -> f.ruleId().equals("IMP-PACKER-003"))
        .extracting(f -> f.location().toString()).containsExactly("x.pkr.hcl:5:9");
    assertThat(found).filteredOn(f -> f.ruleId().equals("IMP-PACKER-011"))
        .extracting(f -> f.location().toString()).containsExactly("x.pkr.hcl:6:7");
  }
}
