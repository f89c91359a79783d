package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UtcTimestampTest {
  /** What the text log printed before, through logback's %d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC}. */
  private static final DateTimeFormatter BEFORE = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Test
  void printsWhatTheDatePatternPrintedForEveryMillisecondKind() {
    List<Long> times = new ArrayList<>(List.of(0L, 1L, 999L, 1000L, 1001L, 59_999L, 60_000L,
        1_796_635_702_417L, 1_796_635_702_000L, 1_796_635_702_999L, 1_796_635_703_000L,
        -1L, -1000L, -1001L, 4_102_444_799_999L));
    Random random = new Random(7);
    long now = 1_796_635_702_417L;
    for (int i = 0; i < 5_000; i++) {
      // runs within one second and across seconds, in and out of order
      now += random.nextInt(3) == 0 ? random.nextInt(5_000) - 1_000 : random.nextInt(7);
      times.add(now);
    }
    UtcTimestamp t = new UtcTimestamp();
    assertThat(times).hasSizeGreaterThan(5_000).allSatisfy(ms -> assertThat(t.format(ms))
        .as("at %d", ms).isEqualTo(BEFORE.format(Instant.ofEpochMilli(ms))));
  }

  @Test
  void textLogLineStartsWithTheUtcTime() {
    String line;
    long before = System.currentTimeMillis();
    try (LogCapture log = LogCapture.start(ServerConfig.LogFormat.TEXT)) {
      LoggerFactory.getLogger("imprint.request").info("GET /healthz 200 0.1ms token=-");
      line = log.lines().get(0);
    }
    long after = System.currentTimeMillis();
    assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  "
        + "imprint.request - GET /healthz 200 0.1ms token=-");
    long at = Instant.from(BEFORE.parse(line.substring(0, 24))).toEpochMilli();
    assertThat(at).isBetween(before, after);
  }
}
