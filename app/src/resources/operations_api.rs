//! Server functions for day-to-day operations: scale, restart, pause and resume a workload,
//! change a container's image, read a Deployment's revisions and roll back; cordon, drain,
//! label and taint nodes (one or many); run a CronJob now, suspend and resume it.
//!
//! Thin wrappers over `backend::operations`, which validates, refuses on read-only clusters and
//! audits. Error codes the UI may translate: `cluster.read_only`, `workload.paused`,
//! `workload.rollback_noop`, `resource.invalid` (with fields), `resource.not_found`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::operations::{
    DrainOptions, DrainProgress, DrainReport, ImageChange, LabelChanges, NodeResult,
    OperationOutcome, RolloutHistory, TaintChanges, TriggeredJob, WorkloadRef,
};

#[server(prefix = "/api", endpoint = "ops/scale", input = Json)]
pub async fn scale_workload(
    cluster: String,
    workload: WorkloadRef,
    replicas: i32,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::workloads::scale(
        &state.clusters,
        &caller.as_actor(),
        id,
        &workload,
        replicas,
    )
    .await
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/restart", input = Json)]
pub async fn restart_workload(
    cluster: String,
    workload: WorkloadRef,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::workloads::restart(&state.clusters, &caller.as_actor(), id, &workload)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/pause", input = Json)]
pub async fn set_workload_paused(
    cluster: String,
    workload: WorkloadRef,
    paused: bool,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::workloads::set_paused(
        &state.clusters,
        &caller.as_actor(),
        id,
        &workload,
        paused,
    )
    .await
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/image", input = Json)]
pub async fn set_container_image(
    cluster: String,
    workload: WorkloadRef,
    change: ImageChange,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::workloads::set_image(
        &state.clusters,
        &caller.as_actor(),
        id,
        &workload,
        &change,
    )
    .await
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/history", input = Json)]
pub async fn get_rollout_history(
    cluster: String,
    workload: WorkloadRef,
) -> Result<RolloutHistory, AppError> {
    let (state, id, _) = ssr::context(&cluster).await?;
    backend::operations::rollout::history(&state.clusters, id, &workload)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/rollback", input = Json)]
pub async fn rollback_workload(
    cluster: String,
    workload: WorkloadRef,
    revision: i64,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::rollout::rollback(
        &state.clusters,
        &caller.as_actor(),
        id,
        &workload,
        revision,
    )
    .await
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/cordon", input = Json)]
pub async fn set_node_cordoned(
    cluster: String,
    node: String,
    cordoned: bool,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::nodes::set_cordoned(
        &state.clusters,
        &caller.as_actor(),
        id,
        &node,
        cordoned,
    )
    .await
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/cordon-many", input = Json)]
pub async fn cordon_nodes(
    cluster: String,
    nodes: Vec<String>,
    cordoned: bool,
) -> Result<Vec<NodeResult>, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    let change = backend::operations::nodes::BulkChange::Cordon(cordoned);
    backend::operations::nodes::bulk(&state.clusters, &caller.as_actor(), id, &nodes, &change)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/drain", input = Json)]
pub async fn drain_node(
    cluster: String,
    node: String,
    options: DrainOptions,
) -> Result<DrainReport, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::drain::drain(&state.clusters, &caller.as_actor(), id, &node, &options)
        .await
        .map_err(ssr::failed)
}

/// Where a drain of `node` stands (while `drain_node` runs, and after).
#[server(prefix = "/api", endpoint = "ops/drain-progress", input = Json)]
pub async fn fetch_drain_progress(
    cluster: String,
    node: String,
) -> Result<Option<DrainProgress>, AppError> {
    let (_, id, _) = ssr::context(&cluster).await?;
    Ok(backend::operations::drain::progress(id, &node))
}

#[server(prefix = "/api", endpoint = "ops/node-labels", input = Json)]
pub async fn change_node_labels(
    cluster: String,
    nodes: Vec<String>,
    changes: LabelChanges,
) -> Result<Vec<NodeResult>, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    let change = backend::operations::nodes::BulkChange::Labels(changes);
    backend::operations::nodes::bulk(&state.clusters, &caller.as_actor(), id, &nodes, &change)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/node-taints", input = Json)]
pub async fn change_node_taints(
    cluster: String,
    nodes: Vec<String>,
    changes: TaintChanges,
) -> Result<Vec<NodeResult>, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    let change = backend::operations::nodes::BulkChange::Taints(changes);
    backend::operations::nodes::bulk(&state.clusters, &caller.as_actor(), id, &nodes, &change)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/trigger", input = Json)]
pub async fn trigger_cronjob(
    cluster: String,
    namespace: String,
    name: String,
) -> Result<TriggeredJob, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::cronjobs::trigger(
        &state.clusters,
        &caller.as_actor(),
        id,
        &namespace,
        &name,
    )
    .await
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "ops/suspend", input = Json)]
pub async fn set_cronjob_suspended(
    cluster: String,
    namespace: String,
    name: String,
    suspended: bool,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::cronjobs::set_suspended(
        &state.clusters,
        &caller.as_actor(),
        id,
        &namespace,
        &name,
        suspended,
    )
    .await
    .map_err(ssr::failed)
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::resources::objects_api::ssr::{context, failed};
}

#[server(prefix = "/api", endpoint = "ops/delete-finished", input = Json)]
pub async fn delete_finished_jobs(
    cluster: String,
    namespace: String,
    name: String,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::operations::cronjobs::delete_finished(
        &state.clusters,
        &caller.as_actor(),
        id,
        &namespace,
        &name,
    )
    .await
    .map_err(ssr::failed)
}
