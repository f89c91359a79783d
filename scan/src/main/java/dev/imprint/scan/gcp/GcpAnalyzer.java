package dev.imprint.scan.gcp;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfReader;
import java.util.List;

/**
 * Finds Google Cloud identity risks in Terraform: service account and HMAC keys, key exposure,
 * primitive, impersonation and public IAM grants, the default compute service account with the
 * cloud-platform scope, unconditioned workload identity federation, and secrets or download-and-
 * run code in VM startup scripts. Every rule needs only one file (references are judged by
 * their text), so findings are reported per file, where the scanner merges a secret found both
 * here and by the text detectors into one finding.
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
    return GcpAnalyzer::analyze;
  }

  private static void analyze(SourceFile file, Sink sink) {
    if (!file.lowerName().endsWith(".tf") || !file.text().contains("google_")) {
      return;
    }
    Tf.File parsed = TfReader.read(file);
    if (parsed != null) {
      new GcpChecks(parsed, sink).run();
    }
  }
}
