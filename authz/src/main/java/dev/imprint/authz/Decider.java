package dev.imprint.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Answers allow or deny for a request under the current {@link Policy}, as docs/grants.md
 * specifies: a malformed request or an inactive identity is denied, a matching deny grant
 * denies, else a matching allow grant allows, else nothing is allowed. Thread-safe; the policy
 * is swapped atomically by {@link #update(Policy)}.
 */
public final class Decider {
  private final AtomicReference<Policy> policy;

  public Decider(Policy policy) {
    this.policy = new AtomicReference<>(Objects.requireNonNull(policy, "policy"));
  }

  /** The policy decisions are made with now. */
  public Policy policy() {
    return policy.get();
  }

  /** Makes {@code next} the policy of every later decision. */
  public void update(Policy next) {
    policy.set(Objects.requireNonNull(next, "next"));
  }

  /** Decides {@code request} under the current policy. */
  public Decision decide(Request request) {
    Policy p = policy.get();
    ParsedRequest r;
    try {
      r = ParsedRequest.parse(request);
    } catch (AuthzException e) {
      return new Decision(Effect.DENY, Reason.INVALID_REQUEST, List.of(), p.version(),
          e.code() + ": " + e.detail());
    }
    if (r.identityStatus != null && !r.identityStatus.equals("active")) {
      return new Decision(Effect.DENY, Reason.IDENTITY_INACTIVE, List.of(), p.version(),
          "the identity " + r.subject + " is " + r.identityStatus);
    }
    Matches m = new Matches();
    p.candidates(r, g -> {
      if (g.applies(r)) {
        m.add(g);
      }
    });
    return m.decision(p.version(), r);
  }

  /**
   * Decides {@code request} and says why: every grant whose subject or resource matches, with
   * whether it applies and, if not, why not.
   */
  public Explanation explain(Request request) {
    Policy p = policy.get();
    Decision decision = decide(request);
    if (decision.reason() == Reason.INVALID_REQUEST) {
      return new Explanation(decision, List.of(), p.grants().size());
    }
    ParsedRequest r = ParsedRequest.parse(request);
    List<Explanation.Verdict> verdicts = new ArrayList<>();
    int unrelated = 0;
    for (CompiledGrant g : p.compiled()) {
      boolean subject = g.grant.subject().matches(r.subject);
      boolean resource = g.resourceMatches(r.resource);
      if (!subject && !resource) {
        unrelated++;
        continue;
      }
      String why = g.why(r, true);
      verdicts.add(new Explanation.Verdict(g.grant.id(), g.grant.effect(), why == null,
          why == null ? "applies" : why, g.grant.location()));
    }
    return new Explanation(decision, verdicts, unrelated);
  }

  /** The grants that applied, split by effect. */
  private static final class Matches {
    private final List<String> allows = new ArrayList<>(2);
    private final List<String> denies = new ArrayList<>(1);

    void add(CompiledGrant g) {
      (g.deny ? denies : allows).add(g.grant.id());
    }

    Decision decision(long version, ParsedRequest r) {
      if (!denies.isEmpty()) {
        return new Decision(Effect.DENY, Reason.DENIED, sorted(denies), version,
            "denied by " + String.join(", ", sorted(denies)) + " (deny overrides allow)");
      }
      if (!allows.isEmpty()) {
        return new Decision(Effect.ALLOW, Reason.ALLOWED, sorted(allows), version,
            "allowed by " + String.join(", ", sorted(allows)));
      }
      return new Decision(Effect.DENY, Reason.NO_GRANT, List.of(), version,
          "no grant allows " + r.subject + " to " + r.action + " on " + r.resource.text());
    }

    private static List<String> sorted(List<String> ids) {
      if (ids.size() > 1) {
        ids.sort(null);
      }
      return ids;
    }
  }
}
