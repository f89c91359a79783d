package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzzes the whole in-memory pipeline ({@link Scanner#scanSources}) with every built-in analyzer.
 * The input's first line is the file name (so the fuzzer reaches every reader), the rest its
 * content. The scanner turns an analyzer's exception into an {@code internal_error} diagnostic so
 * a user never sees a stack trace; this test treats that diagnostic as the crash it is.
 */
class ScanPipelineFuzzTest {
  private static final Scanner SCANNER = Scanner.create(ScanSettings.defaults());

  @FuzzTest(maxDuration = "2m")
  void scanSourcesNeverFailsOnAnyFile(byte[] data) {
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
    assertThat(report.findings()).allSatisfy(f -> {
      assertThat(f.location().line()).isNotNegative();
      assertThat(f.fingerprint()).isNotBlank();
    });
  }
}
