-- Kubernetes: the clusters whose service-account tokens Imprint verifies, admission tokens bound
-- to a cluster, service-account bindings that narrow who may act as an identity, and the pods
-- the validating webhook admitted. Portable SQL (SQLite and PostgreSQL). Times are epoch
-- milliseconds. No secret is stored here: JWKS hold public keys only.

-- jwks is the JWKS given as a file, or the last one fetched from jwks_url (kept so that a
-- replica starts with keys while the URL is unreachable).
CREATE TABLE k8s_clusters (
  name        TEXT PRIMARY KEY,
  issuer      TEXT NOT NULL,
  jwks_url    TEXT,
  jwks        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  TEXT NOT NULL,
  updated_at  BIGINT NOT NULL
);

-- Several clusters may share an issuer string (https://kubernetes.default.svc); the key id
-- tells them apart.
CREATE INDEX k8s_clusters_issuer ON k8s_clusters (issuer);

-- An admission token bound to a cluster: the pods it admits are recorded in that cluster.
CREATE TABLE k8s_admission_tokens (
  token_id  TEXT PRIMARY KEY REFERENCES api_tokens (id),
  cluster   TEXT NOT NULL REFERENCES k8s_clusters (name)
);

-- An identity with bindings is issued only to pods running as one of its service accounts.
CREATE TABLE k8s_bindings (
  identity_id      TEXT NOT NULL REFERENCES identities (id),
  cluster          TEXT NOT NULL REFERENCES k8s_clusters (name),
  namespace        TEXT NOT NULL,
  service_account  TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  created_by       TEXT NOT NULL,
  PRIMARY KEY (identity_id, cluster, namespace, service_account)
);

-- One row per admitted pod. uid is null while unknown (a review that carried none); such a row
-- is matched once by namespace and name (or generate_name) and then holds the uid of the pod
-- that claimed it. containers is JSON: [{"kind", "name", "image", "digest"}], digest null when
-- the image was not pinned (a pod older than the webhook, updated since).
CREATE TABLE k8s_pods (
  id               TEXT PRIMARY KEY,
  cluster          TEXT NOT NULL REFERENCES k8s_clusters (name),
  namespace        TEXT NOT NULL,
  name             TEXT NOT NULL,
  generate_name    TEXT NOT NULL,
  uid              TEXT,
  service_account  TEXT NOT NULL,
  containers       TEXT NOT NULL,
  review_uid       TEXT NOT NULL,
  admitted_at      BIGINT NOT NULL,
  admitted_by      TEXT NOT NULL,
  updated_at       BIGINT NOT NULL,
  deleted_at       BIGINT,
  attested_at      BIGINT
);

CREATE UNIQUE INDEX k8s_pods_uid ON k8s_pods (cluster, uid);
CREATE INDEX k8s_pods_name ON k8s_pods (cluster, namespace, name);

-- Tag lookups: the mutating webhook and 'imprint pin' resolve repository:tag to a digest.
CREATE INDEX images_repository_tag ON images (repository, tag);
