package dev.imprint.authz;

import java.util.List;

/**
 * Why a request was decided as it was: the decision, a verdict for every grant whose subject
 * or resource matches the request, and how many grants concern neither.
 */
public record Explanation(Decision decision, List<Verdict> verdicts, int unrelatedGrants) {
  public Explanation {
    verdicts = List.copyOf(verdicts);
  }

  /** One grant: whether it applies to the request and, if not, the first reason it does not. */
  public record Verdict(String grantId, Effect effect, boolean applies, String why,
      SourceLocation location) {}
}
