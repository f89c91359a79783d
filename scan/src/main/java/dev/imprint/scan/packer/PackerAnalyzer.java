package dev.imprint.scan.packer;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/**
 * Reads Packer templates ({@code *.pkr.hcl}, {@code *.pkr.json} and legacy JSON templates) and
 * reports baked secrets, untrusted or mutable base images and unverified build inputs.
 */
public final class PackerAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "packer";
  }

  @Override
  public List<Rule> rules() {
    return PackerRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return PackerAnalyzer::analyze;
  }

  private static void analyze(SourceFile file, Sink sink) {
    if (!PackerReader.candidate(file.name())) {
      return;
    }
    PackerReader.Result result = PackerReader.read(file);
    if (result instanceof PackerReader.Failed f) {
      sink.diagnose(new Diagnostic(file.location(f.line(), f.column()),
          Diagnostic.Kind.PARSE_ERROR, "Packer template: " + f.message()));
    } else if (result instanceof PackerReader.Parsed p) {
      PackerChecks.run(file, p.template(), sink);
    }
  }
}
