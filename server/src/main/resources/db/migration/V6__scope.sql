-- Scoped pipeline tokens and reports that do not certify themselves. Portable SQL (SQLite and
-- PostgreSQL).

-- The source repositories an identity is linked to (set by an admin): a pipeline token bound
-- to the identity may upload findings for these and no others. identities.repositories keeps
-- the list as JSON for reading; identity_repositories answers "is R linked to I?".
ALTER TABLE identities ADD COLUMN repositories TEXT NOT NULL DEFAULT '[]';

CREATE TABLE identity_repositories (
  identity_id  TEXT NOT NULL REFERENCES identities (id),
  repository   TEXT NOT NULL,
  PRIMARY KEY (identity_id, repository)
);

-- Who supplied each of an image's reports and its provenance (JSON: token, role, identity of
-- the caller), which the image policy weighs. NULL for images registered before this column.
ALTER TABLE images ADD COLUMN suppliers TEXT;

-- SHA-256 of what an upload stored (its findings and inventory), so that repeating the same
-- upload is told from rewriting the findings of a commit. NULL for uploads made before it.
ALTER TABLE finding_reports ADD COLUMN content_sha256 TEXT;
