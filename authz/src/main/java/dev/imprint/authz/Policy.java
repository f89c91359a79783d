package dev.imprint.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable set of grants at a version, indexed for decisions: by subject (the ID, or the
 * prefix of a pattern), then by resource key (the resource, or the prefix of a pattern), so a
 * decision looks up a few keys per request instead of scanning every grant.
 */
public final class Policy {
  private static final CompiledGrant[] NONE = new CompiledGrant[0];
  private final long version;
  private final List<Grant> grants;
  private final List<CompiledGrant> compiled;
  private final Map<String, Map<String, CompiledGrant[]>> index;

  private Policy(long version, List<Grant> grants) {
    if (version < 0) {
      throw new IllegalArgumentException("expected a policy version >= 0, got " + version);
    }
    this.version = version;
    this.grants = List.copyOf(grants);
    List<CompiledGrant> all = new ArrayList<>(grants.size());
    Map<String, Map<String, List<CompiledGrant>>> building = new HashMap<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Grant g : this.grants) {
      if (!ids.add(g.id())) {
        throw new IllegalArgumentException("expected unique grant ids, got '" + g.id()
            + "' twice");
      }
      CompiledGrant c = new CompiledGrant(g);
      all.add(c);
      building.computeIfAbsent(g.subject().stem(), k -> new HashMap<>())
          .computeIfAbsent(Resources.key(g.resource()), k -> new ArrayList<>()).add(c);
    }
    this.compiled = List.copyOf(all);
    Map<String, Map<String, CompiledGrant[]>> frozen = new HashMap<>(building.size() * 2);
    building.forEach((subject, byResource) -> {
      Map<String, CompiledGrant[]> m = new HashMap<>(byResource.size() * 2);
      byResource.forEach((key, list) -> m.put(key, list.toArray(NONE)));
      frozen.put(subject, m);
    });
    this.index = frozen;
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

  /** Calls {@code sink} with every grant whose subject and resource match the request. */
  void candidates(ParsedRequest r, java.util.function.Consumer<CompiledGrant> sink) {
    String[] subjectKeys = Resources.subjectKeys(r.subject);
    String[] resourceKeys = null;
    for (String sk : subjectKeys) {
      Map<String, CompiledGrant[]> byResource = index.get(sk);
      if (byResource == null) {
        continue;
      }
      if (resourceKeys == null) {
        resourceKeys = Resources.candidateKeys(r.resource);
      }
      for (int i = 0; i < resourceKeys.length; i++) {
        CompiledGrant[] grants = byResource.get(resourceKeys[i]);
        if (grants == null) {
          continue;
        }
        for (CompiledGrant g : grants) {
          // a key found at i > 0 is a prefix key; an exact grant is only found at i == 0
          if (i == 0 || Resources.prefixKey(g.grant.resource())) {
            sink.accept(g);
          }
        }
      }
    }
  }
}
