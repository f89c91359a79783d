/**
 * Workload attestation: how a workload proves which approved image it runs before it gets
 * SVIDs. Join tokens (single-use, bound to one image digest and its identity) live here; other
 * attestors (Kubernetes projected service-account tokens) sit beside them and call the same
 * {@link dev.imprint.server.svid.SvidIssuer}.
 */
package dev.imprint.server.attestation;
