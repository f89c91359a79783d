/**
 * Kubernetes workload identity. The admission webhooks ({@link
 * dev.imprint.server.kubernetes.AdmissionService}) keep every pod on approved images pinned by
 * digest and record what each admitted pod runs; clusters ({@link
 * dev.imprint.server.kubernetes.ClusterService}) hold each cluster's service-account token
 * issuer and JWKS (a document, or a URL fetched and cached); a pod then proves which admitted
 * pod it is with its projected service-account token, and the digest its record holds names the
 * identity it is issued credentials for. Refusals are {@link
 * dev.imprint.server.kubernetes.KubernetesException}s with stable codes; only
 * {@link dev.imprint.server.kubernetes.KubernetesRoutes} knows HTTP.
 */
package dev.imprint.server.kubernetes;
