package dev.imprint.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable set of grants at a version, indexed for decisions: by subject (the ID, or the
 * prefix of a pattern), then by resource key (the resource, or the prefix of a pattern), so a
 * decision looks up a few keys per request instead of scanning every grant. Grants of the same
 * rule (effect, subject, resource, covered actions, paths and conditions; only their ids and
 * names differ) are one entry of the index, evaluated once, that names all of them: a policy
 * where many teams wrote the same rule costs a decision no more than one copy of it.
 */
public final class Policy {
  private final long version;
  private final List<Grant> grants;
  private final List<CompiledGrant> compiled;
  private final GrantIndex index;

  private Policy(long version, List<Grant> grants) {
    if (version < 0) {
      throw new IllegalArgumentException("expected a policy version >= 0, got " + version);
    }
    this.version = version;
    this.grants = List.copyOf(grants);
    List<CompiledGrant> all = new ArrayList<>(grants.size());
    Map<Rule, List<Grant>> rules = new LinkedHashMap<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Grant g : this.grants) {
      if (!ids.add(g.id())) {
        throw new IllegalArgumentException("expected unique grant ids, got '" + g.id()
            + "' twice");
      }
      all.add(new CompiledGrant(g));
      rules.computeIfAbsent(Rule.of(g), k -> new ArrayList<>(1)).add(g);
    }
    Map<String, Map<String, List<CompiledGrant>>> building = new HashMap<>();
    for (List<Grant> same : rules.values()) {
      Grant g = same.get(0);
      List<String> sameIds = new ArrayList<>(same.size());
      same.forEach(x -> sameIds.add(x.id()));
      sameIds.sort(null);
      building.computeIfAbsent(g.subject().stem(), k -> new HashMap<>())
          .computeIfAbsent(Resources.key(g.resource()), k -> new ArrayList<>())
          .add(new CompiledGrant(g, sameIds));
    }
    this.compiled = List.copyOf(all);
    this.index = new GrantIndex(building);
  }

  /** What makes two grants the same rule: everything but their ids, names and locations. */
  private record Rule(Effect effect, String subject, String resource, Set<String> covered,
      Set<String> paths, Conditions conditions) {
    static Rule of(Grant g) {
      return new Rule(g.effect(), g.subject().text(), g.resource().text(),
          Set.copyOf(g.coveredActions()), Set.copyOf(g.paths()), g.conditions());
    }
  }

  /** A policy of these grants (ids unique) at {@code version} (0 for local files). */
  public static Policy of(long version, List<Grant> grants) {
    return new Policy(version, grants);
  }

  /** The empty policy: every request is denied. */
  public static Policy empty() {
    return new Policy(0, List.of());
  }

  public long version() {
    return version;
  }

  /** The grants, in the order they were read. */
  public List<Grant> grants() {
    return grants;
  }

  List<CompiledGrant> compiled() {
    return compiled;
  }

  /** Calls {@code sink} with every rule whose subject and resource keys match the request. */
  void candidates(ParsedRequest r, java.util.function.Consumer<CompiledGrant> sink) {
    index.candidates(r, sink);
  }
}
