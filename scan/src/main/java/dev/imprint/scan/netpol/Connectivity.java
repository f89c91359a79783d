package dev.imprint.scan.netpol;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Computes every allowed connection of a {@link Cluster}: between workloads (never a workload
 * to itself), from IP ranges to workloads and from workloads to IP ranges. A connection is
 * allowed when the source's egress and the destination's ingress both allow it; a side that no
 * policy of the matching type selects allows everything; otherwise a side allows the union of
 * what the rules of its selecting policies allow for the peer. IP ranges are the contiguous
 * pieces cut by every ipBlock (with its excepts) of ingress rules (sources) and of egress rules
 * (destinations), over the whole IPv4 space.
 */
public final class Connectivity {
  private final Cluster cluster;
  private final List<Workload> workloads;
  private final String[] names;
  private final List<List<CompiledRule>> ingressRules = new ArrayList<>();
  private final List<List<CompiledRule>> egressRules = new ArrayList<>();
  private final BitSet ingressIsolated = new BitSet();
  private final BitSet egressIsolated = new BitSet();

  /** One line of the connectivity list. */
  public record Line(String src, String dst, Connections conn) {
    /** The line as np-guard's txt format writes it. */
    public String text() {
      return src + " => " + dst + " : " + conn;
    }
  }

  private Connectivity(Cluster cluster) {
    this.cluster = cluster;
    this.workloads = cluster.workloads();
    this.names = workloads.stream().map(Workload::toString).toArray(String[]::new);
    for (int i = 0; i < workloads.size(); i++) {
      ingressRules.add(new ArrayList<>());
      egressRules.add(new ArrayList<>());
    }
    for (NetworkPolicy p : cluster.policies()) {
      compile(p);
    }
  }

  /** The analysis of a cluster: build once, then ask for its lines or single pairs. */
  public static Connectivity of(Cluster cluster) {
    return new Connectivity(cluster);
  }

  /** Every allowed connection, sorted by source then destination as np-guard sorts them. */
  public static List<Line> analyze(Cluster cluster) {
    return of(cluster).lines();
  }

  /** What {@code src} may open to {@code dst} (two workloads of the cluster). */
  public Connections between(Workload src, Workload dst) {
    int s = workloads.indexOf(src);
    int d = workloads.indexOf(dst);
    if (s < 0 || d < 0) {
      throw new IllegalArgumentException("not a workload of the cluster: " + (s < 0 ? src : dst));
    }
    return egress(s, d, null).intersect(ingress(s, null, d));
  }

  private void compile(NetworkPolicy p) {
    BitSet selected = new BitSet();
    for (int i = 0; i < workloads.size(); i++) {
      if (p.selects(workloads.get(i))) {
        selected.set(i);
      }
    }
    List<CompiledRule> in = p.ingress() ? compileRules(p, p.ingressRules()) : List.of();
    List<CompiledRule> out = p.egress() ? compileRules(p, p.egressRules()) : List.of();
    selected.stream().forEach(i -> {
      if (p.ingress()) {
        ingressIsolated.set(i);
        ingressRules.get(i).addAll(in);
      }
      if (p.egress()) {
        egressIsolated.set(i);
        egressRules.get(i).addAll(out);
      }
    });
  }

  private List<CompiledRule> compileRules(NetworkPolicy p, List<NetworkPolicy.Rule> rules) {
    List<CompiledRule> out = new ArrayList<>();
    for (NetworkPolicy.Rule r : rules) {
      out.add(new CompiledRule(r, peers(p, r), ipRanges(r)));
    }
    return out;
  }

  private BitSet peers(NetworkPolicy p, NetworkPolicy.Rule r) {
    BitSet set = new BitSet();
    if (r.peers() == null) {
      set.set(0, workloads.size());
      return set;
    }
    for (int i = 0; i < workloads.size(); i++) {
      Workload w = workloads.get(i);
      for (NetworkPolicy.Peer peer : r.peers()) {
        if (matches(p, peer, w)) {
          set.set(i);
          break;
        }
      }
    }
    return set;
  }

  private boolean matches(NetworkPolicy p, NetworkPolicy.Peer peer, Workload w) {
    if (peer.ipBlock() != null) {
      return false;
    }
    boolean inNamespace = peer.namespaces() == null ? w.namespace().equals(p.namespace())
        : peer.namespaces().matches(cluster.namespaceLabels(w.namespace()));
    return inNamespace && (peer.pods() == null || peer.pods().matches(w.labels()));
  }

  private static List<IpRange> ipRanges(NetworkPolicy.Rule r) {
    if (r.peers() == null) {
      return List.of(IpRange.everything());
    }
    List<IpRange> out = new ArrayList<>();
    for (NetworkPolicy.Peer peer : r.peers()) {
      if (peer.ipBlock() != null) {
        out.addAll(peer.ipBlock());
      }
    }
    return out;
  }

  /**
   * A rule with its workload peers and IP ranges resolved, and the ports it allows to each
   * destination computed once (they differ by destination only through named ports).
   */
  private final class CompiledRule {
    private final NetworkPolicy.Rule rule;
    private final BitSet peers;
    private final List<IpRange> ips;
    private final Connections fixed;
    private final Connections[] byDestination;

