-- The last part of the log of each container of a pod that ended or was deleted, kept after the
-- cluster has forgotten it. One row per container; `log` keeps the cluster's RFC 3339 timestamp
-- at the head of each line. Rows go with their cluster, after the retention or over the size cap.
CREATE TABLE ended_pod_logs (
    id             bigserial   PRIMARY KEY,
    cluster_id     uuid        NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    namespace      text        NOT NULL,
    pod_name       text        NOT NULL,
    pod_uid        text        NOT NULL,
    node_name      text,
    -- The pod's controller (`ReplicaSet/web-7d9f`) and the workload on top of it (resource key
    -- and name: `deployments.apps`, `web`), which the workload's log page asks by.
    owner          text,
    workload_kind  text,
    workload_name  text,
    container      text        NOT NULL,
    init_container boolean     NOT NULL DEFAULT false,
    exit_code      integer,
    reason         text,
    started_at     timestamptz,
    finished_at    timestamptz,
    -- When Capstan saw the pod end (or start terminating).
    ended_at       timestamptz NOT NULL,
    log            text        NOT NULL DEFAULT '',
    bytes          integer     NOT NULL DEFAULT 0,
    -- Whether older lines were cut to keep the size limit.
    truncated      boolean     NOT NULL DEFAULT false,
    -- Why no log could be kept, when none was.
    note           text,
    captured_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cluster_id, pod_uid, container)
);
CREATE INDEX ended_pod_logs_workload_idx
    ON ended_pod_logs (cluster_id, namespace, workload_kind, workload_name, ended_at DESC);
CREATE INDEX ended_pod_logs_pod_idx ON ended_pod_logs (cluster_id, namespace, pod_name);
CREATE INDEX ended_pod_logs_captured_idx ON ended_pod_logs (captured_at);

-- Whether Capstan keeps the logs of a cluster's ended pods.
ALTER TABLE clusters ADD COLUMN keep_ended_logs boolean NOT NULL DEFAULT true;
