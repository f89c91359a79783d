package dev.imprint.server.svid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The audience check of every JWT-SVID issuance, character by character. */
class AudiencesTest {
  @Test
  void anAudienceOfPrintableCharactersAnywhereInUnicodeIsAccepted() {
    String emoji = "\uD83D\uDD11"; // one code point, two chars
    assertThat(Audiences.check("bench")).isEqualTo("bench");
    assertThat(Audiences.check("spiffe://example.org/db é" + emoji)).endsWith(emoji);
    assertThat(Audiences.check(emoji.repeat(Audiences.MAX))).hasSize(2 * Audiences.MAX);
  }

  @Test
  void aControlOrFormatCharacterAnywhereIsRefused() {
    for (String bad : new String[] {"\u0007bell", "tab\there", "end\u0000",
        "zero\u200Bwidth", "\uD83D\uDD11\u2066isolate"}) {
      assertThatThrownBy(() -> Audiences.check(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("without control or format characters");
    }
  }

  @Test
  void lengthIsCountedInCodePoints() {
    assertThatThrownBy(() -> Audiences.check("\uD83D\uDD11".repeat(Audiences.MAX + 1)))
        .hasMessage("expected an audience of at most 256 characters, got 257");
  }
}
