package dev.imprint.scan.terraform;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/**
 * Reads Terraform {@code .tf} and {@code .tfvars} files, reports those it cannot read as parse
 * errors, and runs the provider-independent rules: secret-like variables, literal secrets,
 * outputs that expose secrets and providers or backends with static credentials.
 */
public final class TerraformAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "terraform";
  }

  @Override
  public List<Rule> rules() {
    return TerraformRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return (SourceFile file, Sink sink) -> {
      boolean definitions = file.lowerName().endsWith(".tfvars");
      if (!file.lowerName().endsWith(".tf") && !definitions) {
        return;
      }
      TfReader.Result r = definitions ? TfReader.parseDefinitions(file) : TfReader.parse(file);
      if (!r.ok()) {
        sink.diagnose(new Diagnostic(file.location(r.line(), r.column()),
            Diagnostic.Kind.PARSE_ERROR, r.message()));
        return;
      }
      for (Tf.Block b : r.file().blocks()) {
        if (b.type().equals("variable") && TfVariables.mayHoldSecret(b)) {
          checkVariable(file, b, sink);
        }
      }
      new TfSecretChecks(r.file(), sink).run();
      new TfProvisioners(r.file(), sink).run();
    };
  }

  /**
   * A secret variable either bakes a literal secret in as its default (reported at the default)
   * or, without one, must be marked sensitive (reported at the block, which lacks it). A default
   * that is empty, a placeholder or shaped like a setting is not a baked secret.
   */
  private static void checkVariable(SourceFile file, Tf.Block b, Sink sink) {
    String name = b.label(0);
    Tf.Attr def = b.attr("default");
    if (def != null && TfVariables.bakedSecret(name, def.value())) {
      sink.report(TerraformRules.SECRET_VARIABLE.at(file.location(def.line(), def.column()),
          "variable '" + name + "' has a literal default value").withKey("var." + name));
    } else if (!b.isTrue("sensitive")) {
      sink.report(TerraformRules.SECRET_VARIABLE.at(file.location(b.line(), b.column()),
          "variable '" + name + "' is not marked sensitive = true").withKey("var." + name));
    }
  }
}
