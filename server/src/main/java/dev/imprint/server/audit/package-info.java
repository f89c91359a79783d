/**
 * The tamper-evident audit log. Every change is appended, in the same store transaction as the
 * change, as a leaf of an RFC 6962 / RFC 9162 Merkle tree ({@link AuditLog}). {@link MerkleTree}
 * keeps every complete subtree hash in memory so tree heads and proofs cost O(log n); the
 * store stays the truth and {@link AuditService} extends the cache with rows past it, so
 * replicas on one PostgreSQL agree. Tree heads are signed as C2SP checkpoints (signed notes)
 * with an Ed25519 key that is kept in the store wrapped by the operator's
 * {@link KeyEncryptionKey}; {@link CheckpointSchedule} signs one whenever the log has grown, every
 * interval and at shutdown. The store is not trusted: {@link StoredEntries} and
 * {@link StoredCheckpoints} check what is stored (texts against leaf hashes, no gap, every row
 * signed by this server and agreeing with the tree) and {@link AuditService} checks it against
 * the last checkpoint it signed, kept outside the store in a {@link CheckpointFile}, before
 * every signing; a disagreement is an {@link AuditIntegrityException}, and only an operator's
 * {@link StoreAcceptance} moves past it. {@link AuditExport} writes the log as JSON lines and
 * {@link AuditVerifier} checks such a file offline, optionally against a trusted checkpoint,
 * and names the first bad entry. {@link Cosigner} makes and checks a witness's C2SP
 * cosignatures.
 */
package dev.imprint.server.audit;
