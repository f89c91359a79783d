package dev.imprint.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A text log line's time, {@code 2026-12-07T09:15:02.417Z}: what {@code
 * %d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC}} prints, but formatted once per second rather than once per
 * millisecond (logback's cache), which under load was every request log line: a twentieth of the
 * request threads' samples in a profile of {@code /v1/svid/validate}.
 */
final class UtcTimestamp extends ClassicConverter {
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd'T'HH:mm:ss.", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A second and its text up to the millis; replaced whole, so readers never see a mix. */
  private record Cached(long second, String text) {}

  private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

  @Override
  public String convert(ILoggingEvent event) {
    return format(event.getTimeStamp());
  }

  String format(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    Cached c = cached;
    if (c.second() != second) {
      c = new Cached(second, SECOND.format(Instant.ofEpochSecond(second)));
      cached = c;
    }
    int millis = (int) Math.floorMod(epochMillis, 1000);
    return new StringBuilder(c.text().length() + 4).append(c.text())
        .append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
        .append((char) ('0' + millis % 10)).append('Z').toString();
  }
}
