package dev.imprint.authz;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A question to the decider: may {@code subject} (a SPIFFE ID) do {@code action} on
 * {@code resource} (never a pattern) at {@code time}, given {@code context} (keys {@code path},
 * {@code environment}, {@code imageApproved}, {@code identityStatus} have a meaning: see
 * docs/grants.md). Nothing is checked here: the decider denies a malformed request.
 */
public record Request(String subject, String action, String resource,
    Map<String, String> context, Instant time) {
  public Request {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    context = Map.copyOf(Objects.requireNonNull(context, "context"));
    Objects.requireNonNull(time, "time");
  }

  /** A request without context. */
  public static Request of(String subject, String action, String resource, Instant time) {
    return new Request(subject, action, resource, Map.of(), time);
  }

  /** This request with {@code key} set to {@code value} in its context. */
  public Request with(String key, String value) {
    java.util.HashMap<String, String> c = new java.util.HashMap<>(context);
    c.put(key, value);
    return new Request(subject, action, resource, c, time);
  }
}
