package dev.imprint.scan.packer;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/** Placeholder until the packer reader and its rules land. */
public final class PackerAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "packer";
  }

  @Override
  public List<Rule> rules() {
    return List.of();
  }

  @Override
  public Session start(ScanSettings settings) {
    return (SourceFile file, Sink sink) -> {};
  }
}
