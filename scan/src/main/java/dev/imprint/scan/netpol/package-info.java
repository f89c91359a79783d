/**
 * Kubernetes NetworkPolicy connectivity analysis: {@link dev.imprint.scan.netpol.ClusterReader}
 * turns manifests (workloads, bare Pods, Namespaces, NetworkPolicies) into a
 * {@link dev.imprint.scan.netpol.Cluster}, and {@link dev.imprint.scan.netpol.Connectivity}
 * lists every allowed connection between workloads and IP ranges in the connectivity-list
 * format of np-guard's netpol-analyzer ({@code ns/name[Kind] => ns/name[Kind] : TCP 8080}).
 * The semantics follow the NetworkPolicy API reference: selectors, policy types, ipBlock with
 * except, named, numbered and ranged ports, and the default-allow of pods no policy selects.
 */
package dev.imprint.scan.netpol;
