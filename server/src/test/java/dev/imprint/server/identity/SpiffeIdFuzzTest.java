package dev.imprint.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.testing.FuzzText;

/**
 * Fuzzes SPIFFE ID parsing (SPIFFE-ID standard, section 2): any text is an ID that prints back
 * to itself, or a 400 {@code identity.spiffe_id_invalid} problem; never another exception.
 */
class SpiffeIdFuzzTest {
  @FuzzTest(maxDuration = "1m")
  void parseGivesAnIdThatRoundTripsOrASpiffeProblem(byte[] data) {
    String text = FuzzText.of(data);
    try {
      SpiffeId id = SpiffeId.parse(text);
      assertThat(id.toString()).isEqualTo(text);
      assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
    } catch (ApiProblem p) {
      assertThat(p.status()).isEqualTo(400);
      assertThat(p.code()).isEqualTo("identity.spiffe_id_invalid");
      assertThat(p.detail()).isNotBlank();
    }
  }
}
