package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretEvidenceTest {
  static final FingerprintKey KEY = FingerprintKey.of("k".repeat(16) + "0123456789abcdef");

  @Test
  void aChosenValueShowsNoCharacterAndAProviderFormatAShortPrefix() {
    SecretEvidence chosen = SecretEvidence.of("ComplexPassword123");
    assertThat(chosen.redacted()).isEqualTo("********(18)");
    assertThat(SecretEvidence.of("hunter2").redacted()).isEqualTo("*******(7)");
    SecretEvidence format = SecretEvidence.ofFormat("AKIAQ3EGWZ7LNE5TCKXB");
    assertThat(format.redacted()).isEqualTo("AKIA********(20)");
    assertThat(format.format()).isTrue();
    assertThat(chosen.format()).isFalse();
  }

  @Test
  void fingerprintIsStablePerValueUnderOneKeyAndDiffersBetweenValues() {
    assertThat(SecretEvidence.of("abc123456").keyed(KEY).fingerprint())
        .isEqualTo(SecretEvidence.of("abc123456").keyed(KEY).fingerprint())
        .isNotEqualTo(SecretEvidence.of("abc123457").keyed(KEY).fingerprint())
        .hasSize(16);
  }

  @Test
  void fingerprintDependsOnTheKeySoAReaderWithoutItCannotTestGuesses() throws Exception {
    FingerprintKey other = FingerprintKey.of("x".repeat(32));
    SecretEvidence e = SecretEvidence.of("q7Z!x9Lm2pR4#vT8");
    assertThat(e.keyed(KEY).fingerprint()).isNotEqualTo(e.keyed(other).fingerprint())
        .isNotEqualTo(e.keyed(FingerprintKey.ephemeral()).fingerprint());
    // The unkeyed digest of 0.1 (the attack: hash guesses and compare) is not what is shown.
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    String unkeyed = HexFormat.of().formatHex(sha.digest(("imprint-secret-v1\0q7Z!x9Lm2pR4#vT8")
        .getBytes(StandardCharsets.UTF_8)), 0, 8);
    assertThat(e.keyed(KEY).fingerprint()).isNotEqualTo(unkeyed);
    assertThat(e.legacyFingerprint()).isEqualTo(unkeyed);
    assertThat(e.toString()).doesNotContain(unkeyed).doesNotContain("q7Z!");
  }

  @Test
  void aConfiguredKeyIsStableAcrossInstancesAndTheEphemeralOneIsNotConfigured() {
    String text = "0123456789abcdef0123456789abcdef";
    String value = "v4lue-Qx9#Lm2pR7t";
    assertThat(SecretEvidence.of(value).keyed(FingerprintKey.of(text)).fingerprint())
        .isEqualTo(SecretEvidence.of(value).keyed(FingerprintKey.of(" " + text + "\n"))
            .fingerprint());
    assertThat(FingerprintKey.of(text).configured()).isTrue();
    assertThat(FingerprintKey.ephemeral().configured()).isFalse();
    assertThat(FingerprintKey.of(text).toString()).doesNotContain("0123");
  }

  @Test
  void aShortKeyIsRefusedWithItsLength() {
    assertThatThrownBy(() -> FingerprintKey.of("short"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32")
        .hasMessageContaining("got 5");
  }

  @Test
  void placeholdersAreMarkedOnTheEvidence() {
    assertThat(SecretEvidence.of("changeme").placeholder()).isTrue();
    assertThat(SecretEvidence.of("${DB_PASSWORD}").placeholder()).isTrue();
    assertThat(SecretEvidence.of("q7Z!x9Lm2pR4").placeholder()).isFalse();
  }
}
