package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  static final Rule BAD = Rule.builder("IMP-TEST-001").title("Line says BAD")
      .severity(Severity.HIGH).category(Category.NHI2).rationale("r").remediation("m")
      .example("BAD", "GOOD").build();
  static final Rule SECRET = Rule.builder("IMP-SECRET-900").title("Generic secret")
      .severity(Severity.MEDIUM).category(Category.NHI2).rationale("r").remediation("m")
      .example("x", "y").build();
  static final Rule TYPED = Rule.builder("IMP-DOCKER-900").title("Typed secret")
      .severity(Severity.CRITICAL).category(Category.NHI2).rationale("r").remediation("m")
      .example("x", "y").build();

  /** Reports BAD on every line containing "BAD"; reports "pw=" values twice, as two rules. */
  static final class LineAnalyzer implements Analyzer {
    @Override
    public String name() {
      return "line";
    }

    @Override
    public List<Rule> rules() {
      return List.of(BAD, SECRET, TYPED);
    }

    @Override
    public Session start(ScanSettings settings) {
      return (file, sink) -> {
        for (int n = 1; n <= file.lineCount(); n++) {
          String line = file.line(n);
          if (line.contains("BAD")) {
            sink.report(BAD.at(file.location(n), "found BAD").withKey(line.trim()));
          }
          if (line.startsWith("pw=")) {
            SecretEvidence e = SecretEvidence.of(line.substring(3));
            sink.report(SECRET.at(file.location(n), "secret").withSecret(e));
            sink.report(TYPED.at(file.location(n), "typed secret").withSecret(e));
          }
          if (line.contains("CRASH")) {
            throw new IllegalStateException("boom with secret hunter2");
          }
        }
      };
    }
  }

  @TempDir
  Path dir;

  final Clock clock = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);

  ScanReport scan(ScanSettings settings) {
    return Scanner.create(settings, List.of(new LineAnalyzer()), clock).scan(List.of(dir));
  }

  ScanReport scan() {
    return scan(ScanSettings.defaults());
  }

  void write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  @Test
  void findingsCarryRootRelativePathsAndLines() throws IOException {
    write("a/b.txt", "ok\nBAD here\n");
    ScanReport r = scan();
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.location().path()).endsWith("a/b.txt");
      assertThat(f.location().line()).isEqualTo(2);
      assertThat(f.fingerprint()).hasSize(32);
    });
    assertThat(r.filesScanned()).isEqualTo(1);
  }

  @Test
  void binaryLargeAndNonUtf8FilesAreSkippedWithANote() throws IOException {
    Files.write(dir.resolve("bin"), new byte[] {'B', 'A', 'D', 0, 1});
    Files.write(dir.resolve("latin1"), "BAD caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    write("big", "BAD\n".repeat(100));
    write("fine", "BAD\n");
    ScanReport r = scan(ScanSettings.defaults().withMaxFileBytes(100));
    assertThat(r.findings()).extracting(f -> f.location().path()).allMatch(p -> p.endsWith("fine"));
    assertThat(r.diagnostics()).extracting(Diagnostic::message)
        .anyMatch(m -> m.contains("binary"))
        .anyMatch(m -> m.contains("not UTF-8"))
        .anyMatch(m -> m.contains("larger than"));
    assertThat(r.filesSkipped()).isEqualTo(3);
  }

  @Test
  void symlinkLoopIsSkippedAndTheRestIsScanned() throws IOException {
    write("sub/x.txt", "BAD\n");
    Files.createSymbolicLink(dir.resolve("sub/loop"), dir.resolve("sub"));
    ScanReport r = scan();
    assertThat(r.findings()).hasSize(1);
    assertThat(r.diagnostics()).extracting(Diagnostic::message).contains("symbolic link loop");
  }

  @Test
  void missingTargetIsAnError() {
    assertThatThrownBy(() -> Scanner.create(ScanSettings.defaults())
        .scan(List.of(dir.resolve("nope"))))
        .isInstanceOf(Scanner.TargetException.class).hasMessageContaining("does not exist");
  }

  @Test
  @InternalErrorGuard.Expected
  void analyzerCrashIsAnInternalErrorNamingTheFileWithoutItsMessage() throws IOException {
    write("crash.txt", "BAD CRASH\n");
    write("other.txt", "BAD\n");
    long before = InternalErrors.count();
    ScanReport r = scan();
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Diagnostic.Kind.INTERNAL_ERROR);
      assertThat(d.location().path()).endsWith("crash.txt");
      assertThat(d.message()).contains("internal error", "line reader",
          "IllegalStateException at ScannerTest").doesNotContain("hunter2");
    });
    assertThat(InternalErrors.count()).isEqualTo(before + 1);
    assertThat(r.findings()).extracting(f -> f.location().path())
        .anyMatch(p -> p.endsWith("other.txt"));
  }

  @Test
  void inlineIgnoreWithReasonSuppressesSameAndNextLine() throws IOException {
    write("x.txt", "BAD # imprint:ignore IMP-TEST-001 test data\n"
        + "# imprint:ignore IMP-TEST-001 fixture for docs\nBAD next\nBAD kept\n");
    ScanReport r = scan();
    assertThat(r.findings()).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(4));
    assertThat(r.suppressed()).isEqualTo(2);
  }

  @Test
  void inlineIgnoreWithoutReasonOrExpiredIsNotHonoured() throws IOException {
    write("x.txt", "BAD # imprint:ignore IMP-TEST-001\n"
        + "BAD # imprint:ignore IMP-TEST-001 old until=2026-01-01\n"
        + "BAD # imprint:ignore IMP-TEST-001 fine until=2027-01-01\n");
    ScanReport r = scan();
    assertThat(r.findings()).extracting(f -> f.location().line()).containsExactly(1, 2);
    assertThat(r.diagnostics()).extracting(Diagnostic::message)
        .anyMatch(m -> m.contains("no reason")).anyMatch(m -> m.contains("expired"));
  }

  @Test
  void inlineIgnoresCanBeForbidden() throws IOException {
    write("x.txt", "BAD # imprint:ignore IMP-TEST-001 because\n");
    assertThat(scan(ScanSettings.defaults().withInlineIgnores(false)).findings()).hasSize(1);
  }

  @Test
  void excludesDisabledRulesAndSeverityOverridesApply() throws IOException {
    write("keep/a.txt", "BAD\n");
    write("vendor/b.txt", "BAD\n");
    ScanReport r = scan(ScanSettings.defaults().withExcludes(List.of("vendor/"))
        .withSeverityOverrides(java.util.Map.of("IMP-TEST-001", Severity.LOW)));
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.location().path()).contains("keep/");
      assertThat(f.severity()).isEqualTo(Severity.LOW);
    });
    assertThat(scan(ScanSettings.defaults().withDisabledRules(java.util.Set.of("IMP-TEST-001")))
        .findings()).isEmpty();
  }

  @Test
  void oneSecretOnOneLineIsReportedOnceByTheTypedRule() throws IOException {
    write("x.txt", "pw=Sup3rS3cretValue!\n");
    ScanReport r = scan();
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("IMP-DOCKER-900");
      assertThat(f.secret().redacted()).doesNotContain("S3cretValue");
    });
  }

  @Test
  void fingerprintsSurviveMovedLinesAndTellDuplicatesApart() throws IOException {
    write("x.txt", "BAD one\nBAD two\n");
    List<String> before = fingerprints(scan());
    write("x.txt", "\n\n\nBAD two\nfoo\nBAD one\n");
    List<String> after = fingerprints(scan());
    assertThat(after).containsExactlyInAnyOrderElementsOf(before);
    write("x.txt", "BAD one\nBAD one\n");
    assertThat(fingerprints(scan())).doesNotHaveDuplicates();
  }

  @Test
  void scansInParallelAndFindsEveryFile() throws IOException {
    for (int i = 0; i < 300; i++) {
      write("d" + (i % 7) + "/f" + i + ".txt", "ok\nBAD " + i + "\n");
    }
    ScanReport r = scan(ScanSettings.defaults().withThreads(4));
    assertThat(r.findings()).hasSize(300);
    List<String> paths = new ArrayList<>(r.findings().stream()
        .map(f -> f.location().path()).toList());
    assertThat(paths).isSorted();
  }

  private static List<String> fingerprints(ScanReport r) {
    return r.findings().stream().map(Finding::fingerprint).toList();
  }
}
