package dev.imprint.scan.dockerfile;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.GoTemplates;
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
      // A template engine's Dockerfile (Dockerfile.j2) is read as it renders: its {% if %}
      // lines hold no instruction and its {{ x }} are values decided at render time (read as
      // ${...} build variables). Only a template's braces are directives: a plain Dockerfile
      // may write {{.Id}} in a RUN for docker inspect.
      SourceFile read = file.template() ? file.withText(GoTemplates.neutralize(file.text(), false))
          : file;
      Dockerfile df = DockerfileParser.parse(read);
      for (Diagnostic d : df.diagnostics()) {
        sink.diagnose(d);
      }
      new DockerfileChecks(read, df, settings, sink).run();
    };
  }
}
