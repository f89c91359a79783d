package dev.imprint.scan.terraform;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/** Reads Terraform {@code .tf} files and reports those it cannot read as parse errors. */
public final class TerraformAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "terraform";
  }

  @Override
  public List<Rule> rules() {
    return List.of();
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
      }
    };
  }
}
