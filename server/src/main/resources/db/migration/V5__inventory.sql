-- The inventory of non-human identities that an upload carries (imprint scan --upload, the
-- document of 'imprint inventory --format json', schemaVersion 1). It belongs to the upload of
-- its repository and commit: replaced with it, in the same transaction. Portable SQL (SQLite and
-- PostgreSQL). No secret: embedded credentials are kept only redacted and fingerprinted.

-- One row per upload that carried an inventory (an upload without one has no row).
CREATE TABLE inventories (
  repository  TEXT NOT NULL,
  commit_sha  TEXT NOT NULL,
  identities  INTEGER NOT NULL,
  links       INTEGER NOT NULL,
  PRIMARY KEY (repository, commit_sha),
  FOREIGN KEY (repository, commit_sha) REFERENCES finding_reports (repository, commit_sha)
);

-- flags is the list as ',flag-a,flag-b,' (flags are kebab case) so that one can be matched with
-- LIKE '%,flag,%'; facts holds the lists (permissions, trustedBy, usedBy, details) as JSON.
-- critical..info count the upload's findings that concern the identity (docs/api.md, Inventory).
CREATE TABLE inventory_identities (
  repository   TEXT NOT NULL,
  commit_sha   TEXT NOT NULL,
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
  PRIMARY KEY (repository, commit_sha, position),
  FOREIGN KEY (repository, commit_sha) REFERENCES inventories (repository, commit_sha)
);

CREATE INDEX inventory_identities_kind ON inventory_identities (kind);

CREATE TABLE inventory_links (
  repository  TEXT NOT NULL,
  commit_sha  TEXT NOT NULL,
  position    INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  from_id     TEXT NOT NULL,
  to_id       TEXT NOT NULL,
  from_path   TEXT NOT NULL,
  from_line   INTEGER NOT NULL,
  to_path     TEXT NOT NULL,
  to_line     INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  PRIMARY KEY (repository, commit_sha, position),
  FOREIGN KEY (repository, commit_sha) REFERENCES inventories (repository, commit_sha)
);
