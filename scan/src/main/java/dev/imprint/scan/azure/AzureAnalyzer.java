package dev.imprint.scan.azure;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfReader;
import java.util.List;

/**
 * Finds Azure identity risks in Terraform: client secrets created for applications and service
 * principals or hard-coded in providers, backends and resources, Owner/Contributor/User Access
 * Administrator at subscription or management group scope, apps that use access keys without a
 * managed identity, broad federated credentials, literal Key Vault secrets and AKS clusters on a
 * service principal. Every rule needs only one file, so findings are reported per file, where
 * the scanner merges a secret found both here and by the text detectors into one finding.
 */
public final class AzureAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public List<Rule> rules() {
    return AzureRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return AzureAnalyzer::analyze;
  }

  private static void analyze(SourceFile file, Sink sink) {
    if (!file.lowerName().endsWith(".tf")) {
      return;
    }
    String text = file.text();
    if (!text.contains("azurerm") && !text.contains("azuread") && !text.contains("azapi")
        && !text.contains("azurestack")) {
      return;
    }
    Tf.File parsed = TfReader.read(file);
    if (parsed != null) {
      new AzureChecks(parsed, sink).run();
    }
  }
}
