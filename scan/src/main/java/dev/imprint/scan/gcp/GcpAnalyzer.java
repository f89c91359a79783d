package dev.imprint.scan.gcp;

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
 * Finds Google Cloud identity and exposure risks in Terraform: service account and HMAC keys, key
 * exposure, primitive, impersonation, public and workload identity grants (and public ACLs), the
 * default compute service account with the cloud-platform scope, unconditioned workload identity
 * federation, secrets or download-and-run code in VM startup scripts, firewalls, Cloud SQL and
 * GKE control planes open to the internet, GKE legacy ABAC and Docker repositories whose tags
 * can move. Rules that may report a secret need only one file and report
 * per file, where the scanner merges a secret found both here and by the text detectors into
 * one finding; the IAM grant and exposure rules run per module (directory) once every file is
 * read, so that a role, member or range held in a variable (its auto-loaded tfvars value or
 * default) or a local counts.
 */
public final class GcpAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "gcp";
  }

  @Override
  public List<Rule> rules() {
    return GcpRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return new GcpSession();
  }

  /** One scan: the Terraform files of each directory, and those that mention Google Cloud. */
  private static final class GcpSession implements Session {
    private final TfModules modules = new TfModules();
    /** Paths of the files that mention Google Cloud (a path, not the model, as the key). */
    private final Set<String> google = ConcurrentHashMap.newKeySet();

    @Override
    public void analyze(SourceFile file, Sink sink) {
      Tf.File parsed = modules.add(file);
      if (parsed != null && file.lowerName().endsWith(".tf")
          && file.text().contains("google_")) {
        new GcpChecks(parsed, sink).run();
        google.add(file.path());
      }
    }

    @Override
    public void finish(Sink sink) {
      for (TfModule module : modules.modules()) {
        for (Tf.File f : module.files()) {
          if (google.contains(f.source().path())) {
            new GcpChecks(f, sink).grants(module::resolve);
            new GcpExposure(f, sink, module::resolve).run();
          }
        }
      }
    }
  }
}
