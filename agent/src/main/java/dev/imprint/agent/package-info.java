/**
 * {@code imprint agent}: the SPIFFE Workload API on a node. The agent attests itself to the
 * Imprint server (join token or Kubernetes projected token), attests each local caller from the
 * Unix socket's peer credentials (process, cgroup, container, image digest, or the operator's
 * selector map), and serves the caller's SVIDs and the trust bundles over gRPC, obtaining them
 * from the server's HTTP API. It shares no code with the server.
 *
 * @see <a href="https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE_Workload_API.md">
 *     SPIFFE Workload API</a>
 */
package dev.imprint.agent;
