package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SecretAnalyzerTest {
  private static final String PASSWORD = "q7Z!x9Lm2pR4wT8v";

  private static List<Finding> analyze(String path, String text) {
    List<Finding> out = new ArrayList<>();
    new SecretAnalyzer().start(ScanSettings.defaults()).analyze(SourceFile.of(path, text),
        new Analyzer.Sink() {
          @Override
          public void report(Finding finding) {
            out.add(finding);
          }

          @Override
          public void diagnose(Diagnostic diagnostic) {}
        });
    return out;
  }

  @Test
  void findingIsAtTheExactLineAndColumnOfTheSecret() {
    List<Finding> found = analyze("app/config.py",
        "import os\n\n  db_password = \"" + PASSWORD + "\"\n");
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-SECRET-033");
      assertThat(f.location().line()).isEqualTo(3);
      assertThat(f.location().column()).isEqualTo(18);
      assertThat(f.key()).startsWith("generic-assignment:");
      assertThat(f.secret()).isNotNull();
    });
  }

  @Test
  void messageNamesTheKindOfSecret() {
    String url = "postgres://app:" + PASSWORD + "@db/app";
    assertThat(analyze("a.env", url)).singleElement()
        .satisfies(f -> assertThat(f.message()).startsWith("password in a URL"));
  }

  @Test
  void filesUnderGitAreNotReported() {
    assertThat(analyze(".git/config", "db_password = \"" + PASSWORD + "\"")).isEmpty();
    assertThat(analyze("sub/.git/config", "db_password = \"" + PASSWORD + "\"")).isEmpty();
  }

  @Test
  void noFixtureValueEverAppearsInAnyFindingField() throws IOException {
    Path root = Path.of("src/test/resources/rules");
    List<Path> positives;
    try (Stream<Path> s = Files.walk(root)) {
      positives = s.filter(p -> p.toString().contains("IMP-SECRET-")
          && p.toString().contains("/positive/") && Files.isRegularFile(p)).toList();
    }
    assertThat(positives).hasSizeGreaterThan(30);
    for (Path p : positives) {
      String text = Files.readString(p);
      List<SecretHit> hits = SecretDetectors.find(p.getFileName().toString(), text);
      // Every analyzer: some fixtures hold a secret a typed analyzer decodes (a ConfigMap).
      List<Finding> findings = dev.imprint.scan.Scanner.create(ScanSettings.defaults()
          .withThreads(1)).scanSources(List.of(SourceFile.of(p.getFileName().toString(), text)))
          .findings().stream().filter(f -> f.secret() != null).toList();
      assertThat(findings).as("findings in %s", p).isNotEmpty();
      for (SecretHit hit : hits) {
        String raw = text.substring(hit.start(), hit.end());
        int mid = raw.length() / 2;
        String probe = raw.length() > 12 ? raw.substring(mid - 5, mid + 5) : raw;
        for (Finding f : findings) {
          assertThat(f.toString()).doesNotContain(probe).doesNotContain(raw);
          assertThat(f.message()).doesNotContain(probe);
          assertThat(String.valueOf(f.key())).doesNotContain(probe);
          assertThat(f.secret().redacted()).doesNotContain(probe);
          assertThat(hit.toString()).doesNotContain(probe);
        }
      }
    }
  }
}
