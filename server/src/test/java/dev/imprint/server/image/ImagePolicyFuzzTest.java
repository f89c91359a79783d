package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.FuzzText;

/**
 * Fuzzes the operator's image policy file: any text is a policy or an
 * {@link IllegalArgumentException} whose message names the file; never another exception. A
 * policy read is stable: the form the API serves ({@link ImagePolicy#describe()}), read back as
 * a policy file, is the same policy, so it decides every image the same way.
 */
class ImagePolicyFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "1m")
  void parseGivesAPolicyOrANamedError(byte[] data) throws Exception {
    String text = FuzzText.of(data);
    ImagePolicy policy;
    try {
      policy = ImagePolicy.parse(text, "policy.yaml");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("policy.yaml");
      return;
    }
    assertThat(policy).isNotNull();
    String served = JSON.writeValueAsString(policy.describe());
    ImagePolicy again = ImagePolicy.parse(served, "served.json");
    assertThat(again).as("the served form read back").isEqualTo(policy);
    assertThat(again.describe()).isEqualTo(policy.describe());
  }
}
