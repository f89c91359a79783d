package dev.imprint.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
    Matches m = new Matches(r);
    p.candidates(r, m);
    return m.decision(p.version());
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

  /**
   * The grants that applied, split by effect. The first rule of an effect is kept as it is: when
   * it alone decides (the common case) its sorted ids and its detail are the decision's, built
   * when the policy was; only a second rule of the same effect makes a list to merge and sort.
   */
  private static final class Matches implements Consumer<CompiledGrant> {
    private final ParsedRequest r;
    private CompiledGrant allow;
    private CompiledGrant deny;
    private List<String> allows;
    private List<String> denies;

    Matches(ParsedRequest r) {
      this.r = r;
    }

    @Override
    public void accept(CompiledGrant g) {
      if (!g.applies(r)) {
        return;
      }
      if (g.deny) {
        if (deny == null) {
          deny = g;
        } else {
          denies = more(denies, deny, g);
        }
      } else if (allow == null) {
        allow = g;
      } else {
        allows = more(allows, allow, g);
      }
    }

    private static List<String> more(List<String> ids, CompiledGrant first, CompiledGrant g) {
      List<String> out = ids;
      if (out == null) {
        out = new ArrayList<>(first.ids.size() + g.ids.size());
        out.addAll(first.ids);
      }
      out.addAll(g.ids);
      return out;
    }

    Decision decision(long version) {
      if (deny != null) {
        return denies == null ? new Decision(Effect.DENY, Reason.DENIED, deny.ids, version,
            deny.detail) : merged(Effect.DENY, Reason.DENIED, denies, version);
      }
      if (allow != null) {
        return allows == null ? new Decision(Effect.ALLOW, Reason.ALLOWED, allow.ids, version,
            allow.detail) : merged(Effect.ALLOW, Reason.ALLOWED, allows, version);
      }
      return new Decision(Effect.DENY, Reason.NO_GRANT, List.of(), version,
          "no grant allows " + r.subject + " to " + r.action + " on " + r.resource.text());
    }

    private static Decision merged(Effect effect, Reason reason, List<String> ids,
        long version) {
      ids.sort(null);
      List<String> sorted = List.copyOf(ids);
      return new Decision(effect, reason, sorted, version,
          CompiledGrant.detail(effect == Effect.DENY, sorted));
    }
  }
}
