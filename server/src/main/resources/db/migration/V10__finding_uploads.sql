-- Uploads of findings (and of the inventory that comes with them) are written in chunks, each its
-- own transaction, so that a 50,000-finding upload does not hold up every other write behind
-- the store's single writer. The rows of an upload carry its upload_id and are invisible until
-- one small transaction points the report of its repository and commit at them: readers always
-- go through finding_reports.upload_id, so they never see half an upload, and the rows of an
-- upload that never finishes (a crash) are never seen and are swept later. Portable SQL (SQLite
-- and PostgreSQL): tables whose key changes are made anew and filled from the old ones.

ALTER TABLE finding_reports ADD COLUMN upload_id TEXT;
UPDATE finding_reports SET upload_id = repository || '@' || commit_sha;
CREATE UNIQUE INDEX finding_reports_upload ON finding_reports (upload_id);

CREATE TABLE findings_v7 (
  upload_id          TEXT NOT NULL,
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
  PRIMARY KEY (upload_id, position)
);
INSERT INTO findings_v7 (upload_id, position, rule_id, title, severity, category, path, line,
  col, message, fingerprint, secret_redacted, secret_fingerprint)
  SELECT repository || '@' || commit_sha, position, rule_id, title, severity, category, path,
    line, col, message, fingerprint, secret_redacted, secret_fingerprint FROM findings;
DROP TABLE findings;
ALTER TABLE findings_v7 RENAME TO findings;

CREATE TABLE inventory_identities_v7 (
  upload_id    TEXT NOT NULL,
  position     INTEGER NOT NULL,
  identity_id  TEXT NOT NULL,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  path         TEXT NOT NULL,
  line         INTEGER NOT NULL,
  access       TEXT NOT NULL,
  credential   TEXT NOT NULL,
  flags        TEXT NOT NULL,
  facts        TEXT NOT NULL,
  critical     INTEGER NOT NULL,
  high         INTEGER NOT NULL,
  medium       INTEGER NOT NULL,
  low          INTEGER NOT NULL,
  info         INTEGER NOT NULL,
  PRIMARY KEY (upload_id, position)
);
INSERT INTO inventory_identities_v7 (upload_id, position, identity_id, kind, name, path, line,
  access, credential, flags, facts, critical, high, medium, low, info)
  SELECT repository || '@' || commit_sha, position, identity_id, kind, name, path, line, access,
    credential, flags, facts, critical, high, medium, low, info FROM inventory_identities;
DROP TABLE inventory_identities;
ALTER TABLE inventory_identities_v7 RENAME TO inventory_identities;
CREATE INDEX inventory_identities_kind ON inventory_identities (kind);

CREATE TABLE inventory_links_v7 (
  upload_id   TEXT NOT NULL,
  position    INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  from_id     TEXT NOT NULL,
  to_id       TEXT NOT NULL,
  from_path   TEXT NOT NULL,
  from_line   INTEGER NOT NULL,
  to_path     TEXT NOT NULL,
  to_line     INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  PRIMARY KEY (upload_id, position)
);
INSERT INTO inventory_links_v7 (upload_id, position, kind, from_id, to_id, from_path, from_line,
  to_path, to_line, reason)
  SELECT repository || '@' || commit_sha, position, kind, from_id, to_id, from_path, from_line,
    to_path, to_line, reason FROM inventory_links;
DROP TABLE inventory_links;
ALTER TABLE inventory_links_v7 RENAME TO inventory_links;

-- Uploads whose rows are not (or no longer) pointed at: 'staging' while being written (swept
-- when older than an hour: the server writing it stopped), 'superseded' once a later upload
-- for the same commit replaced it (swept at once).
CREATE TABLE finding_uploads (
  upload_id   TEXT PRIMARY KEY,
  state       TEXT NOT NULL,
  since       BIGINT NOT NULL
);
