-- Expiring database logins: the PostgreSQL servers Imprint may create logins on, and one lease
-- per login it created. Portable SQL: the same script runs on SQLite and PostgreSQL. Times are
-- epoch milliseconds. The store is the truth the reaper works from: a lease is recorded
-- (pending) before its role is created, so a crash between the two leaves a row to reap.

-- password_wrapped is the admin role's password encrypted under the key-encryption key
-- (AES-256-GCM, bound to the server's name); it is never returned or logged.
CREATE TABLE db_servers (
  name              TEXT PRIMARY KEY,
  host              TEXT NOT NULL,
  port              INTEGER NOT NULL,
  database_name     TEXT NOT NULL,
  admin_user        TEXT NOT NULL,
  password_wrapped  TEXT NOT NULL,
  sslmode           TEXT NOT NULL,
  sslrootcert       TEXT,
  created_at        BIGINT NOT NULL,
  created_by        TEXT NOT NULL
);

-- state: pending (recorded, role being created), active (role created and returned), ended
-- (expired, revoked or failed; end_reason says which). dropped_at is set once the role is gone
-- from the database; until then the reaper keeps trying. claimed_by / claim_until let one
-- replica at a time drop a lease's role (a lease is reaped once).
CREATE TABLE db_leases (
  id              TEXT PRIMARY KEY,
  server_name     TEXT NOT NULL REFERENCES db_servers (name),
  database_name   TEXT NOT NULL,
  schema_name     TEXT,
  resource        TEXT NOT NULL,
  role_name       TEXT NOT NULL UNIQUE,
  privileges      TEXT NOT NULL,
  subject         TEXT NOT NULL,
  image_digest    TEXT NOT NULL,
  state           TEXT NOT NULL,
  end_reason      TEXT,
  ended_by        TEXT,
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL,
  max_expires_at  BIGINT NOT NULL,
  renewals        INTEGER NOT NULL,
  ended_at        BIGINT,
  dropped_at      BIGINT,
  claimed_by      TEXT,
  claim_until     BIGINT,
  last_error      TEXT
);

CREATE INDEX db_leases_due ON db_leases (dropped_at, state, expires_at);
CREATE INDEX db_leases_subject ON db_leases (subject, state);
CREATE INDEX db_leases_image ON db_leases (image_digest, state);
