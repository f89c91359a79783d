-- The estate: identities (NHIs), images with their lifecycle history, and uploaded findings.
-- Portable SQL: the same script runs on SQLite and PostgreSQL. Times are epoch milliseconds.

-- id is the first 16 hex digits of SHA-256(spiffe_id): short, stable, URL-safe.
CREATE TABLE identities (
  id            TEXT PRIMARY KEY,
  spiffe_id     TEXT NOT NULL UNIQUE,
  kind          TEXT NOT NULL,
  owner         TEXT NOT NULL,
  environment   TEXT NOT NULL,
  description   TEXT NOT NULL,
  labels        TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  last_seen_at  BIGINT
);

CREATE INDEX identities_owner ON identities (owner);
CREATE INDEX identities_status ON identities (status);

-- One row per label, for filtering; identities.labels keeps the map as JSON for reading.
CREATE TABLE identity_labels (
  identity_id  TEXT NOT NULL REFERENCES identities (id),
  label_key    TEXT NOT NULL,
  label_value  TEXT NOT NULL,
  PRIMARY KEY (identity_id, label_key)
);

CREATE INDEX identity_labels_kv ON identity_labels (label_key, label_value);

-- scan_summary and vuln_summary are JSON: the report format and counts per severity.
-- deployed_at / deploy_seq: when and in which order the image was first deployed (rollback
-- finds the predecessor by deploy_seq).
CREATE TABLE images (
  digest             TEXT PRIMARY KEY,
  repository         TEXT NOT NULL,
  tag                TEXT,
  identity_id        TEXT NOT NULL REFERENCES identities (id),
  source_repository  TEXT,
  source_commit      TEXT,
  pipeline_run       TEXT,
  builder            TEXT,
  scan_summary       TEXT,
  vuln_summary       TEXT,
  status             TEXT NOT NULL,
  registered_at      BIGINT NOT NULL,
  registered_by      TEXT NOT NULL,
  updated_at         BIGINT NOT NULL,
  deployed_at        BIGINT,
  deploy_seq         BIGINT
);

CREATE INDEX images_identity_repo ON images (identity_id, repository);
CREATE INDEX images_status ON images (status);

-- Every lifecycle move: who, why, when, from which state to which.
CREATE TABLE image_events (
  digest      TEXT NOT NULL REFERENCES images (digest),
  seq         INTEGER NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  action      TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (digest, seq)
);

-- One uploaded Imprint report per source repository and commit (replaced on re-upload).
CREATE TABLE finding_reports (
  repository   TEXT NOT NULL,
  commit_sha   TEXT NOT NULL,
  uploaded_at  BIGINT NOT NULL,
  uploaded_by  TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  critical     INTEGER NOT NULL,
  high         INTEGER NOT NULL,
  medium       INTEGER NOT NULL,
  low          INTEGER NOT NULL,
  info         INTEGER NOT NULL,
  PRIMARY KEY (repository, commit_sha)
);

CREATE INDEX finding_reports_latest ON finding_reports (repository, uploaded_at);

-- The findings of a report. Secrets appear only redacted and as a fingerprint.
CREATE TABLE findings (
  repository         TEXT NOT NULL,
  commit_sha         TEXT NOT NULL,
  position           INTEGER NOT NULL,
  rule_id            TEXT NOT NULL,
  title              TEXT NOT NULL,
  severity           TEXT NOT NULL,
  category           TEXT NOT NULL,
  path               TEXT NOT NULL,
  line               INTEGER NOT NULL,
  col                INTEGER NOT NULL,
  message            TEXT NOT NULL,
  fingerprint        TEXT NOT NULL,
  secret_redacted    TEXT,
  secret_fingerprint TEXT,
  PRIMARY KEY (repository, commit_sha, position),
  FOREIGN KEY (repository, commit_sha) REFERENCES finding_reports (repository, commit_sha)
);
