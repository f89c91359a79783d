-- NHI alerts. Portable SQL (SQLite and PostgreSQL). Times are epoch milliseconds.

-- One row per alert, raised once cluster-wide: every replica evaluates the same audit log, and
-- dedup_key (rule, what it is about, and the rule's time bucket) is unique, so the replica whose
-- insert wins delivers it. id is derived from dedup_key. evidence is JSON (counts, ids, audit
-- entry numbers; never a secret). state: open, acknowledged or resolved.
CREATE TABLE alerts (
  id               TEXT PRIMARY KEY,
  dedup_key        TEXT NOT NULL UNIQUE,
  rule             TEXT NOT NULL,
  severity         TEXT NOT NULL,
  subject          TEXT NOT NULL,
  summary          TEXT NOT NULL,
  evidence         TEXT NOT NULL,
  link             TEXT NOT NULL,
  state            TEXT NOT NULL,
  raised_at        BIGINT NOT NULL,
  acknowledged_at  BIGINT,
  acknowledged_by  TEXT,
  resolved_at      BIGINT,
  resolved_by      TEXT,
  note             TEXT
);

CREATE INDEX alerts_raised ON alerts (raised_at, id);
CREATE INDEX alerts_state ON alerts (state, raised_at);

-- When each subject (a SPIFFE ID) last authenticated, as the alert evaluator read it from the
-- audit log; the dormant-identity rule compares a new authentication with it.
CREATE TABLE alert_activity (
  subject  TEXT PRIMARY KEY,
  last_at  BIGINT NOT NULL
);
