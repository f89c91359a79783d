package dev.imprint.authz;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A weekly window: on one of {@code days}, at or after {@code start} and before {@code end}, in
 * {@code zone}.
 */
public record TimeWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
  public TimeWindow {
    days = Set.copyOf(days);
    if (!start.isBefore(end)) {
      throw new AuthzException("grant.condition", "expected a time window with start before end,"
          + " got " + start + " to " + end + " (a window across midnight is two grants)");
    }
  }

  /** Whether {@code time} falls in the window. */
  public boolean contains(Instant time) {
    ZonedDateTime local = time.atZone(zone);
    LocalTime t = local.toLocalTime();
    return days.contains(local.getDayOfWeek()) && !t.isBefore(start) && t.isBefore(end);
  }
}
