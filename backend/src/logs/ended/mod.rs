//! Logs of pods that are gone. When a pod of a workload finishes or starts terminating, Capstan
//! reads each container's log once (following it through the termination grace period) and keeps
//! the last part in PostgreSQL with the pod's node, exit codes and reasons; the workload's log page
//! lists those pods beside the live ones. One pod watch per cluster that keeps logs
//! ([`watch`]), the reading and the cut ([`capture`]), the retention here.

pub mod capture;
pub mod watch;

use std::collections::HashMap;
use std::time::Duration;

use model::logs::LogLine;
use model::logs::cursor::RawLine;
use model::logs::ended::{EndedContainer, EndedLog, EndedPod};
use uuid::Uuid;

use super::pods::{LogSubject, PODS};
use crate::db::DbPool;
use crate::db::models::ended_pod_logs::{self as rows, EndedLogSummary, Subject};
use crate::operations::workloads::REPLICASETS;
use crate::resources::ResourceError;

/// How much is kept, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The last this many bytes of each container's log.
    pub container_bytes: usize,
    /// Kept logs older than this many days go.
    pub retention_days: i32,
    /// Then the oldest go until the rest fit in this many bytes.
    pub total_bytes: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            container_bytes: 256 * 1024,
            retention_days: 7,
            total_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// How often the retention runs.
pub const PRUNE_EVERY: Duration = Duration::from_secs(10 * 60);
/// The most kept containers a log page lists.
const LIST_LIMIT: i64 = 400;

/// The kept pods of `subject`, newest first.
pub async fn list(
    db: &DbPool,
    cluster: Uuid,
    subject: &LogSubject,
) -> Result<Vec<EndedPod>, ResourceError> {
    let asked = if subject.kind == PODS {
        Subject::Pod(&subject.name)
    } else {
        Subject::Workload {
            kind: &subject.kind,
            name: &subject.name,
            // A replica set's page also lists the pods it ran for its deployment.
            owner: (subject.kind == REPLICASETS).then(|| format!("ReplicaSet/{}", subject.name)),
        }
    };
    let mut conn = db.get().await.map_err(crate::db::DbError::from)?;
    let found = rows::list(&mut conn, cluster, &subject.namespace, asked, LIST_LIMIT)
        .await
        .map_err(crate::db::DbError::from)?;
    Ok(group(found))
}

/// Rows (ordered by pod) into pods with their containers.
fn group(found: Vec<EndedLogSummary>) -> Vec<EndedPod> {
    let mut pods: Vec<EndedPod> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in found {
        let container = EndedContainer {
            log_id: row.id,
            container: row.container,
            init: row.init_container,
            exit_code: row.exit_code,
            reason: row.reason,
            started_at: row.started_at,
            finished_at: row.finished_at,
            bytes: row.bytes,
            truncated: row.truncated,
            note: row.note,
        };
        match index.get(&row.pod_uid) {
            Some(&i) => pods[i].containers.push(container),
            None => {
                index.insert(row.pod_uid.clone(), pods.len());
                pods.push(EndedPod {
                    name: row.pod_name,
                    uid: row.pod_uid,
                    node: row.node_name,
                    owner: row.owner,
                    ended_at: row.ended_at,
                    containers: vec![container],
                });
            }
        }
    }
    pods
}

/// One kept log of `cluster` as stored: each line led by the cluster's timestamp.
pub async fn stored(
    db: &DbPool,
    cluster: Uuid,
    id: i64,
) -> Result<rows::EndedLogRow, ResourceError> {
    find(db, cluster, id).await
}

/// One kept log of `cluster`, parsed into lines for the viewer.
pub async fn read(db: &DbPool, cluster: Uuid, id: i64) -> Result<EndedLog, ResourceError> {
    let row = find(db, cluster, id).await?;
    let lines = row
        .log
        .lines()
        .map(|line| {
            let raw = RawLine::parse(line);
            LogLine {
                pod: row.pod_name.clone(),
                container: row.container.clone(),
                at: raw.stamp(),
                text: raw.text,
            }
        })
        .collect();
    Ok(EndedLog {
        pod: row.pod_name,
        container: row.container,
        ended_at: row.ended_at,
        exit_code: row.exit_code,
        reason: row.reason,
        truncated: row.truncated,
        note: row.note,
        lines,
    })
}

async fn find(db: &DbPool, cluster: Uuid, id: i64) -> Result<rows::EndedLogRow, ResourceError> {
    let mut conn = db.get().await.map_err(crate::db::DbError::from)?;
    rows::find(&mut conn, cluster, id)
        .await
        .map_err(crate::db::DbError::from)?
        .ok_or_else(|| ResourceError::NotFound {
            kind: "kept log".into(),
            name: id.to_string(),
        })
}

/// Applies the retention: age first, then the total size. Returns how many logs went.
pub async fn prune(db: &DbPool, limits: &Limits) -> Result<usize, crate::db::DbError> {
    let mut conn = db.get().await?;
    Ok(rows::prune(&mut conn, limits.retention_days, limits.total_bytes).await?)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn row(id: i64, uid: &str, container: &str) -> EndedLogSummary {
        EndedLogSummary {
            id,
            pod_name: format!("pod-{uid}"),
            pod_uid: uid.into(),
            node_name: Some("node-1".into()),
            owner: Some("ReplicaSet/web-1".into()),
            container: container.into(),
            init_container: false,
            exit_code: Some(0),
            reason: Some("Completed".into()),
            started_at: None,
            finished_at: None,
            ended_at: Utc::now(),
            bytes: 10,
            truncated: false,
            note: None,
        }
    }

    #[test]
    fn rows_group_by_pod_in_order() {
        let pods = group(vec![
            row(1, "a", "web"),
            row(2, "a", "side"),
            row(3, "b", "web"),
        ]);
        assert_eq!(pods.len(), 2);
        assert_eq!(pods[0].name, "pod-a");
        let ids: Vec<i64> = pods[0].containers.iter().map(|c| c.log_id).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!(pods[1].containers[0].container, "web");
    }
}
