//! The paths users know for the common kinds: `/api/v1/k8s/cluster/{id}/namespaces/{namespace}/
//! {pods|deployments|services|configmaps|secrets}[/{name}]`, lists of those kinds across
//! namespaces, namespaces and nodes. Same behaviour as the generic `resources` routes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use backend::AppState;
use model::objects::{CreatedDocument, DeleteOutcome, ObjectRef};
use model::resources::ResourcePage;
use serde::{Deserialize, Serialize};

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::resources::{
    CreateParams, CreateScope, DeleteParams, ListParams, PageParams, UpdateParams, create_from,
    delete_with, get_object, list_page, unknown_kind, update_with,
};
use super::resources_http::{ApiQuery, KubeObject, ObjectError, ObjectErrorBody, ObjectText};

/// The namespaced kinds with paths of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommonKind {
    Pods,
    Deployments,
    Services,
    Configmaps,
    Secrets,
}

impl CommonKind {
    const ALL: [CommonKind; 5] = [
        CommonKind::Pods,
        CommonKind::Deployments,
        CommonKind::Services,
        CommonKind::Configmaps,
        CommonKind::Secrets,
    ];

    fn segment(self) -> &'static str {
        match self {
            CommonKind::Pods => "pods",
            CommonKind::Deployments => "deployments",
            CommonKind::Services => "services",
            CommonKind::Configmaps => "configmaps",
            CommonKind::Secrets => "secrets",
        }
    }

    /// The kind key the backend knows it by.
    fn key(self) -> &'static str {
        match self {
            CommonKind::Deployments => "deployments.apps",
            other => other.segment(),
        }
    }

    /// The kind named by a path segment, or a 404 naming the ones there are.
    fn parse(segment: &str) -> Result<Self, model::AppError> {
        Self::ALL
            .into_iter()
            .find(|k| k.segment() == segment)
            .ok_or_else(|| {
                unknown_kind(segment, "pods, deployments, services, configmaps, secrets")
            })
    }
}

fn namespaced(kind: CommonKind, namespace: String, name: String) -> ObjectRef {
    ObjectRef {
        kind: kind.key().into(),
        namespace: Some(namespace),
        name,
    }
}

fn cluster_scoped(kind: &str, name: String) -> ObjectRef {
    ObjectRef {
        kind: kind.into(),
        namespace: None,
        name,
    }
}

/// One page of `kind` across namespaces (or those in `namespaces`).
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/{kind}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("kind" = inline(CommonKind), Path, description = "pods, deployments, services, configmaps or secrets"),
        ListParams),
    responses((status = 200, body = ResourcePage), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn list_all(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, kind)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> ApiResult<Json<ResourcePage>> {
    let kind = CommonKind::parse(&kind)?;
    list_page(&app, &id, kind.key(), params.query()).await
}

/// One page of `kind` in one namespace.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(CommonKind), Path, description = "pods, deployments, services, configmaps or secrets"),
        PageParams),
    responses((status = 200, body = ResourcePage), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn list_in(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, kind)): Path<(String, String, String)>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<ResourcePage>> {
    let kind = CommonKind::parse(&kind)?;
    list_page(&app, &id, kind.key(), params.query(vec![namespace])).await
}

/// Creates objects of `kind` in the namespace from YAML or JSON; all are validated first.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(CommonKind), Path, description = "pods, deployments, services, configmaps or secrets"),
        CreateParams),
    request_body(description = "One object as JSON, or one or more as YAML",
        content((KubeObject = "application/json"), (String = "application/yaml"))),
    responses((status = 201, body = Vec<CreatedDocument>), (status = 200, body = Vec<CreatedDocument>, description = "Dry run"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ObjectErrorBody), (status = 422, body = ObjectErrorBody)))]
pub async fn create_in(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind)): Path<(String, String, String)>,
    ApiQuery(params): ApiQuery<CreateParams>,
    ObjectText(text): ObjectText,
) -> Result<(StatusCode, Json<Vec<CreatedDocument>>), ObjectError> {
    let kind = CommonKind::parse(&kind)?;
    let scope = CreateScope {
        namespace: Some(&namespace),
        pin_namespace: true,
        only_kind: Some(kind.key()),
    };
    create_from(&app, &caller, &id, &text, scope, params).await
}

/// One object as JSON (managed fields left out, Secret values hidden).
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(CommonKind), Path, description = "pods, deployments, services, configmaps or secrets"),
        ("name" = String, Path, description = "Object name")),
    responses((status = 200, body = KubeObject), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
) -> ApiResult<Json<KubeObject>> {
    let kind = CommonKind::parse(&kind)?;
    get_object(&app, &id, namespaced(kind, namespace, name)).await
}

