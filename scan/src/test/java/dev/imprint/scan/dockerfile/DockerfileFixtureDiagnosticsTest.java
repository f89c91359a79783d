package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rule fixtures are well-formed Dockerfiles: the parser reads them without a diagnostic. */
class DockerfileFixtureDiagnosticsTest {

  @Test
  void everyDockerRuleFixtureParsesCleanly() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("src/test/resources/rules"))) {
      files = s.filter(p -> p.toString().contains("IMP-DOCKER-") && Files.isRegularFile(p)
          && DockerfileParser.isDockerfileName(p.getFileName().toString())).toList();
    }
    assertThat(files).hasSizeGreaterThan(50);
    for (Path p : files) {
      Dockerfile df = DockerfileParser.parse(SourceFile.of(p.toString(), Files.readString(p)));
      assertThat(df.diagnostics()).as(p.toString()).isEmpty();
      assertThat(df.stages()).as(p.toString()).isNotEmpty();
    }
  }
}
