package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.server.testing.FuzzText;

/**
 * Fuzzes the operator's image policy file: any text is a policy or an
 * {@link IllegalArgumentException} whose message names the file; never another exception.
 */
class ImagePolicyFuzzTest {
  @FuzzTest(maxDuration = "1m")
  void parseGivesAPolicyOrANamedError(byte[] data) {
    String text = FuzzText.of(data);
    try {
      assertThat(ImagePolicy.parse(text, "policy.yaml")).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("policy.yaml");
    }
  }
}