    CompiledRule(NetworkPolicy.Rule rule, BitSet peers, List<IpRange> ips) {
      this.rule = rule;
      this.peers = peers;
      this.ips = ips;
      boolean named = rule.ports().stream().anyMatch(p -> p.name() != null);
      this.fixed = named ? null : compute(null);
      this.byDestination = named ? new Connections[workloads.size() + 1] : null;
    }

    boolean matches(int workload) {
      return peers.get(workload);
    }

    boolean matches(IpRange atom) {
      for (IpRange r : ips) {
        if (r.contains(atom)) {
          return true;
        }
      }
      return false;
    }

    /** The ports this rule allows to workload {@code dst}, or to an IP range when -1. */
    Connections ports(int dst) {
      if (fixed != null) {
        return fixed;
      }
      int slot = dst < 0 ? workloads.size() : dst;
      Connections c = byDestination[slot];
      if (c == null) {
        c = compute(dst < 0 ? null : workloads.get(dst));
        byDestination[slot] = c;
      }
      return c;
    }

    private Connections compute(Workload dst) {
      if (rule.ports().isEmpty()) {
        return Connections.all();
      }
      Connections c = Connections.none();
      for (NetworkPolicy.Port p : rule.ports()) {
        PortSet set;
        if (p.name() != null) {
          int n = dst == null ? -1 : dst.resolve(p.name(), p.protocol());
          set = n < 0 ? PortSet.empty() : PortSet.of(n);
        } else if (p.number() == null) {
          set = PortSet.all();
        } else {
          set = PortSet.range(p.number(), p.endPort() == null ? p.number() : p.endPort());
        }
        c = c.union(Connections.of(p.protocol(), set));
      }
      return c;
    }
  }

  /** What the ingress side of workload {@code d} allows from workload {@code s} or IP range. */
  private Connections ingress(int s, IpRange ip, int d) {
    if (!ingressIsolated.get(d)) {
      return Connections.all();
    }
    Connections c = Connections.none();
    for (CompiledRule r : ingressRules.get(d)) {
      if (ip == null ? r.matches(s) : r.matches(ip)) {
        c = c.union(r.ports(d));
        if (c.isAll()) {
          break;
        }
      }
    }
    return c;
  }

  /** What the egress side of workload {@code s} allows to workload {@code d} or IP range. */
  private Connections egress(int s, int d, IpRange ip) {
    if (!egressIsolated.get(s)) {
      return Connections.all();
    }
    Connections c = Connections.none();
    for (CompiledRule r : egressRules.get(s)) {
      if (ip == null ? r.matches(d) : r.matches(ip)) {
        c = c.union(r.ports(ip == null ? d : -1));
        if (c.isAll()) {
          break;
        }
      }
    }
    return c;
  }

  /** Every allowed connection, sorted by source then destination. */
  public List<Line> lines() {
    List<Line> out = new ArrayList<>();
    int n = workloads.size();
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < n; d++) {
        if (s == d) {
          continue;
        }
        Connections e = egress(s, d, null);
        if (e.isEmpty()) {
          continue;
        }
        Connections c = e.intersect(ingress(s, null, d));
        if (!c.isEmpty()) {
          out.add(new Line(names[s], names[d], c));
        }
      }
    }
    List<IpRange> sources = atoms(true);
    List<IpRange> destinations = atoms(false);
    String[] sourceNames = sources.stream().map(IpRange::toString).toArray(String[]::new);
    String[] destinationNames =
        destinations.stream().map(IpRange::toString).toArray(String[]::new);
    for (int w = 0; w < n; w++) {
      for (int a = 0; a < sourceNames.length; a++) {
        Connections c = ingress(-1, sources.get(a), w);
        if (!c.isEmpty()) {
          out.add(new Line(sourceNames[a], names[w], c));
        }
      }
      for (int a = 0; a < destinationNames.length; a++) {
        Connections c = egress(w, -1, destinations.get(a));
        if (!c.isEmpty()) {
          out.add(new Line(names[w], destinationNames[a], c));
        }
      }
    }
    out.sort(Comparator.comparing(Line::src).thenComparing(Line::dst));
    return out;
  }

  /** The contiguous IP ranges cut by the ipBlocks of every ingress (or egress) rule. */
  private List<IpRange> atoms(boolean ingress) {
    TreeSet<Long> cuts = new TreeSet<>(List.of(0L, IpRange.MAX + 1));
    for (NetworkPolicy p : cluster.policies()) {
      for (NetworkPolicy.Rule r : ingress ? p.ingressRules() : p.egressRules()) {
        for (IpRange range : ipRanges(r)) {
          cuts.add(range.from());
          cuts.add(range.to() + 1);
        }
      }
    }
    List<IpRange> out = new ArrayList<>();
    Long prev = null;
    for (Long cut : cuts) {
      if (prev != null) {
        out.add(new IpRange(prev, cut - 1));
      }
      prev = cut;
    }
    return out;
  }
}
