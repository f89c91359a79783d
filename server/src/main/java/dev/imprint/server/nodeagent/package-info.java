/**
 * Delegated issuance to node agents: an attested {@code imprint agent} (its own workload session)
 * asks for the SVIDs of a local workload it attested, and the server issues them only for an
 * approved image carrying an identity that a grant lets the agent's identity serve.
 *
 * @see <a href="https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE_Workload_API.md">
 *     SPIFFE Workload API</a>
 */
package dev.imprint.server.nodeagent;
