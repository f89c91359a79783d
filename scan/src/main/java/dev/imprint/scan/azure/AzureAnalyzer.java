package dev.imprint.scan.azure;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModules;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds Azure identity risks in Terraform: client secrets created for applications and service
 * principals or hard-coded in providers, backends and resources, Owner/Contributor/User Access
 * Administrator at subscription or management group scope, apps that use access keys without a
 * managed identity, broad federated credentials, literal Key Vault secrets, AKS clusters on a
 * service principal or without Kubernetes RBAC, custom roles that allow every action and network
 * security groups that open SSH or RDP to the internet. Rules that may report a secret need only
 * one file and report per file, where the scanner merges a secret found both here and by the
 * text detectors into one finding;
 * the role assignment and exposure rules run per module (directory) once every file is read, so
 * that a role, scope, prefix or port held in a variable (its auto-loaded tfvars value or default)
 * or a local counts.
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
    return new AzureSession();
  }

  private static boolean mentionsAzure(String text) {
    return text.contains("azurerm") || text.contains("azuread") || text.contains("azapi")
        || text.contains("azurestack");
  }

  /** One scan: the Terraform files of each directory, and those that mention Azure. */
  private static final class AzureSession implements Session {
    private final TfModules modules = new TfModules();
    /** Paths of the files that mention Azure (a path, not the model, as the key). */
    private final Set<String> azure = ConcurrentHashMap.newKeySet();

    @Override
    public void analyze(SourceFile file, Sink sink) {
      Tf.File parsed = modules.add(file);
      if (parsed != null && file.lowerName().endsWith(".tf") && mentionsAzure(file.text())) {
        new AzureChecks(parsed, sink).run();
        azure.add(file.path());
      }
    }

    @Override
    public void finish(Sink sink) {
      for (TfModule module : modules.modules()) {
        for (Tf.File f : module.files()) {
          if (azure.contains(f.source().path())) {
            new AzureChecks(f, sink).roleAssignments(module::resolve);
            new AzureExposure(f, sink, module::resolve).run();
          }
        }
      }
    }
  }
}
