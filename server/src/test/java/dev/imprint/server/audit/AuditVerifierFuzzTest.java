package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.server.testing.FuzzText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;

/**
 * Fuzzes offline verification, whose input is whatever file an auditor is handed: any bounded
 * text verifies, fails naming an entry and a reason, or is refused as not an export; never
 * another exception, a stack overflow or unbounded work.
 */
class AuditVerifierFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void verifyNeverThrowsAnythingButUnreadable(byte[] data) throws IOException {
    String text = FuzzText.of(data);
    AuditVerifier.Result result;
    try {
      result = AuditVerifier.verify(new BufferedReader(new StringReader(text)), null);
    } catch (AuditVerifier.UnreadableException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    if (result instanceof AuditVerifier.Failed f) {
      assertThat(f.seq()).isGreaterThanOrEqualTo(0);
      assertThat(f.reason()).isNotBlank();
    } else {
      AuditVerifier.Verified v = (AuditVerifier.Verified) result;
      assertThat(v.checkpoints()).isPositive();
      assertThat(v.keyPinned()).isFalse();
    }
  }
}
