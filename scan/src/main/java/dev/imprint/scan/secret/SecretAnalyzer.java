package dev.imprint.scan.secret;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/** Placeholder until the secret reader and its rules land. */
public final class SecretAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "secret";
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
