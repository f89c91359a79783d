package dev.imprint.server.keys;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses lifetimes written as {@code 30s}, {@code 5m}, {@code 1h} or {@code 1h30m}. */
public final class Ttl {
  private static final Pattern FORM = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?"
      + "(?:(\\d{1,7})s)?");

  private Ttl() {}

  /**
   * The duration {@code text} names.
   *
   * @throws IllegalArgumentException naming the expected form and what was got
   */
  public static Duration parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text);
    if (m == null || text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("expected a duration such as 30s, 5m, 1h or 1h30m, got "
          + (text == null ? "none" : "'" + shown(text) + "'"));
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusHours(Long.parseLong(m.group(1)));
    }
    if (m.group(2) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(2)));
    }
    if (m.group(3) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(3)));
    }
    return d;
  }

  /** A duration the way {@link #parse} reads it, e.g. {@code 1h30m}. */
  public static String format(Duration d) {
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.length() == 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }

  private static String shown(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    StringBuilder b = new StringBuilder();
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
