/**
 * API tokens and roles. A token is random, shown once, stored only as its SHA-256 hash, and
 * revocable at once: on the replica that revokes it by its next request, on the others of one
 * PostgreSQL when the change's notification arrives (the remembered tokens follow the store's
 * state changes, {@link dev.imprint.server.store.StateChanges}). Roles: admin,
 * pipeline, auditor, workload. A workload or pipeline token may be bound to an identity: it
 * authenticates only while that identity is active and is revoked when it is offboarded, and a
 * {@link dev.imprint.server.auth.Caller} carries the binding so that services can scope what a
 * pipeline token touches. The last active admin token is never revoked, and an admin token is
 * minted by itself only on a store's first start ({@code --bootstrap-admin} later). This
 * package reads the {@code identities} table (status, SPIFFE ID) and writes its
 * {@code last_seen_at} itself rather than calling the identity package, which depends on this
 * one for roles; one query then authenticates a request. When each token was last used is kept
 * in memory and written periodically, never on the request path.
 */
package dev.imprint.server.auth;
