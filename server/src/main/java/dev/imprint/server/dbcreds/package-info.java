/**
 * Expiring database logins: registered PostgreSQL servers (their admin password stored encrypted
 * under the key-encryption key), logins created for a workload's JWT-SVID with exactly the
 * privileges its grants allow and a short {@code VALID UNTIL}, the leases that record them, and
 * the reaper that drops expired and revoked logins and ends their sessions. See
 * docs/database.md.
 */
package dev.imprint.server.dbcreds;
