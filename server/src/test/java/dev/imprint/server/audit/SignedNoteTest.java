package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The signed-note wire format against the reference vector of golang.org/x/mod/sumdb/note. */
class SignedNoteTest {
  private static final String VERIFIER =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  private static final String SIGNER_KEY_DATA = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  private static final String TEXT = "If you think cryptography is the answer to your problem,\n"
      + "then you don't know what your problem is.\n";
  private static final String NOTE = TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFu"
      + "pLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

  @Test
  void signingTheReferenceTextWithTheReferenceKeyGivesTheReferenceNote() {
    byte[] raw = Base64.getDecoder().decode(SIGNER_KEY_DATA);
    assertThat(raw[0]).isEqualTo((byte) 1);
    CheckpointSigner signer = new CheckpointSigner("PeterNeumann", Arrays.copyOfRange(raw, 1, 33));
    assertThat(signer.verifierKey().encoded()).isEqualTo(VERIFIER);
    assertThat(signer.signText(TEXT)).isEqualTo(NOTE);
    assertThat(signer.toString()).doesNotContain(SIGNER_KEY_DATA).contains("redacted");
  }

  @Test
  void theReferenceVerifierKeyOpensTheReferenceNoteAndRefusesAlteredOnes() {
    VerifierKey key = VerifierKey.parse(VERIFIER);
    assertThat(key.encoded()).isEqualTo(VERIFIER);
    assertThat(key.open(NOTE)).isEqualTo(TEXT);
    assertThatThrownBy(() -> key.open(NOTE.replace("answer", "Answer")))
        .hasMessageContaining("no valid signature by key 'PeterNeumann'");
    assertThatThrownBy(() -> key.open(NOTE.replace("x08go", "x08gp")))
        .hasMessageContaining("no valid signature");
    assertThatThrownBy(() -> VerifierKey.parse(VERIFIER.replace("c74f20a3", "c74f20a4")))
        .hasMessageContaining("does not match its name and key");
    assertThatThrownBy(() -> VerifierKey.parse("PeterNeumann+c74f20a3"))
        .hasMessageContaining("NAME+HASH+KEY");
  }

  @Test
  void aCheckpointBodyHasOriginSizeAndBase64RootLines() {
    Checkpoint cp = new Checkpoint("example.org/imprint-audit", 7, new byte[32]);
    assertThat(cp.body()).isEqualTo("example.org/imprint-audit\n7\n"
        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    assertThat(Checkpoint.parse(cp.body())).isEqualTo(cp);
    assertThatThrownBy(() -> Checkpoint.parse("o\n07\nAAAA\n"))
        .hasMessageContaining("decimal tree size on line 2, got '07'");
    assertThatThrownBy(() -> Checkpoint.parse("o\n7\nAAAA\n"))
        .hasMessageContaining("32-byte root hash, got 3");
  }
}
