-- Core tables. Portable SQL: the same script runs on SQLite and PostgreSQL.
-- Times are epoch milliseconds (BIGINT); hashes are lower-case hex (TEXT).

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  role         TEXT NOT NULL,
  secret_hash  TEXT NOT NULL,
  description  TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  created_by   TEXT NOT NULL,
  revoked_at   BIGINT,
  last_used_at BIGINT
);

-- The append-only audit log: one row per entry, seq from 0 without gaps.
-- leaf_hash = SHA-256(0x00 || entry) as in RFC 6962 section 2.1.
CREATE TABLE audit_entries (
  seq        BIGINT PRIMARY KEY,
  logged_at  BIGINT NOT NULL,
  entry      TEXT NOT NULL,
  leaf_hash  TEXT NOT NULL
);
