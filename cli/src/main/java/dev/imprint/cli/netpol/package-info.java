/**
 * NetworkPolicies from grants: {@link dev.imprint.cli.netpol.IdentityLabels} maps SPIFFE IDs to
 * the namespace and pod labels of their workloads, {@link dev.imprint.cli.netpol.GrantedFlows}
 * turns {@code net:} grants into flows between those identities,
 * {@link dev.imprint.cli.netpol.PolicyGenerator} writes the NetworkPolicies that allow exactly
 * those flows (plus cluster DNS), and {@link dev.imprint.cli.netpol.PolicyCheck} compares what
 * manifests allow with what the grants ask for.
 */
package dev.imprint.cli.netpol;
