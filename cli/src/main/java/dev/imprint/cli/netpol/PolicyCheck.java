package dev.imprint.cli.netpol;

import dev.imprint.scan.netpol.Cluster;
import dev.imprint.scan.netpol.Connections;
import dev.imprint.scan.netpol.Connectivity;
import dev.imprint.scan.netpol.PortSet;
import dev.imprint.scan.netpol.Protocol;
import dev.imprint.scan.netpol.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares what manifests' NetworkPolicies allow with what {@code net:} grants ask for, for
 * every workload that runs as a mapped identity: flows allowed that no grant asks for (to or
 * from another identity, an unmapped workload or an IP range), granted flows that are blocked,
 * and workloads that cannot reach the cluster DNS on UDP and TCP 53. Flows between two
 * workloads that run as no identity are not Imprint's to judge and are left out.
 */
public final class PolicyCheck {
  /** DNS as the generated policies allow it. */
  public static final Connections DNS = Connections.of(Protocol.UDP, PortSet.of(53))
      .union(Connections.of(Protocol.TCP, PortSet.of(53)));

  /** What kind of difference a finding is. */
  public enum Kind {
    ALLOWED_NOT_GRANTED("allowed-not-granted"),
    GRANTED_BLOCKED("granted-blocked"),
    DNS_BLOCKED("dns-blocked");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /** One difference, on one ordered pair of peers. */
  public record Finding(Kind kind, String src, String dst, Connections conn) {
    /** {@code kind: src => dst : conn}. */
    public String text() {
      return kind.id() + ": " + src + " => " + dst + " : " + conn;
    }
  }

  /** The findings and notes (identities without workloads, an assumed DNS workload, ...). */
  public record Result(List<Finding> findings, List<String> notes) {
    public Result {
      findings = List.copyOf(findings);
      notes = List.copyOf(notes);
    }
  }

  private PolicyCheck() {}

  /** Checks {@code cluster} against the flows granted between the identities of labels. */
  public static Result run(Cluster cluster, IdentityLabels labels, GrantedFlows flows) {
    List<String> notes = new ArrayList<>();
    List<Workload> dnsServers = cluster.workloads().stream()
        .filter(w -> w.namespace().equals(labels.dnsNamespace())
            && labels.dnsLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(w.labels().get(e.getKey()))))
        .toList();
    if (dnsServers.isEmpty()) {
      Workload dns = new Workload(labels.dnsNamespace(), "kube-dns", "Deployment",
          labels.dnsLabels(), List.of());
      List<Workload> all = new ArrayList<>(cluster.workloads());
      all.add(dns);
      cluster = new Cluster(cluster.namespaces(), all, cluster.policies());
      dnsServers = List.of(dns);
      notes.add("no manifest declares the cluster DNS; checked against " + dns + " with labels "
          + labels.dnsLabels() + " and no policy of its own");
    }
    Map<String, IdentityLabels.Identity> identityOf = identities(cluster, labels, notes);
    Connectivity connectivity = Connectivity.of(cluster);
    Map<String, Connections> allowed = new HashMap<>();
    List<Finding> findings = new ArrayList<>();
    List<String> dnsNames = dnsServers.stream().map(Workload::toString).toList();
    for (Connectivity.Line line : connectivity.lines()) {
      allowed.put(line.src() + " => " + line.dst(), line.conn());
      IdentityLabels.Identity s = identityOf.get(line.src());
      IdentityLabels.Identity d = identityOf.get(line.dst());
      if (s == null && d == null) {
        continue;
      }
      Connections granted;
      if (s != null && d != null) {
        granted = s == d ? Connections.all() : flows.between(s.id(), d.id());
      } else if (s != null && dnsNames.contains(line.dst())) {
        granted = DNS;
      } else {
        granted = Connections.none();
      }
      Connections extra = line.conn().minus(granted);
      if (!extra.isEmpty()) {
        findings.add(new Finding(Kind.ALLOWED_NOT_GRANTED, line.src(), line.dst(), extra));
      }
    }
    for (Workload src : cluster.workloads()) {
      IdentityLabels.Identity s = identityOf.get(src.toString());
      if (s == null) {
        continue;
      }
      for (Workload dst : cluster.workloads()) {
        IdentityLabels.Identity d = identityOf.get(dst.toString());
        if (d == null || d == s) {
          continue;
        }
        Connections missing = flows.between(s.id(), d.id()).minus(conn(allowed, src, dst));
        if (!missing.isEmpty()) {
          findings.add(new Finding(Kind.GRANTED_BLOCKED, src.toString(), dst.toString(),
              missing));
        }
      }
      Connections dnsMissing = DNS.minus(conn(allowed, src, dnsServers.get(0)));
      if (!dnsMissing.isEmpty()) {
        findings.add(new Finding(Kind.DNS_BLOCKED, src.toString(), dnsServers.get(0).toString(),
            dnsMissing));
      }
    }
    findings.sort(Comparator.comparing((Finding f) -> f.kind().ordinal())
        .thenComparing(Finding::src).thenComparing(Finding::dst));
    return new Result(findings, notes);
  }

  private static Connections conn(Map<String, Connections> allowed, Workload s, Workload d) {
    return allowed.getOrDefault(s + " => " + d, Connections.none());
  }

  private static Map<String, IdentityLabels.Identity> identities(Cluster cluster,
      IdentityLabels labels, List<String> notes) {
    Map<String, IdentityLabels.Identity> out = new LinkedHashMap<>();
    for (IdentityLabels.Identity id : labels.identities()) {
      boolean found = false;
      for (Workload w : cluster.workloads()) {
        if (id.runs(w)) {
          found = true;
          IdentityLabels.Identity before = out.putIfAbsent(w.toString(), id);
          if (before != null) {
            notes.add("workload " + w + " carries the labels of both " + before.id() + " and "
                + id.id() + "; it is checked as " + before.id());
          }
        }
      }
      if (!found) {
        notes.add("no workload in the manifests runs as " + id.id() + " (namespace "
            + id.namespace() + ", labels " + id.labels() + "); its flows are not checked");
      }
    }
    return out;
  }
}
