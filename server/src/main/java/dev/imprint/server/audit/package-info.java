/**
 * The tamper-evident audit log: entries appended in the same store transaction as the change
 * they record, hashed as RFC 6962 / RFC 9162 Merkle tree leaves.
 */
package dev.imprint.server.audit;
