//! `/api/v1/k8s/cluster`: list, create, test, get, update, delete, status, sync.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use backend::AppState;
use backend::clusters as service;
use model::AppError;
use model::clusters::{
    ClusterHealth, ClusterInfo, ClusterSource, ClusterUpdate, ConnectionTest, NewCluster,
};
use serde::Deserialize;

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::json::ApiJson;

use axum::Json;

/// Every cluster, the default first. Any signed-in user.
#[utoipa::path(get, path = "/api/v1/k8s/cluster", tag = "clusters",
    responses((status = 200, body = Vec<ClusterInfo>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<Vec<ClusterInfo>>> {
    Ok(Json(service::list(&app.clusters).await?))
}

/// Adds a cluster from a kubeconfig context or a server URL + token + CA. Admins only.
#[utoipa::path(post, path = "/api/v1/k8s/cluster", tag = "clusters", request_body = NewCluster,
    responses((status = 201, body = ClusterInfo), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewCluster>,
) -> ApiResult<(StatusCode, Json<ClusterInfo>)> {
    let created = service::create(&app.clusters, &caller.user, &caller.client, new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Connects with the given credentials and reports what it found, saving nothing. Admins only.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/test", tag = "clusters", request_body = ClusterSource,
    responses((status = 200, body = ConnectionTest), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn test_connection(
    caller: Caller,
    ApiJson(source): ApiJson<ClusterSource>,
) -> ApiResult<Json<ConnectionTest>> {
    Ok(Json(service::test_connection(&caller.user, &source).await?))
}

/// One cluster.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}", tag = "clusters",
    params(("id" = String, Path, description = "Cluster id (UUID)")),
    responses((status = 200, body = ClusterInfo), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ClusterInfo>> {
    let id = service::parse_id(&id)?;
    Ok(Json(service::get(&app.clusters, id).await?))
}

/// Changes settings; a `source` replaces the credentials. Admins only.
#[utoipa::path(put, path = "/api/v1/k8s/cluster/{id}", tag = "clusters", request_body = ClusterUpdate,
    params(("id" = String, Path, description = "Cluster id (UUID)")),
    responses((status = 200, body = ClusterInfo), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<ClusterUpdate>,
) -> ApiResult<Json<ClusterInfo>> {
    let id = service::parse_id(&id)?;
    let updated = service::update(&app.clusters, &caller.user, &caller.client, id, changes).await?;
    // Live lists restart with the new credentials instead of keeping the old client.
    app.resources.stop_cluster(id);
    Ok(Json(updated))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// The cluster's name, typed to confirm.
    confirm: Option<String>,
}

/// Deletes a cluster's registration (not the cluster). Admins only; `?confirm=<name>` required.
#[utoipa::path(delete, path = "/api/v1/k8s/cluster/{id}", tag = "clusters",
    params(("id" = String, Path, description = "Cluster id (UUID)"), DeleteParams),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<DeleteParams>,
) -> ApiResult<StatusCode> {
    let id = service::parse_id(&id)?;
    let confirm = params.confirm.ok_or_else(|| {
        AppError::invalid_field(
            "confirm",
            "Add ?confirm=<cluster name> to confirm the deletion.",
        )
    })?;
    service::delete(&app.clusters, &caller.user, &caller.client, id, &confirm).await?;
    app.resources.stop_cluster(id);
    Ok(StatusCode::NO_CONTENT)
}

/// The cluster's last known health.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/status", tag = "clusters",
    params(("id" = String, Path, description = "Cluster id (UUID)")),
    responses((status = 200, body = ClusterHealth), (status = 404, body = ErrorBody)))]
pub async fn status(
    State(app): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ClusterHealth>> {
    let id = service::parse_id(&id)?;
    Ok(Json(service::get(&app.clusters, id).await?.health))
}

/// Checks the cluster's health now and returns it refreshed.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/sync", tag = "clusters",
    params(("id" = String, Path, description = "Cluster id (UUID)")),
    responses((status = 200, body = ClusterInfo), (status = 404, body = ErrorBody)))]
pub async fn sync(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ClusterInfo>> {
    let id = service::parse_id(&id)?;
    Ok(Json(
        service::sync(&app.clusters, &caller.user, &caller.client, id).await?,
    ))
}
