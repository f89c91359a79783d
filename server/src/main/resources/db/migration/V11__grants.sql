-- Authorization: policy versions (each a whole grant document), the last use of each grant, and
-- the recorded decisions as bounded daily aggregates (one row per day and decision shape).
-- Portable SQL: the same script runs on SQLite and PostgreSQL. Times are epoch milliseconds.

-- document is the grant document in JSON (dev.imprint.authz.GrantJson); version 0 is "none".
CREATE TABLE grant_policies (
  version      BIGINT PRIMARY KEY,
  document     TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  grant_count  INTEGER NOT NULL,
  created_at   BIGINT NOT NULL,
  created_by   TEXT NOT NULL
);

-- Grants are named by their id across versions: editing a grant keeps its history of use.
CREATE TABLE grant_usage (
  grant_id      TEXT PRIMARY KEY,
  last_used_at  BIGINT NOT NULL,
  uses          BIGINT NOT NULL
);

-- day is the UTC day (epoch ms / 86400000); shape is the SHA-256 of the request's subject,
-- action, resource and decision-relevant context and of its outcome. Pruned after the
-- retention period; at most a bounded number of new shapes per day and server.
CREATE TABLE authz_decisions (
  day             BIGINT NOT NULL,
  shape           TEXT NOT NULL,
  subject         TEXT NOT NULL,
  action          TEXT NOT NULL,
  resource        TEXT NOT NULL,
  context         TEXT NOT NULL,
  effect          TEXT NOT NULL,
  reason          TEXT NOT NULL,
  grants          TEXT NOT NULL,
  policy_version  BIGINT NOT NULL,
  decisions       BIGINT NOT NULL,
  first_at        BIGINT NOT NULL,
  last_at         BIGINT NOT NULL,
  PRIMARY KEY (day, shape)
);

CREATE INDEX authz_decisions_last ON authz_decisions (last_at);
