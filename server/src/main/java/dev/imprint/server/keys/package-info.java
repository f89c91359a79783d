/**
 * The trust domain's signing keys: JWT-SVID keys (ES256, RS256), the X.509 CA and the
 * workload-session key, stored encrypted under the operator's key-encryption key and rotated
 * with overlap (SPIRE's pattern: prepared at half of a key's life, active at two thirds,
 * published until everything it signed has expired). Signatures use Bouncy Castle.
 */
package dev.imprint.server.keys;
