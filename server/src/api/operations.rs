//! Day-to-day operations as REST: workloads (`…/namespaces/{ns}/{deployments|statefulsets|
//! daemonsets|replicasets}/{name}/scale|restart|pause|resume|image|history|rollback|events`),
//! nodes (`…/nodes/{name}/cordon|uncordon|drain|labels|taints`, and `…/nodes-bulk` for many),
//! and CronJobs (`…/namespaces/{ns}/cronjobs/{name}/trigger|suspend|resume`). Each is a thin
//! call into `backend::operations`, which guards, validates and audits.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use backend::AppState;
use backend::clusters::parse_id;
use backend::operations::nodes::BulkChange;
use backend::operations::{cronjobs, drain, nodes, rollout, workloads};
use backend::resources::detail;
use backend::resources::objects::Actor;
use model::detail::EventList;
use model::objects::ObjectRef;
use model::operations::{
    DrainOptions, DrainProgress, DrainReport, ImageChange, LabelChanges, NodeResult,
    OperationOutcome, RolloutHistory, TaintChanges, TriggeredJob, WorkloadRef,
};
use serde::{Deserialize, Serialize};

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::json::ApiJson;
use super::resources::unknown_kind;

/// The workload kinds with operation paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WorkloadKind {
    Deployments,
    Statefulsets,
    Daemonsets,
    Replicasets,
}

fn workload(kind: &str, namespace: String, name: String) -> Result<WorkloadRef, model::AppError> {
    let key = match kind {
        "deployments" => workloads::DEPLOYMENTS,
        "statefulsets" => workloads::STATEFULSETS,
        "daemonsets" => workloads::DAEMONSETS,
        "replicasets" => workloads::REPLICASETS,
        other => {
            return Err(unknown_kind(
                other,
                "deployments, statefulsets, daemonsets, replicasets",
            ));
        }
    };
    Ok(WorkloadRef {
        kind: key.into(),
        namespace,
        name,
    })
}

fn actor(caller: &Caller) -> Actor<'_> {
    Actor {
        user: &caller.user,
        client: &caller.client,
    }
}

type WorkloadPath = Path<(String, String, String, String)>;

/// The desired replica count.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScaleBody {
    /// 0 to 10 000.
    pub replicas: i32,
}

/// Which revision to roll back to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RollbackBody {
    /// A revision from the history; 0 for the one before the current.
    #[serde(default)]
    pub revision: i64,
}

/// Sets the replica count of a Deployment, StatefulSet or ReplicaSet.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/scale", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "deployments, statefulsets or replicasets"), ("name" = String, Path, description = "Name")),
    request_body = ScaleBody,
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn scale(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
    ApiJson(body): ApiJson<ScaleBody>,
) -> ApiResult<Json<OperationOutcome>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    let done = workloads::scale(
        &app.clusters,
        &actor(&caller),
        cluster,
        &target,
        body.replicas,
    )
    .await?;
    Ok(Json(done))
}

/// Restarts every pod by a rolling update (Deployments, StatefulSets, DaemonSets).
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/restart", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "deployments, statefulsets or daemonsets"), ("name" = String, Path, description = "Name")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn restart(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
) -> ApiResult<Json<OperationOutcome>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        workloads::restart(&app.clusters, &actor(&caller), cluster, &target).await?,
    ))
}

/// Pauses a Deployment's rollouts.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/pause", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "deployments"), ("name" = String, Path, description = "Name")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pause(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
) -> ApiResult<Json<OperationOutcome>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        workloads::set_paused(&app.clusters, &actor(&caller), cluster, &target, true).await?,
    ))
}

/// Resumes a paused Deployment.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/resume", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "deployments"), ("name" = String, Path, description = "Name")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn resume(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
) -> ApiResult<Json<OperationOutcome>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        workloads::set_paused(&app.clusters, &actor(&caller), cluster, &target, false).await?,
    ))
}

/// Changes the image of one container.
#[utoipa::path(put, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/image", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "Workload kind"), ("name" = String, Path, description = "Name")),
    request_body = ImageChange,
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_image(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
    ApiJson(change): ApiJson<ImageChange>,
) -> ApiResult<Json<OperationOutcome>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        workloads::set_image(&app.clusters, &actor(&caller), cluster, &target, &change).await?,
    ))
}

/// A workload's revisions, newest first, each with its pod template: a Deployment's from its
/// ReplicaSets, a StatefulSet's or DaemonSet's from its ControllerRevisions.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/history", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "deployments, statefulsets or daemonsets"), ("name" = String, Path, description = "Name")),
    responses((status = 200, body = RolloutHistory), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn history(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
) -> ApiResult<Json<RolloutHistory>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        rollout::history(&app.clusters, cluster, &target).await?,
    ))
}

/// Rolls a Deployment, StatefulSet or DaemonSet back to a revision's pod template.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/rollback", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "deployments, statefulsets or daemonsets"), ("name" = String, Path, description = "Name")),
    request_body = RollbackBody,
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rollback(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
    ApiJson(body): ApiJson<RollbackBody>,
) -> ApiResult<Json<OperationOutcome>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        rollout::rollback(
            &app.clusters,
            &actor(&caller),
            cluster,
            &target,
            body.revision,
        )
        .await?,
    ))
}

/// The events about a workload, newest first.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/events", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(WorkloadKind), Path, description = "Workload kind"), ("name" = String, Path, description = "Name")),
    responses((status = 200, body = EventList), (status = 404, body = ErrorBody)))]
