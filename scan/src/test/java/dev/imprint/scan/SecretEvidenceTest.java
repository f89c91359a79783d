package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretEvidenceTest {
  @Test
  void redactedFormNeverHoldsMoreThanAShortPrefix() {
    SecretEvidence e = SecretEvidence.of("ComplexPassword123");
    assertThat(e.redacted()).startsWith("Comp").doesNotContain("Password123").endsWith("(18)");
    assertThat(SecretEvidence.of("hunter2").redacted()).isEqualTo("*******(7)");
  }

  @Test
  void fingerprintIsStablePerValueAndDiffersBetweenValues() {
    assertThat(SecretEvidence.of("abc123456").fingerprint())
        .isEqualTo(SecretEvidence.of("abc123456").fingerprint())
        .isNotEqualTo(SecretEvidence.of("abc123457").fingerprint())
        .hasSize(16);
  }
}
