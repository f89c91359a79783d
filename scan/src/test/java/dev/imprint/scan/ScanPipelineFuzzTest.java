package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.report.ReportOptions;
import dev.imprint.scan.report.Reporters;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Fuzzes the whole in-memory pipeline ({@link Scanner#scanSources}) with every built-in analyzer.
 * The input's first line is the file name (so the fuzzer reaches every reader), the rest its
 * content. The scanner turns an analyzer's exception into an {@code internal_error} diagnostic so
 * a user never sees a stack trace; this test treats that diagnostic as the crash it is. Every
 * finding and diagnostic is placed inside the file, and neither the JSON nor the text report
 * ever holds a secret the detectors see in the input (only its redacted form).
 */
class ScanPipelineFuzzTest {
  private static final Scanner SCANNER = Scanner.create(ScanSettings.defaults());
  private static final ReportOptions OPTIONS = new ReportOptions(false, "fuzz",
      Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @FuzzTest(maxDuration = "2m")
  void scanSourcesNeverFailsOnAnyFile(byte[] data) throws IOException {
    String input = FuzzInput.text(data);
    int newline = input.indexOf('\n');
    String name = newline < 0 ? input : input.substring(0, newline);
    String content = newline < 0 ? "" : input.substring(newline + 1);
    name = name.strip();
    if (name.length() > 200) {
      name = name.substring(0, 200);
    }
    if (name.isEmpty()) {
      name = "file.txt";
    }

    ScanReport report = SCANNER.scanSources(List.of(SourceFile.of(name, content)));

    assertThat(report.diagnostics())
        .noneMatch(d -> d.kind() == Diagnostic.Kind.INTERNAL_ERROR);
    SourceFile file = SourceFile.of(name, content);
    int lines = Math.max(1, file.lineCount());
    assertThat(report.findings()).allSatisfy(f -> {
      assertThat(f.location().line()).as("line of %s", f.ruleId()).isBetween(0, lines);
      assertThat(f.fingerprint()).isNotBlank();
    });
    assertThat(report.diagnostics()).allSatisfy(d ->
        assertThat(d.location().line()).as("line of %s", d).isBetween(0, lines));
    // The report says where a secret is and shows it redacted: never the secret itself.
    StringWriter json = new StringWriter();
    StringWriter text = new StringWriter();
    Reporters.forFormat("json", OPTIONS).write(report, json);
    Reporters.forFormat("text", OPTIONS).write(report, text);
    for (SecretHit hit : SecretDetectors.find(name, content)) {
      String raw = content.substring(hit.start(), hit.end());
      if (raw.length() >= 12) {
        assertThat(json.toString()).as("JSON report").doesNotContain(raw);
        assertThat(text.toString()).as("text report").doesNotContain(raw);
      }
    }
  }
}
