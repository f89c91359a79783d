package dev.imprint.scan.netpol;

import java.util.List;

/**
 * A parsed {@code networking.k8s.io/v1} NetworkPolicy.
 *
 * @param ingress whether the policy isolates its pods for ingress (policyTypes, or implied)
 * @param egress whether it isolates them for egress
 */
public record NetworkPolicy(String namespace, String name, LabelSelector podSelector,
    boolean ingress, boolean egress, List<Rule> ingressRules, List<Rule> egressRules) {
  public NetworkPolicy {
    ingressRules = List.copyOf(ingressRules);
    egressRules = List.copyOf(egressRules);
  }

  /** Whether this policy selects {@code w}'s pods. */
  boolean selects(Workload w) {
    return namespace.equals(w.namespace()) && podSelector.matches(w.labels());
  }

  /**
   * One ingress or egress rule.
   *
   * @param peers the from/to peers; {@code null} when absent or empty (every peer)
   * @param ports the ports; empty when absent or empty (every port of every protocol)
   */
  public record Rule(List<Peer> peers, List<Port> ports) {
    public Rule {
      peers = peers == null ? null : List.copyOf(peers);
      ports = List.copyOf(ports);
    }
  }

  /**
   * A rule peer: pods by selectors ({@code namespaces} {@code null} means the policy's own
   * namespace; {@code pods} {@code null} means every pod of the selected namespaces), or an
   * ipBlock.
   */
  public record Peer(LabelSelector pods, LabelSelector namespaces, List<IpRange> ipBlock) {}

  /**
   * A rule port: a number (with {@code endPort} for a range), a name, or neither (every port of
   * the protocol).
   */
  public record Port(Protocol protocol, Integer number, String name, Integer endPort) {}
}
