package dev.imprint.authz;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A grant prepared for matching: its covered actions as a set and its path patterns split. In
 * the policy's index one compiled grant stands for every grant of the same rule (see
 * {@link Policy}): {@link #ids} are their ids, sorted, and the details of a decision they alone
 * make are built once here, not per decision.
 */
final class CompiledGrant {
  final Grant grant;
  final boolean deny;
  /** The ids of the grants this rule stands for, sorted; immutable. */
  final List<String> ids;
  /** The detail of a decision these grants alone make. */
  final String detail;
  /** Whether the resource is a pattern indexed under a prefix key. */
  final boolean prefixResource;
  private final boolean anyAction;
  private final Set<String> actions;
  private final Set<String> exactPaths;
  private final String[] pathPrefixes;

  CompiledGrant(Grant grant) {
    this(grant, List.of(grant.id()));
  }

  /** {@code grant}'s rule, standing for the grants {@code ids} (sorted) of the same rule. */
  CompiledGrant(Grant grant, List<String> ids) {
    this.grant = grant;
    this.deny = grant.effect() == Effect.DENY;
    this.ids = List.copyOf(ids);
    this.detail = detail(deny, this.ids);
    this.prefixResource = Resources.prefixKey(grant.resource());
    List<String> covered = grant.coveredActions();
    this.anyAction = covered.contains("*");
    this.actions = Set.copyOf(covered);
    Set<String> exact = new HashSet<>();
    List<String> prefixes = new java.util.ArrayList<>();
    for (String p : grant.paths()) {
      if (p.endsWith("/*")) {
        prefixes.add(p.substring(0, p.length() - 1));
      } else {
        exact.add(p);
      }
    }
    this.exactPaths = Set.copyOf(exact);
    this.pathPrefixes = prefixes.toArray(new String[0]);
  }

  /** The detail of a decision made by the grants {@code ids} (sorted) of effect deny or not. */
  static String detail(boolean deny, List<String> ids) {
    return deny ? "denied by " + String.join(", ", ids) + " (deny overrides allow)"
        : "allowed by " + String.join(", ", ids);
  }

  /** Whether this grant applies to the request, the resource's key already matched. */
  boolean applies(ParsedRequest r) {
    return why(r, false) == null;
  }

  /** Null when the grant applies, else why not in words. */
  String why(ParsedRequest r, boolean checkSubjectAndResource) {
    if (checkSubjectAndResource) {
      if (!grant.subject().matches(r.subject)) {
        return "subject " + grant.subject() + " does not match " + r.subject;
      }
      if (!resourceMatches(r.resource)) {
        return "resource " + grant.resource().text() + " does not match " + r.resource.text();
      }
    }
    if (!anyAction && !actions.contains(r.action)) {
      return "action '" + r.action + "' is not in " + grant.coveredActions();
    }
    if (grant.resource() instanceof NetResource n) {
      NetResource want = (NetResource) r.resource;
      if (!n.protocol().equals(want.protocol())) {
        return "protocol " + want.protocol() + " is not " + n.protocol();
      }
      if (want.fromPort() < n.fromPort() || want.fromPort() > n.toPort()) {
        return "port " + want.fromPort() + " is outside " + (n.anyPort() ? "*"
            : n.fromPort() == n.toPort() ? String.valueOf(n.fromPort())
            : n.fromPort() + "-" + n.toPort());
      }
    }
    if (grant.resource() instanceof HttpResource && !pathMatches(r.path)) {
      return "path " + r.path + " is not matched by " + grant.paths();
    }
    return grant.conditions().why(r.environment, r.imageApproved, r.time);
  }

  private boolean pathMatches(String path) {
    if (exactPaths.contains(path)) {
      return true;
    }
    for (String prefix : pathPrefixes) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the grant's resource pattern matches the concrete resource (slow path). */
  boolean resourceMatches(ResourcePattern concrete) {
    ResourcePattern p = grant.resource();
    if (!p.type().equals(concrete.type())) {
      return false;
    }
    String key = Resources.key(p);
    String[] candidates = Resources.candidateKeys(concrete);
    if (!Resources.prefixKey(p)) {
      return candidates[0].equals(key);
    }
    for (int i = 1; i < candidates.length; i++) {
      if (candidates[i].equals(key)) {
        return true;
      }
    }
    return false;
  }
}
