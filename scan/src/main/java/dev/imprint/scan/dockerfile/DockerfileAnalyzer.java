package dev.imprint.scan.dockerfile;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/** Reads Dockerfiles and Containerfiles and runs the IMP-DOCKER rules over them. */
public final class DockerfileAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "dockerfile";
  }

  @Override
  public List<Rule> rules() {
    return DockerfileRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return (SourceFile file, Sink sink) -> {
      if (!DockerfileParser.isDockerfile(file.name(), file.text())) {
        return;
      }
      Dockerfile df = DockerfileParser.parse(file);
      for (Diagnostic d : df.diagnostics()) {
        sink.diagnose(d);
      }
      new DockerfileChecks(file, df, settings, sink).run();
    };
  }
}
