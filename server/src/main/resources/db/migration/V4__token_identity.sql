-- Tokens bound to an identity. Portable SQL (SQLite and PostgreSQL).
-- A workload or pipeline token may name the identity it acts for: it authenticates only while
-- that identity is active, is revoked when the identity is offboarded, and its use sets the
-- identity's last_seen_at. NULL for unbound tokens (admin and auditor tokens are never bound).
ALTER TABLE api_tokens ADD COLUMN identity_id TEXT REFERENCES identities (id);

CREATE INDEX api_tokens_identity ON api_tokens (identity_id);
