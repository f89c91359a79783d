/**
 * SPIFFE verifiable identity documents: JWT-SVIDs and X.509-SVIDs issued to attested
 * workloads, their validation, and the workload sessions with which workloads renew them.
 * Attestors call {@link dev.imprint.server.svid.SvidIssuer}; refusals are {@link
 * dev.imprint.server.svid.SvidException}s with stable codes.
 *
 * @see <a href="https://github.com/spiffe/spiffe/blob/main/standards/JWT-SVID.md">JWT-SVID</a>
 * @see <a href="https://github.com/spiffe/spiffe/blob/main/standards/X509-SVID.md">X509-SVID</a>
 */
package dev.imprint.server.svid;
