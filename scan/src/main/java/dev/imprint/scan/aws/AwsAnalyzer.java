package dev.imprint.scan.aws;

import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModules;
import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/**
 * Finds AWS identity and network risks in Terraform: long-lived keys and hard-coded secrets,
 * overprivileged and escalating IAM policies, trust policies open to everyone, instance
 * metadata exposure, open security groups and NACLs, and mutable base images. Files are read
 * per file; rules run per module (directory) once every file is read, so references across
 * files of a module resolve, and so do variables (from the directory's auto-loaded tfvars or
 * their defaults) and locals.
 */
public final class AwsAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public List<Rule> rules() {
    return AwsRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return new AwsSession();
  }

  /** One scan: parsed Terraform files grouped by directory. */
  private static final class AwsSession implements Session {
    private final TfModules modules = new TfModules();

    @Override
    public void analyze(SourceFile file, Sink sink) {
      modules.add(file);
    }

    @Override
    public void finish(Sink sink) {
      for (TfModule module : modules.modules()) {
        new AwsChecks(module, sink).run();
      }
    }
  }
}
