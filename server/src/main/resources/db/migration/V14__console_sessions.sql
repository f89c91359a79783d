-- Web console sessions, kept in the store so every replica on one PostgreSQL accepts the
-- sessions of the others. The cookie's value is never stored: only its SHA-256, so a copy of
-- the table opens no session. The CSRF token is derived from the cookie's value, not stored.
CREATE TABLE console_sessions (
  id_hash     TEXT PRIMARY KEY,
  token_id    TEXT NOT NULL REFERENCES api_tokens (id),
  role        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);

CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
CREATE INDEX console_sessions_token ON console_sessions (token_id);
