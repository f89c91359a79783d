-- Workload identity: signing keys and join tokens. Portable SQL (SQLite and PostgreSQL).
-- Times are epoch milliseconds.

-- The trust domain's signing keys. purpose: jwt_es256, jwt_rs256, x509_ca or session.
-- public_material: the public JWK (JWT keys), the CA certificate as PEM (x509_ca), empty
-- (session). private_key_enc = base64(12-byte nonce || AES-256-GCM(PKCS#8 or HMAC key)) under
-- the key-encryption key, associated data 'signing-key:' || kid. A key is published from
-- created_at to not_after and signs from activates_at until a later key of its purpose
-- activates; rows are kept after not_after for the record.
CREATE TABLE signing_keys (
  kid              TEXT PRIMARY KEY,
  purpose          TEXT NOT NULL,
  public_material  TEXT NOT NULL,
  private_key_enc  TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  activates_at     BIGINT NOT NULL,
  not_after        BIGINT NOT NULL,
  created_by       TEXT NOT NULL
);

CREATE INDEX signing_keys_purpose ON signing_keys (purpose, activates_at);

-- Single-use join tokens, stored only as SHA-256 hashes, bound to an image and its identity.
CREATE TABLE join_tokens (
  id            TEXT PRIMARY KEY,
  secret_hash   TEXT NOT NULL,
  image_digest  TEXT NOT NULL REFERENCES images (digest),
  identity_id   TEXT NOT NULL REFERENCES identities (id),
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL,
  expires_at    BIGINT NOT NULL,
  redeemed_at   BIGINT
);

CREATE INDEX join_tokens_image ON join_tokens (image_digest);
