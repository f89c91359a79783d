package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Truncated and mutated fixtures never make the reader or its rules throw. */
class DockerfileRobustnessTest {
  private static final Analyzer.Sink NOTHING = new Analyzer.Sink() {
    @Override
    public void report(Finding finding) {}

    @Override
    public void diagnose(Diagnostic diagnostic) {}
  };

  @Test
  void truncatedAndMutatedFixturesNeverThrow() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("src/test/resources/rules"))) {
      files = s.filter(p -> p.toString().contains("IMP-DOCKER-") && Files.isRegularFile(p)
          && DockerfileParser.isDockerfileName(p.getFileName().toString())).toList();
    }
    assertThat(files).as("Dockerfile fixtures").hasSizeGreaterThan(50);
    Analyzer.Session session = new DockerfileAnalyzer().start(ScanSettings.defaults());
    Random random = new Random(42);
    String noise = "\\`$\"'{}[]<<-EOF\n#=: |&;";
    for (Path p : files) {
      String text = Files.readString(p);
      for (int cut = 0; cut <= text.length(); cut += 3) {
        String t = text.substring(0, cut);
        assertThatCode(() -> session.analyze(SourceFile.of("Dockerfile", t), NOTHING))
            .as("%s cut at %d", p, cut).doesNotThrowAnyException();
      }
      for (int round = 0; round < 30; round++) {
        StringBuilder m = new StringBuilder(text);
        for (int k = 0; k < 4 && m.length() > 0; k++) {
          m.setCharAt(random.nextInt(m.length()), noise.charAt(random.nextInt(noise.length())));
        }
        String t = m.toString();
        assertThatCode(() -> session.analyze(SourceFile.of("Dockerfile", t), NOTHING))
            .as("%s mutated: %s", p, t).doesNotThrowAnyException();
      }
    }
  }

  @Test
  void pathologicalRunTextIsHandled() {
    Analyzer.Session session = new DockerfileAnalyzer().start(ScanSettings.defaults());
    String body = "sha256sum ".repeat(20_000) + "[".repeat(100_000) + "curl ".repeat(20_000)
        + "${".repeat(20_000) + "https://a:".repeat(10_000);
    String text = "FROM a:1\nRUN " + body + "\nRUN <<EOF\n" + body + "\nEOF\nENV " + body
        + "\n";
    assertThatCode(() -> session.analyze(SourceFile.of("Dockerfile", text), NOTHING))
        .doesNotThrowAnyException();
  }
}
