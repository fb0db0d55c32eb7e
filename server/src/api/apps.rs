//! Containerised apps made from a form, as REST: `/api/v1/k8s/cluster/{id}/apps` (list, create),
//! `…/apps/preview` (the YAML a form stands for), `…/apps/{namespace}/{name}` (get, update,
//! delete) and `…/start|stop|restart`. Thin calls into `backend::apps`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use backend::AppState;
use backend::apps;
use backend::clusters::parse_id;
use backend::resources::objects::Actor;
use model::apps::{AppDeletion, AppOutcome, AppSpec, AppSummary};
use model::operations::OperationOutcome;
use serde::{Deserialize, Serialize};

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::json::ApiJson;
use super::resources_http::ApiQuery;

fn actor(caller: &Caller) -> Actor<'_> {
    Actor {
        user: &caller.user,
        client: &caller.client,
    }
}

/// Which apps to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppListParams {
    /// Only this namespace; every namespace when absent.
    namespace: Option<String>,
}

/// Options of a create.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppCreateParams {
    /// Answer once every replica is ready (at most 90 s).
    #[serde(default)]
    wait: bool,
}

/// The YAML a form stands for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppPreview {
    pub yaml: String,
}

/// The apps Capstan made, in one namespace or all.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/apps", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), AppListParams),
    responses((status = 200, body = [AppSummary]), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<AppListParams>,
) -> ApiResult<Json<Vec<AppSummary>>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        apps::list(&app.clusters, cluster, params.namespace.as_deref()).await?,
    ))
}

/// Creates an app from a form: a Deployment, a Service when exposed, new claims. Every object is
/// dry-run first; nothing is created unless all pass.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/apps", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), AppCreateParams),
    request_body = AppSpec,
    responses((status = 201, body = AppOutcome), (status = 403, body = ErrorBody), (status = 409, body = AppOutcome),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<AppCreateParams>,
    ApiJson(spec): ApiJson<AppSpec>,
) -> ApiResult<(StatusCode, Json<AppOutcome>)> {
    let cluster = parse_id(&id)?;
    let done = apps::create(&app.clusters, &actor(&caller), cluster, &spec, params.wait).await?;
    let status = if done.done {
        StatusCode::CREATED
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, Json(done)))
}

/// The objects a form stands for, as YAML; nothing is sent to the cluster.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/apps/preview", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)")),
    request_body = AppSpec,
    responses((status = 200, body = AppPreview), (status = 422, body = ErrorBody)))]
pub async fn preview(
    _caller: Caller,
    Path(_id): Path<String>,
    ApiJson(spec): ApiJson<AppSpec>,
) -> ApiResult<Json<AppPreview>> {
    Ok(Json(AppPreview {
        yaml: apps::preview(&spec)?,
    }))
}

/// One app, with the form it was made with.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/apps/{namespace}/{name}", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "App")),
    responses((status = 200, body = AppSummary), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<AppSummary>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        apps::get(&app.clusters, cluster, &namespace, &name).await?,
    ))
}

/// Updates an app with the same form (its name and namespace are the path's).
#[utoipa::path(put, path = "/api/v1/k8s/cluster/{id}/apps/{namespace}/{name}", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "App")),
    request_body = AppSpec,
    responses((status = 200, body = AppOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
    ApiJson(mut spec): ApiJson<AppSpec>,
) -> ApiResult<Json<AppOutcome>> {
    let cluster = parse_id(&id)?;
    spec.namespace = namespace;
    spec.name = name;
    Ok(Json(
        apps::update(&app.clusters, &actor(&caller), cluster, &spec).await?,
    ))
}

/// Deletes an app: its Deployment, and unless kept its Service and claims.
#[utoipa::path(delete, path = "/api/v1/k8s/cluster/{id}/apps/{namespace}/{name}", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "App"), AppDeletionParams),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
    ApiQuery(params): ApiQuery<AppDeletionParams>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    let what = AppDeletion {
        keep_service: params.keep_service,
        keep_claims: params.keep_claims,
    };
    Ok(Json(
        apps::delete(
            &app.clusters,
            &actor(&caller),
            cluster,
            &namespace,
            &name,
            what,
        )
        .await?,
    ))
}

/// What a delete keeps.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AppDeletionParams {
    /// Keep the app's Service.
    #[serde(default)]
    keep_service: bool,
    /// Keep the claims Capstan made for it.
    #[serde(default)]
    keep_claims: bool,
}

/// Starts a stopped app with the replicas it had.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/apps/{namespace}/{name}/start", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "App")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn start(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        apps::start(&app.clusters, &actor(&caller), cluster, &namespace, &name).await?,
    ))
}

/// Stops an app (scales it to 0, remembering its replicas).
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/apps/{namespace}/{name}/stop", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "App")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn stop(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        apps::stop(&app.clusters, &actor(&caller), cluster, &namespace, &name).await?,
    ))
}

/// Restarts an app's pods.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/apps/{namespace}/{name}/restart", tag = "apps",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "App")),
    responses((status = 200, body = OperationOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn restart(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, name)): Path<(String, String, String)>,
) -> ApiResult<Json<OperationOutcome>> {
    let cluster = parse_id(&id)?;
    Ok(Json(
        apps::restart(&app.clusters, &actor(&caller), cluster, &namespace, &name).await?,
    ))
}
