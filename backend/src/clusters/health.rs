//! The health checker: every cluster every minute (and on demand), each within its own timeout
//! and concurrently, so one unreachable or slow cluster never delays the others.

use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use model::clusters::{ClusterStatus, ConnectionFailure, ConnectionFailureKind};
use tokio::task::JoinHandle;

use super::ClusterError;
use super::connect::{self, Probe};
use super::registry::ClusterRegistry;
use super::rows::{self, ClusterRow, HealthUpdate};

/// A whole check of one cluster (probe and bookkeeping) ends within this, whatever happens.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(12);
/// Answers slower than this make a cluster `warning`.
pub const SLOW_MS: i32 = 2_000;
/// Clusters checked at the same time.
const CONCURRENCY: usize = 32;

/// Starts the periodic checker; abort the handle to stop it.
pub fn spawn(registry: ClusterRegistry, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = registry.sync_all_requested() => {}
            }
            match check_all(&registry).await {
                Ok(n) => tracing::debug!(clusters = n, "health check done"),
                Err(err) => tracing::warn!(error = %err, "health check could not run"),
            }
        }
    })
}

/// Checks every cluster concurrently and records the results; returns how many were checked.
pub async fn check_all(registry: &ClusterRegistry) -> Result<usize, ClusterError> {
    let rows: Vec<ClusterRow> = {
        let mut conn = registry.db().get().await?;
        rows::list(&mut conn)
            .await?
            .into_iter()
            .map(|(row, _)| row)
            .collect()
    };
    registry.reconcile(&rows);
    let count = rows.len();
    futures::stream::iter(rows)
        .map(|row| async move {
            if let Err(err) = check_one(registry, &row).await {
                tracing::warn!(cluster = %row.name, error = %err, "cannot record cluster health");
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    Ok(count)
}

/// Checks one cluster now and records what was found.
pub async fn check_one(
    registry: &ClusterRegistry,
    row: &ClusterRow,
) -> Result<HealthUpdate, ClusterError> {
    let update = match tokio::time::timeout(CHECK_TIMEOUT, probe_row(registry, row)).await {
        Ok(update) => update,
        Err(_) => unreachable_update(&ConnectionFailure {
            kind: ConnectionFailureKind::Timeout,
            message: format!("No answer within {} seconds.", CHECK_TIMEOUT.as_secs()),
        }),
    };
    let mut conn = registry.db().get().await?;
    rows::set_health(&mut conn, row.id, &update).await?;
    Ok(update)
}

async fn probe_row(registry: &ClusterRegistry, row: &ClusterRow) -> HealthUpdate {
    let creds = match registry.credentials(row) {
        Ok(creds) => creds,
        Err(err) => {
            return HealthUpdate {
                status: ClusterStatus::Error.as_str().into(),
                reason: Some(format!(
                    "The stored credentials cannot be used: {err}. Edit the cluster and provide them again."
                )),
                last_sync_at: Some(Utc::now()),
                ..Default::default()
            };
        }
    };
    match connect::probe(&creds).await {
        Ok(probe) => assess(&probe),
        Err(failure) => unreachable_update(&failure),
    }
}

/// The status a failure to connect at all means.
pub fn status_of_failure(kind: ConnectionFailureKind) -> ClusterStatus {
    use ConnectionFailureKind as K;
    match kind {
        K::Dns | K::Refused | K::Tls | K::Timeout | K::Unavailable => ClusterStatus::Unavailable,
        K::Unauthorized
        | K::Forbidden
        | K::ServerError
        | K::InvalidConfig
        | K::Unsupported
        | K::Other => ClusterStatus::Error,
    }
}

fn unreachable_update(failure: &ConnectionFailure) -> HealthUpdate {
    HealthUpdate {
        status: status_of_failure(failure.kind).as_str().into(),
        reason: Some(failure.message.clone()),
        last_sync_at: Some(Utc::now()),
        ..Default::default()
    }
}

/// Status and reason from a successful probe: refused lists and NotReady nodes are warnings,
/// refused credentials an error.
pub fn assess(probe: &Probe) -> HealthUpdate {
    let mut update = HealthUpdate {
        status: ClusterStatus::Healthy.as_str().into(),
        reason: None,
        version: Some(probe.version.clone()),
        latency_ms: Some(probe.latency_ms),
        namespace_count: probe.namespaces.as_ref().ok().copied(),
        pod_count: probe.pods.as_ref().ok().copied(),
        last_sync_at: Some(Utc::now()),
        ..Default::default()
    };
    if let Ok(nodes) = &probe.nodes {
        update.node_count = Some(nodes.total);
        update.ready_nodes = Some(nodes.ready);
        update.master_nodes = Some(nodes.masters);
        update.worker_nodes = Some(nodes.workers);
    }
    let failures: Vec<(&str, &ConnectionFailure)> = [
        ("namespaces", probe.namespaces.as_ref().err()),
        ("nodes", probe.nodes.as_ref().err()),
        ("pods", probe.pods.as_ref().err()),
    ]
    .into_iter()
    .filter_map(|(what, f)| f.map(|f| (what, f)))
    .collect();

    if let Some((_, f)) = failures
        .iter()
        .find(|(_, f)| f.kind == ConnectionFailureKind::Unauthorized)
    {
        update.status = ClusterStatus::Error.as_str().into();
        update.reason = Some(f.message.clone());
        return update;
    }
    let mut reasons = Vec::new();
    if let Some((what, f)) = failures.first() {
        reasons.push(format!("Cannot list {what}: {}", f.message));
    }
    if let Ok(nodes) = &probe.nodes {
        let not_ready = nodes.total - nodes.ready;
        if not_ready > 0 {
            reasons.push(format!(
                "{not_ready} of {} nodes are NotReady.",
                nodes.total
            ));
        }
    }
    if probe.latency_ms > SLOW_MS {
        reasons.push(format!(
            "The API server is slow: it answered in {} ms.",
            probe.latency_ms
        ));
    }
    if !reasons.is_empty() {
        update.status = ClusterStatus::Warning.as_str().into();
        update.reason = Some(reasons.join(" "));
    }
    update
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clusters::connect::NodeCounts;

    fn probe() -> Probe {
        Probe {
            version: "v1.35.0".into(),
            latency_ms: 12,
            namespaces: Ok(4),
            nodes: Ok(NodeCounts {
                total: 3,
                ready: 3,
                masters: 1,
                workers: 2,
            }),
            pods: Ok(10),
        }
    }

    fn failure(kind: ConnectionFailureKind) -> ConnectionFailure {
        ConnectionFailure {
            kind,
            message: "m".into(),
        }
    }

    #[test]
    fn all_ready_and_fast_is_healthy() {
        let update = assess(&probe());
        assert_eq!(update.status, "healthy");
        assert_eq!(update.ready_nodes, Some(3));
        assert_eq!(update.reason, None);
    }

    #[test]
    fn not_ready_nodes_and_slowness_are_warnings_with_reasons() {
        let mut p = probe();
        p.nodes = Ok(NodeCounts {
            total: 3,
            ready: 2,
            masters: 1,
            workers: 2,
        });
        p.latency_ms = 2_500;
        let update = assess(&p);
        assert_eq!(update.status, "warning");
        let reason = update.reason.unwrap_or_default();
        assert!(
            reason.contains("1 of 3 nodes are NotReady") && reason.contains("2500 ms"),
            "{reason}"
        );
    }

    #[test]
    fn refused_credentials_are_an_error_and_refused_lists_a_warning() {
        let mut p = probe();
        p.namespaces = Err(failure(ConnectionFailureKind::Unauthorized));
        assert_eq!(assess(&p).status, "error");
        let mut p = probe();
        p.nodes = Err(failure(ConnectionFailureKind::Forbidden));
        let update = assess(&p);
        assert_eq!(update.status, "warning");
        assert_eq!(update.node_count, None);
    }

    #[test]
    fn unreachable_means_unavailable_and_api_errors_mean_error() {
        assert_eq!(
            status_of_failure(ConnectionFailureKind::Refused),
            ClusterStatus::Unavailable
        );
        assert_eq!(
            status_of_failure(ConnectionFailureKind::Timeout),
            ClusterStatus::Unavailable
        );
        assert_eq!(
            status_of_failure(ConnectionFailureKind::ServerError),
            ClusterStatus::Error
        );
        assert_eq!(
            status_of_failure(ConnectionFailureKind::Unauthorized),
            ClusterStatus::Error
        );
    }
}
