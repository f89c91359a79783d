package dev.imprint.scan.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.FuzzInput;

/**
 * Fuzzes the shared YAML reader: any bounded input gives documents or a located problem, never an
 * exception, a stack overflow or an unbounded expansion (alias bombs stop at the node limit).
 */
class YamlReaderFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void readNeverThrowsAndLocatesEveryProblem(byte[] data) {
    String text = FuzzInput.text(data);

    YamlReader.Result result = YamlReader.read(text);

    assertThat(result.documents()).isNotNull();
    if (!result.ok()) {
      assertThat(result.problem().line()).isPositive();
      assertThat(result.problem().column()).isPositive();
      assertThat(result.problem().message()).isNotBlank();
    }
  }
}
