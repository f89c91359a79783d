package dev.imprint.authz;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * When a grant applies: the caller's environment is one of {@code environments} (when not
 * empty), the decision time is before {@code expires} (when set), inside {@code timeWindow}
 * (when set), and the caller's image is still approved (when {@code imageApproved}).
 */
public record Conditions(List<String> environments, Instant expires, TimeWindow timeWindow,
    boolean imageApproved) {
  private static final Conditions NONE = new Conditions(List.of(), null, null, false);

  public Conditions {
    environments = List.copyOf(Objects.requireNonNull(environments, "environments"));
  }

  /** No condition: the grant always applies. */
  public static Conditions none() {
    return NONE;
  }

  /** Whether there is no condition at all. */
  public boolean isEmpty() {
    return environments.isEmpty() && expires == null && timeWindow == null && !imageApproved;
  }

  boolean hold(String environment, Boolean approved, Instant time) {
    return why(environment, approved, time) == null;
  }

  /** Null when every condition holds, else the first that does not, in words. */
  String why(String environment, Boolean approved, Instant time) {
    if (expires != null && !time.isBefore(expires)) {
      return "expired at " + expires + " (decision time " + time + ")";
    }
    if (!environments.isEmpty()) {
      if (environment == null) {
        return "needs environment " + environments + ", the request has none";
      }
      if (!environments.contains(environment)) {
        return "needs environment " + environments + ", the request has '" + environment + "'";
      }
    }
    if (timeWindow != null && !timeWindow.contains(time)) {
      return "outside its time window (" + timeWindow.start() + "-" + timeWindow.end() + " "
          + timeWindow.zone() + " on " + timeWindow.days().size() + " day(s)) at " + time;
    }
    if (imageApproved && !Boolean.TRUE.equals(approved)) {
      return approved == null ? "needs an approved image, the request does not say"
          : "needs an approved image, the caller's image is not approved";
    }
    return null;
  }
}
