-- Audit log keys and signed checkpoints. Portable SQL (SQLite and PostgreSQL).

-- Server signing keys, the private part encrypted with the operator's key-encryption key:
-- private_key_enc = base64(12-byte nonce || AES-256-GCM(seed), associated data = id).
CREATE TABLE server_keys (
  id               TEXT PRIMARY KEY,
  algorithm        TEXT NOT NULL,
  public_key       TEXT NOT NULL,
  private_key_enc  TEXT NOT NULL,
  created_at       BIGINT NOT NULL
);

-- Signed tree heads (C2SP signed notes), one per tree size; every replica signs the same
-- body with the same key, so a second insert for a size is identical and ignored.
CREATE TABLE audit_checkpoints (
  tree_size   BIGINT PRIMARY KEY,
  root_hash   TEXT NOT NULL,
  note        TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