/// Replaces the object (YAML or JSON) at the version it was read.
#[utoipa::path(put, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(CommonKind), Path, description = "pods, deployments, services, configmaps or secrets"),
        ("name" = String, Path, description = "Object name"), UpdateParams),
    request_body(description = "The whole object", content((KubeObject = "application/json"), (String = "application/yaml"))),
    responses((status = 200, body = KubeObject), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ObjectErrorBody), (status = 422, body = ObjectErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
    ApiQuery(params): ApiQuery<UpdateParams>,
    ObjectText(text): ObjectText,
) -> Result<Json<KubeObject>, ObjectError> {
    let kind = CommonKind::parse(&kind)?;
    update_with(
        &app,
        &caller,
        &id,
        namespaced(kind, namespace, name),
        &text,
        params,
    )
    .await
}

/// Deletes the object with a propagation policy and grace period.
#[utoipa::path(delete, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("namespace" = String, Path, description = "Namespace"),
        ("kind" = inline(CommonKind), Path, description = "pods, deployments, services, configmaps or secrets"),
        ("name" = String, Path, description = "Object name"), DeleteParams),
    responses((status = 200, body = DeleteOutcome), (status = 202, body = DeleteOutcome, description = "Terminating"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> ApiResult<(StatusCode, Json<DeleteOutcome>)> {
    let kind = CommonKind::parse(&kind)?;
    delete_with(
        &app,
        &caller,
        &id,
        namespaced(kind, namespace, name),
        params,
    )
    .await
}

/// The namespaces, one page.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), PageParams),
    responses((status = 200, body = ResourcePage), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn list_namespaces(
    State(app): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<ResourcePage>> {
    list_page(&app, &id, "namespaces", params.query(Vec::new())).await
}

/// Creates namespaces from YAML or JSON.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/namespaces", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), CreateParams),
    request_body(description = "A Namespace as JSON or YAML", content((KubeObject = "application/json"), (String = "application/yaml"))),
    responses((status = 201, body = Vec<CreatedDocument>), (status = 403, body = ErrorBody),
        (status = 409, body = ObjectErrorBody), (status = 422, body = ObjectErrorBody)))]
pub async fn create_namespace(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<CreateParams>,
    ObjectText(text): ObjectText,
) -> Result<(StatusCode, Json<Vec<CreatedDocument>>), ObjectError> {
    let scope = CreateScope {
        namespace: None,
        pin_namespace: false,
        only_kind: Some("namespaces"),
    };
    create_from(&app, &caller, &id, &text, scope, params).await
}

/// One namespace as JSON.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace")),
    responses((status = 200, body = KubeObject), (status = 404, body = ErrorBody)))]
pub async fn get_namespace(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace)): Path<(String, String)>,
) -> ApiResult<Json<KubeObject>> {
    get_object(&app, &id, cluster_scoped("namespaces", namespace)).await
}

/// Replaces a namespace's labels, annotations or spec (YAML or JSON).
#[utoipa::path(put, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"), UpdateParams),
    request_body(description = "The whole Namespace", content((KubeObject = "application/json"), (String = "application/yaml"))),
    responses((status = 200, body = KubeObject), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ObjectErrorBody), (status = 422, body = ObjectErrorBody)))]
pub async fn update_namespace(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<UpdateParams>,
    ObjectText(text): ObjectText,
) -> Result<Json<KubeObject>, ObjectError> {
    let object = cluster_scoped("namespaces", namespace);
    update_with(&app, &caller, &id, object, &text, params).await
}

/// Deletes a namespace and everything in it; `?confirm=<namespace>` is required.
#[utoipa::path(delete, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"), DeleteParams),
    responses((status = 200, body = DeleteOutcome), (status = 202, body = DeleteOutcome, description = "Terminating"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_namespace(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, namespace)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> ApiResult<(StatusCode, Json<DeleteOutcome>)> {
    let object = cluster_scoped("namespaces", namespace);
    delete_with(&app, &caller, &id, object, params).await
}

/// The nodes, one page (status, roles, age, version, as `kubectl get nodes`).
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/nodes", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), PageParams),
    responses((status = 200, body = ResourcePage), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn list_nodes(
    State(app): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<ResourcePage>> {
    list_page(&app, &id, "nodes", params.query(Vec::new())).await
}

/// One node as JSON.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/nodes/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("name" = String, Path, description = "Node name")),
    responses((status = 200, body = KubeObject), (status = 404, body = ErrorBody)))]
pub async fn get_node(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<KubeObject>> {
    get_object(&app, &id, cluster_scoped("nodes", name)).await
}
