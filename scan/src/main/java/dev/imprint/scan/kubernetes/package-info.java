/**
 * Kubernetes manifests: {@link dev.imprint.scan.kubernetes.KubernetesReader} turns YAML/JSON
 * files (multi-document streams, {@code kind: List}) into
 * {@link dev.imprint.scan.kubernetes.KubernetesObject}s, and the analyzer checks workload
 * identity (service accounts, tokens, secrets in env), pod security, images, exposure, RBAC
 * roles and bindings, API-server token flags and, across all files of a scan, shared or
 * undefined service accounts, network policy coverage and workloads whose account holds
 * takeover rights. Documents without apiVersion and kind are ignored; unparsable Helm
 * templates are ignored, other unparsable manifests become PARSE_ERROR diagnostics.
 */
package dev.imprint.scan.kubernetes;
