package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.FuzzInput;
import dev.imprint.scan.SourceFile;

/**
 * Fuzzes the Dockerfile parser: any bounded text gives a best-effort model whose problems are
 * diagnostics with a location inside the file, never an exception or a stack overflow.
 */
class DockerfileParserFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void parseNeverThrowsAndLocatesEveryDiagnostic(byte[] data) {
    SourceFile file = SourceFile.of("Dockerfile", FuzzInput.text(data));

    Dockerfile parsed = DockerfileParser.parse(file);

    assertThat(parsed.stages()).isNotNull();
    assertThat(parsed.diagnostics()).allSatisfy(d -> {
      assertThat(d.location().path()).isEqualTo("Dockerfile");
      assertThat(d.location().line()).isBetween(0, file.lineCount() + 1);
      assertThat(d.message()).isNotBlank();
    });
  }
}
