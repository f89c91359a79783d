package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.compose.ComposeAnalyzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every prefix and many single-character mutations of every compose and CI fixture go through
 * the readers and rules without an exception: broken input is a diagnostic or nothing.
 */
class CiRobustnessTest {
  static final Analyzer.Sink IGNORE = new Analyzer.Sink() {
    @Override
    public void report(Finding finding) {}

    @Override
    public void diagnose(Diagnostic diagnostic) {}
  };
  static final String NOISE = "{}[]()'\"$:-|\\#\n &*!%`";

  @Test
  void truncatedAndMutatedFixturesNeverThrow() throws IOException {
    List<Analyzer.Session> sessions = List.of(
        new CiAnalyzer().start(ScanSettings.defaults()),
        new ComposeAnalyzer().start(ScanSettings.defaults()));
    Random random = new Random(42);
    for (Path p : fixtures()) {
      String path = Path.of("src/test/resources/rules").relativize(p).toString()
          .replace('\\', '/');
      String text = Files.readString(p);
      for (int end = 0; end <= text.length(); end += 7) {
        run(sessions, path, text.substring(0, end));
      }
      for (int i = 0; i < 60 && !text.isEmpty(); i++) {
        StringBuilder sb = new StringBuilder(text);
        sb.setCharAt(random.nextInt(text.length()), NOISE.charAt(random.nextInt(NOISE.length())));
        run(sessions, path, sb.toString());
      }
    }
  }

  private static void run(List<Analyzer.Session> sessions, String path, String text) {
    for (Analyzer.Session s : sessions) {
      assertThatCode(() -> s.analyze(SourceFile.of(path, text), IGNORE))
          .as("%s with %d chars", path, text.length()).doesNotThrowAnyException();
    }
  }

  private static List<Path> fixtures() throws IOException {
    try (Stream<Path> s = Files.walk(Path.of("src/test/resources/rules"))) {
      List<Path> found = s.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*IMP-(COMPOSE|GHA|GITLAB|JENKINS)-.*"))
          .sorted().toList();
      assertThat(found).as("compose and CI fixtures").hasSizeGreaterThan(50);
      return found;
    }
  }
}
