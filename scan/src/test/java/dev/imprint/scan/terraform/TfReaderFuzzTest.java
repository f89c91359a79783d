package dev.imprint.scan.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.FuzzInput;
import dev.imprint.scan.SourceFile;

/**
 * Fuzzes the shared Terraform/HCL reader: any bounded text gives blocks or the line and column
 * where reading stopped, inside the input, never an exception or a stack overflow.
 */
class TfReaderFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void parseNeverThrowsAndLocatesEveryFailure(byte[] data) {
    String text = FuzzInput.text(data);
    SourceFile file = SourceFile.of("main.tf", text);

    TfReader.Result result = TfReader.parse(file);

    if (result.ok()) {
      assertThat(result.file().blocks()).isNotNull();
      assertThat(result.message()).isNull();
    } else {
      assertThat(result.message()).isNotBlank();
      assertThat(result.line()).isPositive();
      assertThat(result.column()).isPositive();
      assertThat(offsetOf(text, result.line(), result.column()))
          .as("%d:%d lies within the input", result.line(), result.column())
          .isBetween(0, text.length());
    }
  }

  /** The 0-based offset of a 1-based line and column, or -1 when the line does not exist. */
  private static int offsetOf(String text, int line, int column) {
    int start = 0;
    for (int l = 1; l < line; l++) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        return -1;
      }
      start = nl + 1;
    }
    int nl = text.indexOf('\n', start);
    int end = nl < 0 ? text.length() : nl;
    int offset = start + column - 1;
    return offset <= end ? offset : -1;
  }
}
