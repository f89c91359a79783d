/**
 * Non-human identities: SPIFFE IDs validated against the server's trust domain, their kind,
 * owner, environment, labels and linked source repositories (whose findings its pipeline tokens
 * may upload), and a status that moves from active to disabled and back, or
 * to offboarded for good. Every change is written with its audit entry in one transaction;
 * {@link dev.imprint.server.identity.IdentityService.OffboardHook} lets other capabilities act
 * (retire images, later revoke credentials) inside the offboarding transaction.
 */
package dev.imprint.server.identity;
