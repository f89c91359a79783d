package dev.imprint.scan.terraform;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Category;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.Secrets;
import java.util.List;

/** Reads Terraform {@code .tf} files and reports those it cannot read as parse errors. */
public final class TerraformAnalyzer implements Analyzer {
  static final Rule SECRET_VARIABLE = Rule.builder("IMP-TF-001")
      .title("Secret-like Terraform variable with a default or not marked sensitive")
      .severity(Severity.MEDIUM).category(Category.NHI2)
      .rationale("A variable named like a credential is printed in plan output and logs unless "
          + "it is marked sensitive, and a literal default puts the credential into the "
          + "repository where every clone and fork keeps it.")
      .remediation("Declare the variable with sensitive = true and no default, and supply the "
          + "value at run time from a secret store or the CI secret context (TF_VAR_...).")
      .example("variable \"db_password\" {\n  default = \"hunter2\"\n}",
          "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}")
      .tags("terraform", "secrets").build();

  @Override
  public String name() {
    return "terraform";
  }

  @Override
  public List<Rule> rules() {
    return List.of(SECRET_VARIABLE);
  }

  @Override
  public Session start(ScanSettings settings) {
    return (SourceFile file, Sink sink) -> {
      if (!file.lowerName().endsWith(".tf")) {
        return;
      }
      TfReader.Result r = TfReader.parse(file);
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
    };
  }

  private static void checkVariable(SourceFile file, Tf.Block b, Sink sink) {
    String name = b.label(0);
    String def = b.literal("default");
    boolean literalDefault = def != null && !def.isBlank() && !Secrets.isPlaceholder(def);
    if (literalDefault) {
      Tf.Attr a = b.attr("default");
      sink.report(SECRET_VARIABLE.at(file.location(a.line(), a.column()),
          "variable '" + name + "' has a literal default value").withKey("var." + name));
    } else if (!b.isTrue("sensitive")) {
      sink.report(SECRET_VARIABLE.at(file.location(b.line(), b.column()),
          "variable '" + name + "' is not marked sensitive = true").withKey("var." + name));
    }
  }
}
