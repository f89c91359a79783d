package dev.imprint.scan.netpol;

import java.util.List;
import java.util.Map;

/**
 * What connectivity is computed from: namespaces with their labels (including the automatic
 * {@code kubernetes.io/metadata.name}), workloads and network policies.
 */
public record Cluster(Map<String, Map<String, String>> namespaces, List<Workload> workloads,
    List<NetworkPolicy> policies) {
  public Cluster {
    namespaces = Map.copyOf(namespaces);
    workloads = List.copyOf(workloads);
    policies = List.copyOf(policies);
  }

  /** The labels of a namespace; a namespace no manifest declares has only its name label. */
  public Map<String, String> namespaceLabels(String namespace) {
    Map<String, String> l = namespaces.get(namespace);
    return l != null ? l : Map.of(ClusterReader.NAME_LABEL, namespace);
  }
}
