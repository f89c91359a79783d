-- Answers to creating POSTs sent with an Idempotency-Key, kept for a day so that a client that
-- retries with the same key (after a timeout, a 503 store.outcome_unknown, a lost connection)
-- gets the original answer instead of a second resource. Written in the same transaction as the
-- change it answers. Portable SQL (SQLite and PostgreSQL).
--
-- Neither the key nor the answer is stored in clear: lookup is the hex SHA-256 of the caller's
-- token id and the key; answer is base64(12-byte nonce || AES-256-GCM(body)) under a key derived
-- from the Idempotency-Key itself (HKDF-SHA256), so the token secret in a token creation's answer
-- can be read again only by whoever holds the key, never from the store (docs/api.md).
CREATE TABLE idempotency_keys (
  lookup        TEXT PRIMARY KEY,
  request_hash  TEXT NOT NULL,
  status        INTEGER NOT NULL,
  answer        TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
