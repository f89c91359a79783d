package dev.imprint.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Fuzzes the grant parser and the decider: any bounded text gives a grant set whose problems are
 * diagnostics located inside the file (never an exception), and any request strings give a
 * decision (a malformed request is a deny with reason {@code invalid_request}, never a throw).
 */
class GrantParserFuzzTest {
  static final int MAX_BYTES = 64 * 1024;
  private static final Decider DECIDER = new Decider(GrantParser.parse("seed.yaml",
      "apiVersion: imprint.dev/v1\nkind: Grants\ngrants:\n"
          + "  - {id: a, subject: \"spiffe://td/a/*\", resource: \"topic:x/*\", actions: [read]}\n"
          + "  - {id: h, subject: spiffe://td/b, resource: \"http:spiffe://td/c\","
          + " methods: [GET], paths: [/a/*]}\n").policy(0));

  @FuzzTest(maxDuration = "2m")
  void parseNeverThrowsAndLocatesEveryDiagnostic(byte[] data) {
    String text = text(data);
    GrantSet set = GrantParser.parse("grants/fuzz.yaml", text);
    long lines = text.lines().count() + 1;
    assertThat(set.diagnostics()).allSatisfy(d -> {
      assertThat(d.location().file()).isEqualTo("grants/fuzz.yaml");
      assertThat((long) d.location().line()).isBetween(0L, lines + 1);
      assertThat(d.message()).isNotBlank();
    });
    if (!set.hasErrors()) {
      assertThat(set.policy(0).grants()).hasSameSizeAs(set.grants());
    }
  }

  @FuzzTest(maxDuration = "2m")
  void decideNeverThrowsAndDeniesWhatItCannotRead(FuzzedDataProvider in) {
    Request r = new Request(in.consumeString(200), in.consumeString(40), in.consumeString(200),
        Map.of("path", in.consumeString(100), "imageApproved", in.consumeString(6)),
        Instant.ofEpochSecond(in.consumeLong(0, 4_102_444_800L)));
    Decision d = DECIDER.decide(r);
    if (d.allowed()) {
      assertThat(d.grants()).isNotEmpty();
      assertThat(r.subject()).startsWith("spiffe://td/");
    }
  }

  static String text(byte[] data) {
    int n = Math.min(data.length, MAX_BYTES);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(data, 0, n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new AssertionError("REPLACE never throws", e);
    }
  }
}
