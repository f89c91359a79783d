package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/** Placeholder until the kubernetes reader and its rules land. */
public final class KubernetesAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "kubernetes";
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
