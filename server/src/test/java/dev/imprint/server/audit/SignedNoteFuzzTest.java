package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.server.testing.FuzzText;

/**
 * Fuzzes the signed-note side of checkpoints (C2SP signed note, tlog-checkpoint): a verifier
 * key, a note and a checkpoint body parse or are refused with an {@link IllegalArgumentException}
 * that says what is wrong; nothing else escapes, and a note only verifies with a real signature.
 */
class SignedNoteFuzzTest {
  private static final VerifierKey KEY = VerifierKey.parse(
      "imprint.local/imprint-audit+6ec27a21+AVUrpj+j44z+RWOASNN5/6E2kgrirGpY3xAr1wLK9FCX");

  @FuzzTest(maxDuration = "2m")
  void parsingNotesAndKeysNeverThrowsAnythingButIllegalArgument(byte[] data) {
    String text = FuzzText.of(data);
    try {
      VerifierKey k = VerifierKey.parse(text);
      assertThat(VerifierKey.parse(k.encoded()).encoded()).isEqualTo(k.encoded());
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      Checkpoint cp = KEY.verify(text);
      assertThat(cp.origin()).isEqualTo("imprint.local/imprint-audit");
      assertThat(cp.size()).isNotNegative();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      Checkpoint cp = Checkpoint.parse(text);
      assertThat(cp.size()).isNotNegative();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
