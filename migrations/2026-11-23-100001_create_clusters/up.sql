-- The clusters Capstan manages. Credentials are a one-context kubeconfig encrypted with AES-256-GCM
-- (version byte || nonce || ciphertext, the row id as associated data); they never leave the server.
CREATE TABLE clusters (
    id              uuid        PRIMARY KEY,
    name            text        NOT NULL UNIQUE,
    description     text        NOT NULL DEFAULT '',
    environment     text        NOT NULL DEFAULT 'other'
                    CHECK (environment IN ('production', 'staging', 'development', 'other')),
    colour          text        NOT NULL DEFAULT '',
    read_only       boolean     NOT NULL DEFAULT false,
    server_url      text        NOT NULL,
    auth_kind       text        NOT NULL,
    credentials     bytea       NOT NULL,
    -- Health, written by the checker; `unknown` until the first check.
    status          text        NOT NULL DEFAULT 'unknown'
                    CHECK (status IN ('unknown', 'healthy', 'warning', 'error', 'unavailable')),
    reason          text,
    version         text,
    node_count      integer,
    ready_nodes     integer,
    master_nodes    integer,
    worker_nodes    integer,
    pod_count       integer,
    namespace_count integer,
    latency_ms      integer,
    last_sync_at    timestamptz,
    created_by      uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    is_default      boolean     NOT NULL DEFAULT false
);
-- At most one default cluster.
CREATE UNIQUE INDEX clusters_single_default_idx ON clusters (is_default) WHERE is_default;
