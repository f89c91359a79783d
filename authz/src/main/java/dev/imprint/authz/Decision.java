package dev.imprint.authz;

import java.util.List;
import java.util.Objects;

/**
 * A decision: {@code effect}, its {@code reason}, the ids of the grants that decided it (every
 * matching deny grant for a deny, every matching allow grant for an allow; sorted), the policy
 * version the grants came from, and a detail in words.
 */
public record Decision(Effect effect, Reason reason, List<String> grants, long policyVersion,
    String detail) {
  public Decision {
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(reason, "reason");
    grants = List.copyOf(grants);
    Objects.requireNonNull(detail, "detail");
  }

  /** Whether the request is allowed. */
  public boolean allowed() {
    return effect == Effect.ALLOW;
  }
}
