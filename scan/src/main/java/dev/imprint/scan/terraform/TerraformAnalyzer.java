package dev.imprint.scan.terraform;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.Secrets;
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
        if (b.type().equals("variable") && Secrets.isSecretName(b.label(0))) {
          checkVariable(file, b, sink);
        }
      }
      new TfSecretChecks(r.file(), sink).run();
    };
  }

  private static void checkVariable(SourceFile file, Tf.Block b, Sink sink) {
    String name = b.label(0);
    String def = b.literal("default");
    boolean literalDefault = def != null && !def.isBlank() && !Secrets.isPlaceholder(def);
    if (literalDefault) {
      Tf.Attr a = b.attr("default");
      sink.report(TerraformRules.SECRET_VARIABLE.at(file.location(a.line(), a.column()),
          "variable '" + name + "' has a literal default value").withKey("var." + name));
    } else if (!b.isTrue("sensitive")) {
      sink.report(TerraformRules.SECRET_VARIABLE.at(file.location(b.line(), b.column()),
          "variable '" + name + "' is not marked sensitive = true").withKey("var." + name));
    }
  }
}