pub async fn events(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): WorkloadPath,
) -> ApiResult<Json<EventList>> {
    let target = workload(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    let object = ObjectRef {
        kind: target.kind,
        namespace: Some(target.namespace),
        name: target.name,
    };
    let shown = detail::object_detail(&app.clusters, &caller.user, cluster, &object).await?;
    Ok(Json(shown.events))
}

/// Cordons a node: no new pods are scheduled on it.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/nodes/{name}/cordon", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cordon(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        nodes::set_cordoned(&app.clusters, &actor(&caller), cluster, &name, true).await?,
    ))
}

/// Uncordons a node.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/nodes/{name}/uncordon", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn uncordon(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        nodes::set_cordoned(&app.clusters, &actor(&caller), cluster, &name, false).await?,
    ))
}

/// Cordons a node and evicts its pods (honouring PodDisruptionBudgets); answers when done or
/// timed out, with each pod's fate.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/nodes/{name}/drain", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node")),
    request_body = DrainOptions,
    responses((status = 200, body = DrainReport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn drain_node(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(String, String)>,
    ApiJson(options): ApiJson<DrainOptions>,
) -> ApiResult<Json<DrainReport>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        drain::drain(&app.clusters, &actor(&caller), cluster, &name, &options).await?,
    ))
}

/// Where the drain of a node stands: each pod's state while it runs, then its report (the last
/// drain since Capstan started). Poll it while the drain's own request is under way.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/nodes/{name}/drain", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node")),
    responses((status = 200, body = DrainProgress), (status = 404, body = ErrorBody)))]
pub async fn drain_progress(
    _caller: Caller,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<DrainProgress>> {
    let cluster = parse_id(&id)?;
    drain::progress(cluster, &name).map(Json).ok_or_else(|| {
        model::AppError::new(
            model::ErrorKind::NotFound,
            "node.no_drain",
            format!("No drain of node {name} has run since Capstan started."),
        )
        .into()
    })
}

/// Sets and removes labels of a node.
#[utoipa::path(patch, path = "/api/v1/k8s/cluster/{id}/nodes/{name}/labels", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node")),
    request_body = LabelChanges,
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn labels(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(String, String)>,
    ApiJson(changes): ApiJson<LabelChanges>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        nodes::change_labels(&app.clusters, &actor(&caller), cluster, &name, &changes).await?,
    ))
}

/// Sets (adds or changes) and removes taints of a node.
#[utoipa::path(patch, path = "/api/v1/k8s/cluster/{id}/nodes/{name}/taints", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node")),
    request_body = TaintChanges,
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn taints(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(String, String)>,
    ApiJson(changes): ApiJson<TaintChanges>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        nodes::change_taints(&app.clusters, &actor(&caller), cluster, &name, &changes).await?,
    ))
}

/// One change for many nodes: exactly one of the fields.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BulkBody {
    pub nodes: Vec<String>,
    #[serde(default)]
    pub cordon: Option<bool>,
    #[serde(default)]
    pub labels: Option<LabelChanges>,
    #[serde(default)]
    pub taints: Option<TaintChanges>,
}

/// Cordons, uncordons, labels or taints many nodes at once; one result per node.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/nodes-bulk", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)")),
    request_body = BulkBody,
    responses((status = 200, body = [NodeResult]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bulk(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BulkBody>,
) -> ApiResult<Json<Vec<NodeResult>>> {
    let cluster = parse_id(&id)?;
    let change = match (body.cordon, body.labels, body.taints) {
        (Some(c), None, None) => BulkChange::Cordon(c),
        (None, Some(l), None) => BulkChange::Labels(l),
        (None, None, Some(t)) => BulkChange::Taints(t),
        _ => {
            return Err(model::AppError {
                kind: model::ErrorKind::Invalid,
                code: "resource.invalid".into(),
                message: "Give exactly one of cordon, labels or taints.".into(),
                fields: vec![model::FieldError {
                    field: "change".into(),
                    message: "Give exactly one of cordon, labels or taints.".into(),
                }],
            }
            .into());
        }
    };
    Ok(Json(
        nodes::bulk(
            &app.clusters,
            &actor(&caller),
            cluster,
            &body.nodes,
            &change,
        )
        .await?,
    ))
}

/// Starts a Job from a CronJob's template now.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/trigger", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "CronJob")),
    responses((status = 201, body = TriggeredJob), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trigger(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<(StatusCode, Json<TriggeredJob>)> {
    let cluster = parse_id(&id)?;
    let job = cronjobs::trigger(&app.clusters, &actor(&caller), cluster, &namespace, &name).await?;
    Ok((StatusCode::CREATED, Json(job)))
}

/// Suspends a CronJob's schedule.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/suspend", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "CronJob")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn suspend(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        cronjobs::set_suspended(
            &app.clusters,
            &actor(&caller),
            cluster,
            &namespace,
            &name,
            true,
        )
        .await?,
    ))
}

/// Resumes a suspended CronJob's schedule.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/resume", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "CronJob")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unsuspend(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        cronjobs::set_suspended(
            &app.clusters,
            &actor(&caller),
            cluster,
            &namespace,
            &name,
            false,
        )
        .await?,
    ))
}

/// Deletes a CronJob's finished Jobs (complete or failed) and their pods.
#[utoipa::path(delete, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/finished-jobs", tag = "operations",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "CronJob")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_finished(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        cronjobs::delete_finished(&app.clusters, &actor(&caller), cluster, &namespace, &name)
            .await?,
    ))
}
