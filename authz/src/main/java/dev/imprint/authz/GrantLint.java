package dev.imprint.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structural warnings of docs/grants.md: wildcards, shadowed allow grants, and privileged
 * grants without an expiry. Shadowing is found through the subject index, not by comparing
 * every pair.
 */
final class GrantLint {
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
  private static final Set<String> PRIVILEGED_ACTIONS = Set.of("write", "delete", "admin", "*");

  private GrantLint() {}

  static List<Diagnostic> lint(List<Grant> grants) {
    List<Diagnostic> out = new ArrayList<>();
    Map<String, List<Grant>> bySubjectStem = new HashMap<>();
    for (Grant g : grants) {
      bySubjectStem.computeIfAbsent(g.subject().stem(), k -> new ArrayList<>()).add(g);
    }
    Map<Grant, Integer> position = new HashMap<>();
    for (int i = 0; i < grants.size(); i++) {
      position.put(grants.get(i), i);
    }
    for (Grant g : grants) {
      String wildcard = wildcard(g);
      if (wildcard != null) {
        out.add(warn("grant.wildcard", g, wildcard));
      }
      if (g.conditions().expires() == null && privileged(g)) {
        out.add(warn("grant.no_expiry", g, "a privileged grant (" + String.join(", ",
            g.coveredActions()) + " on " + g.resource().text() + ") without 'expires': give it"
            + " an end date"));
      }
      if (g.effect() == Effect.ALLOW) {
        Grant by = shadower(g, bySubjectStem, position);
        if (by != null) {
          out.add(warn("grant.shadowed", g, by.effect() == Effect.DENY
              ? "never allows anything: the deny grant '" + by.id() + "' (" + by.location()
                  + ") covers all of it"
              : "never decides alone: '" + by.id() + "' (" + by.location() + ") allows all of"
                  + " it"));
        }
      }
    }
    return out;
  }

  private static String wildcard(Grant g) {
    List<String> what = new ArrayList<>();
    if (g.subject().prefix()) {
      what.add("subject " + g.subject());
    }
    if (g.resource() instanceof NetResource n) {
      if (n.target().prefix()) {
        what.add("target " + n.target());
      }
      if (n.anyPort()) {
        what.add("every port");
      }
    } else if (g.resource().wildcard()) {
      what.add("resource " + g.resource().text());
    }
    if (g.coveredActions().contains("*")) {
      what.add("every action");
    }
    if (g.paths().contains("/*")) {
      what.add("every path");
    }
    return what.isEmpty() ? null : "wildcard: " + String.join(", ", what);
  }

  static boolean privileged(Grant g) {
    if (g.effect() == Effect.DENY) {
      return false;
    }
    for (String a : g.coveredActions()) {
      boolean p = switch (g.resource().type()) {
        case "db" -> !a.equals("read");
        case "http" -> !SAFE_METHODS.contains(a);
        case "net" -> false;
        default -> PRIVILEGED_ACTIONS.contains(a);
      };
      if (p) {
        return true;
      }
    }
    return false;
  }

  private static Grant shadower(Grant g, Map<String, List<Grant>> bySubjectStem,
      Map<Grant, Integer> position) {
    Set<String> stems = new HashSet<>();
    String stem = g.subject().stem();
    stems.add(stem);
    // an ID's own key and its ancestors' prefixes; for a prefix pattern, its stem and above
    String[] keys = Resources.subjectKeys(g.subject().prefix() ? stem + "x" : stem);
    for (int i = 1; i < keys.length; i++) {
      stems.add(keys[i]);
    }
    for (String s : stems) {
      for (Grant other : bySubjectStem.getOrDefault(s, List.of())) {
        if (other == g || !g.subject().within(other.subject())) {
          continue;
        }
        boolean deny = other.effect() == Effect.DENY;
        if (deny ? !other.conditions().isEmpty()
            : !(other.conditions().isEmpty() || other.conditions().equals(g.conditions()))) {
          continue;
        }
        if (!covers(other, g)) {
          continue;
        }
        // two identical allow grants: only the later one is reported
        if (!deny && covers(g, other) && g.conditions().equals(other.conditions())
            && position.get(other) > position.get(g)) {
          continue;
        }
        return other;
      }
    }
    return null;
  }

  /** Whether every request {@code inner} matches (ignoring conditions) {@code outer} matches. */
  private static boolean covers(Grant outer, Grant inner) {
    if (!resourceWithin(inner.resource(), outer.resource())) {
      return false;
    }
    List<String> oa = outer.coveredActions();
    if (!oa.contains("*") && !oa.containsAll(inner.coveredActions())) {
      return false;
    }
    if (inner.resource() instanceof HttpResource) {
      for (String p : inner.paths()) {
        if (!pathWithin(p, outer.paths())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean pathWithin(String path, List<String> patterns) {
    for (String q : patterns) {
      if (q.equals(path)) {
        return true;
      }
      if (q.endsWith("/*") && path.startsWith(q.substring(0, q.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  static boolean resourceWithin(ResourcePattern inner, ResourcePattern outer) {
    if (!inner.type().equals(outer.type())) {
      return false;
    }
    if (inner instanceof NetResource i && outer instanceof NetResource o) {
      return i.target().within(o.target()) && i.protocol().equals(o.protocol())
          && i.fromPort() >= o.fromPort() && i.toPort() <= o.toPort();
    }
    if (inner instanceof HttpResource i && outer instanceof HttpResource o) {
      return i.target().within(o.target());
    }
    String ik = Resources.key(inner);
    String ok = Resources.key(outer);
    if (!Resources.prefixKey(outer)) {
      return !Resources.prefixKey(inner) && ik.equals(ok);
    }
    return ik.startsWith(ok) && (Resources.prefixKey(inner) || !ik.equals(ok));
  }

  private static Diagnostic warn(String code, Grant g, String message) {
    return new Diagnostic(Diagnostic.Severity.WARNING, code, g.location(), g.id(), message);
  }
}
