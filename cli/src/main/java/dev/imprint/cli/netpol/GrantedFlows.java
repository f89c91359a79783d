package dev.imprint.cli.netpol;

import dev.imprint.authz.Conditions;
import dev.imprint.authz.Effect;
import dev.imprint.authz.Grant;
import dev.imprint.authz.NetResource;
import dev.imprint.scan.netpol.Connections;
import dev.imprint.scan.netpol.PortSet;
import dev.imprint.scan.netpol.Protocol;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The network flows {@code net:} grants allow between mapped identities: for each ordered pair,
 * the union of the ports of every allow grant whose subject matches the source and whose target
 * matches the destination, less the ports of every matching deny grant (a deny overrides).
 * What a NetworkPolicy cannot express is said, never silently dropped: an expired grant and a
 * grant limited to other environments do not apply; a time window or an image-approval
 * condition cannot be enforced at the network, so such an allow applies at all times (warning).
 */
public record GrantedFlows(Map<Pair, Connections> flows, List<String> warnings) {
  public GrantedFlows {
    flows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flows));
    warnings = List.copyOf(warnings);
  }

  /** A flow's ends, SPIFFE IDs of mapped identities. */
  public record Pair(String src, String dst) {}

  /** The flows of {@code grants} between the identities of {@code labels}. */
  public static GrantedFlows of(List<Grant> grants, IdentityLabels labels, Instant now,
      String environment) {
    List<String> warnings = new ArrayList<>();
    List<Grant> net = new ArrayList<>();
    for (Grant g : grants) {
      if (g.resource() instanceof NetResource && applies(g, now, environment, warnings)) {
        net.add(g);
      }
    }
    Map<Pair, Connections> flows = new LinkedHashMap<>();
    List<IdentityLabels.Identity> ids = labels.identities();
    for (IdentityLabels.Identity src : ids) {
      for (IdentityLabels.Identity dst : ids) {
        Connections allow = Connections.none();
        Connections deny = Connections.none();
        for (Grant g : net) {
          NetResource r = (NetResource) g.resource();
          if (g.subject().matches(src.id()) && r.target().matches(dst.id())) {
            Connections c = Connections.of(protocol(r), PortSet.range(r.fromPort(), r.toPort()));
            if (g.effect() == Effect.DENY) {
              deny = deny.union(c);
            } else {
              allow = allow.union(c);
            }
          }
        }
        Connections c = allow.minus(deny);
        if (c.isEmpty()) {
          continue;
        }
        if (src == dst) {
          warnings.add("a grant lets " + src.id() + " connect to itself (" + c + "); traffic"
              + " between pods of one identity is not restricted by the generated policies");
          continue;
        }
        flows.put(new Pair(src.id(), dst.id()), c);
      }
    }
    for (Grant g : net) {
      NetResource r = (NetResource) g.resource();
      boolean subject = ids.stream().anyMatch(i -> g.subject().matches(i.id()));
      boolean target = ids.stream().anyMatch(i -> r.target().matches(i.id()));
      if (!subject || !target) {
        warnings.add("grant " + g.id() + ": no mapped identity matches its " + (subject
            ? "target " + r.target() : "subject " + g.subject()) + "; add it to the label"
            + " mapping to turn the grant into a NetworkPolicy");
      }
    }
    return new GrantedFlows(flows, warnings);
  }

  /** The flow between two identities, empty when none is granted. */
  public Connections between(String src, String dst) {
    return flows.getOrDefault(new Pair(src, dst), Connections.none());
  }

  private static Protocol protocol(NetResource r) {
    return Protocol.valueOf(r.protocol().toUpperCase(Locale.ROOT));
  }

  private static boolean applies(Grant g, Instant now, String environment,
      List<String> warnings) {
    Conditions c = g.conditions();
    if (c.expires() != null && !now.isBefore(c.expires())) {
      warnings.add("grant " + g.id() + " expired at " + c.expires() + "; it allows no flow");
      return false;
    }
    if (!c.environments().isEmpty()
        && (environment == null || !c.environments().contains(environment))) {
      warnings.add("grant " + g.id() + " applies in " + c.environments() + " only, not in "
          + (environment == null ? "an unnamed environment (use --environment)" : environment)
          + "; it allows no flow here");
      return false;
    }
    if (g.effect() == Effect.ALLOW && (c.timeWindow() != null || c.imageApproved())) {
      warnings.add("grant " + g.id() + " has a " + (c.timeWindow() != null ? "time window"
          : "condition on the caller's image") + " that a NetworkPolicy cannot express; its"
          + " flow is open at all times");
    }
    return true;
  }
}
