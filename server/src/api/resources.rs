//! `/api/v1/k8s/cluster/{id}/resources/{kind}[/{namespace}/{name}]`: objects of any kind the
//! cluster serves, addressed by kind key (`pods`, `deployments.apps`, `widgets.example.com`);
//! `-` is the namespace of cluster-scoped kinds. The common kinds also have the paths users know
//! (`…/namespaces/{namespace}/deployments/{name}`, in `resources_kinds`); both go through the
//! functions here.
//!
//! Lists answer compact rows, paged, from the shared cache (never whole objects: a cluster can
//! hold 150 000 pods). Objects come as JSON with managed fields left out and Secret values hidden.
//! Writes take YAML or JSON and answer problems at lines of the text sent (422), conflicts with
//! both versions (409). Read-only clusters refuse writes; every write is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use backend::AppState;
use backend::clusters::parse_id;
use backend::resources::objects::{self, Actor, CreateRequest, Edit, yaml};
use model::objects::{
    CreatedDocument, DeleteOptions, DeleteOutcome, DocumentResult, ObjectRef, Propagation,
    SaveOutcome,
};
use model::resources::{ListQuery, ResourcePage};
use model::{AppError, ErrorKind};
use serde::Deserialize;
use uuid::Uuid;

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::resources_http::{
    ApiQuery, ConflictBody, KubeObject, ObjectError, ObjectErrorBody, ObjectText, is_dry_run,
};

/// Which rows of a kind, across namespaces.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    /// Namespaces to show, comma-separated; all when left out.
    namespaces: Option<String>,
    /// Case-insensitive text matched against name, namespace and every column.
    filter: Option<String>,
    /// A Kubernetes label selector: `app=web,tier in (front,back),!canary`.
    label_selector: Option<String>,
    /// A column id to sort by (the page's `columns[].id`); namespace then name when left out.
    sort: Option<String>,
    /// Sort in descending order.
    descending: Option<bool>,
    /// Rows to skip.
    offset: Option<usize>,
    /// Rows per page, 1–1000 (default 50).
    limit: Option<usize>,
}

/// Which rows of a kind, in one namespace.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct PageParams {
    /// Case-insensitive text matched against name and every column.
    filter: Option<String>,
    /// A Kubernetes label selector: `app=web,tier in (front,back),!canary`.
    label_selector: Option<String>,
    /// A column id to sort by; name when left out.
    sort: Option<String>,
    /// Sort in descending order.
    descending: Option<bool>,
    /// Rows to skip.
    offset: Option<usize>,
    /// Rows per page, 1–1000 (default 50).
    limit: Option<usize>,
}

impl ListParams {
    pub fn query(self) -> ListQuery {
        let namespaces = self
            .namespaces
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        PageParams {
            filter: self.filter,
            label_selector: self.label_selector,
            sort: self.sort,
            descending: self.descending,
            offset: self.offset,
            limit: self.limit,
        }
        .query(namespaces)
    }
}

impl PageParams {
    pub fn query(self, namespaces: Vec<String>) -> ListQuery {
        ListQuery {
            namespaces,
            filter: self.filter.unwrap_or_default(),
            label_selector: self.label_selector.unwrap_or_default(),
            sort: self.sort.filter(|s| !s.is_empty()),
            descending: self.descending.unwrap_or(false),
            offset: self.offset.unwrap_or(0),
            limit: self.limit,
        }
    }
}

/// Options of a create.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct CreateParams {
    /// `All` to validate without creating anything.
    dry_run: Option<String>,
    /// Where namespaced objects that name no namespace go (default `default`).
    namespace: Option<String>,
}

/// Options of an update.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct UpdateParams {
    /// `All` to validate without saving; the answer is what the cluster would store.
    dry_run: Option<String>,
    /// The version the object was read at; when left out, the body's `metadata.resourceVersion`.
    resource_version: Option<String>,
}

/// Options of a delete.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DeleteParams {
    /// `Background` (default), `Foreground` or `Orphan`.
    propagation_policy: Option<String>,
    /// Seconds pods get to stop; the object's own when left out, 0 for at once.
    grace_period_seconds: Option<i64>,
    /// The object's name, required for namespaces and on production clusters.
    confirm: Option<String>,
}

impl DeleteParams {
    fn options(self) -> Result<DeleteOptions, AppError> {
        let propagation = match self.propagation_policy.as_deref().map(str::trim) {
            None | Some("") => Propagation::Background,
            Some(p) if p.eq_ignore_ascii_case("background") => Propagation::Background,
            Some(p) if p.eq_ignore_ascii_case("foreground") => Propagation::Foreground,
            Some(p) if p.eq_ignore_ascii_case("orphan") => Propagation::Orphan,
            Some(p) => {
                return Err(AppError::invalid_field(
                    "propagationPolicy",
                    format!("propagationPolicy is Background, Foreground or Orphan, not {p:?}."),
                ));
            }
        };
        Ok(DeleteOptions {
            propagation,
            grace_period_seconds: self.grace_period_seconds,
            confirm: self.confirm,
        })
    }
}

/// Where a create may put objects.
pub struct CreateScope<'a> {
    /// The namespace for objects that name none.
    pub namespace: Option<&'a str>,
    /// Objects naming another namespace are refused.
    pub pin_namespace: bool,
    /// Objects of another kind are refused.
    pub only_kind: Option<&'a str>,
}

pub(super) async fn list_page(
    app: &AppState,
    cluster: &str,
    kind: &str,
    query: ListQuery,
) -> ApiResult<Json<ResourcePage>> {
    let id = parse_id(cluster)?;
    Ok(Json(
        backend::resources::list(&app.resources, id, kind, &query).await?,
    ))
}

pub(super) async fn get_object(
    app: &AppState,
    cluster: &str,
    object: ObjectRef,
) -> ApiResult<Json<KubeObject>> {
    let id = parse_id(cluster)?;
    let (_, value) = objects::get_json(&app.clusters, id, &object).await?;
    Ok(Json(KubeObject(value)))
}

pub(super) async fn create_from(
    app: &AppState,
    caller: &Caller,
    cluster: &str,
    text: &str,
    scope: CreateScope<'_>,
    params: CreateParams,
) -> Result<(StatusCode, Json<Vec<CreatedDocument>>), ObjectError> {
    let id = parse_id(cluster).map_err(AppError::from)?;
    let dry_run = is_dry_run(params.dry_run.as_deref())?;
    let namespace = scope.namespace.or(params.namespace.as_deref());
    let request = CreateRequest {
        yaml: text,
        default_namespace: namespace,
        dry_run,
        only_kind: scope.only_kind,
        pin_namespace: scope.pin_namespace,
    };
    let documents = objects::create(&app.clusters, &actor(caller), id, request).await?;
    if documents
        .iter()
        .all(|d| d.result == DocumentResult::Created)
    {
        let status = if dry_run {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        return Ok((status, Json(documents)));
    }
    Err(ObjectError::not_created(documents))
}

pub(super) async fn update_with(
    app: &AppState,
    caller: &Caller,
    cluster: &str,
    object: ObjectRef,
    text: &str,
    params: UpdateParams,
) -> Result<Json<KubeObject>, ObjectError> {
    let id = parse_id(cluster).map_err(AppError::from)?;
    let dry_run = is_dry_run(params.dry_run.as_deref())?;
    let edit = Edit {
        object: &object,
        yaml: text,
        resource_version: params.resource_version.as_deref().unwrap_or(""),
        dry_run,
    };
    match objects::save_yaml(&app.clusters, &actor(caller), id, edit).await? {
        SaveOutcome::Saved { object } => as_json(&object.yaml),
        SaveOutcome::Valid { yaml } => as_json(&yaml),
        SaveOutcome::Invalid { issues } => Err(ObjectError::invalid(issues)),
        SaveOutcome::Conflict {
            mine,
            theirs,
            theirs_version,
        } => Err(ObjectError::conflict(ConflictBody {
            mine,
            theirs,
            theirs_version,
        })),
    }
}

pub(super) async fn delete_with(
    app: &AppState,
    caller: &Caller,
    cluster: &str,
    object: ObjectRef,
    params: DeleteParams,
) -> ApiResult<(StatusCode, Json<DeleteOutcome>)> {
    let id: Uuid = parse_id(cluster)?;
    let options = params.options()?;
    let done = objects::delete(&app.clusters, &actor(caller), id, &object, &options).await?;
    // 202: accepted, but the object is still there (finalizers, foreground, grace period).
    let status = if done.gone {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(done)))
}

fn actor(caller: &Caller) -> Actor<'_> {
    Actor {
        user: &caller.user,
        client: &caller.client,
    }
}

/// The YAML the backend answered, as the JSON object it describes.
fn as_json(text: &str) -> Result<Json<KubeObject>, ObjectError> {
    yaml::parse(text).map(|v| Json(KubeObject(v))).map_err(|issue| {
        tracing::error!(message = %issue.message, "the cluster's answer did not read back as YAML");
        ObjectError::from(AppError::internal())
    })
}

/// `-` (and an empty segment) is the namespace of cluster-scoped objects.
fn namespace_segment(namespace: String) -> Option<String> {
    Some(namespace).filter(|n| n != "-" && !n.is_empty())
}

/// One page of `kind`'s rows.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/resources/{kind}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("kind" = String, Path, description = "Kind key: `pods`, `deployments.apps`, `widgets.example.com`"),
        ListParams),
    responses((status = 200, body = ResourcePage), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, kind)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> ApiResult<Json<ResourcePage>> {
    list_page(&app, &id, &kind, params.query()).await
}

/// Creates objects from YAML or JSON (several YAML documents separated by `---`), all of kind
/// `kind`. Every document is validated by the cluster first; if one fails, nothing is created.
#[utoipa::path(post, path = "/api/v1/k8s/cluster/{id}/resources/{kind}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("kind" = String, Path, description = "Kind key"), CreateParams),
    request_body(description = "One object as JSON, or one or more as YAML",
        content((KubeObject = "application/json"), (String = "application/yaml"))),
    responses((status = 201, body = Vec<CreatedDocument>, description = "All created"),
        (status = 200, body = Vec<CreatedDocument>, description = "Dry run: all would be created"),
        (status = 403, body = ErrorBody), (status = 409, body = ObjectErrorBody),
        (status = 422, body = ObjectErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, kind)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<CreateParams>,
    ObjectText(text): ObjectText,
) -> Result<(StatusCode, Json<Vec<CreatedDocument>>), ObjectError> {
    let scope = CreateScope {
        namespace: None,
        pin_namespace: false,
        only_kind: Some(&kind),
    };
    create_from(&app, &caller, &id, &text, scope, params).await
}

/// One object as JSON (managed fields left out, Secret values hidden).
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/resources/{kind}/{namespace}/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("kind" = String, Path, description = "Kind key"),
        ("namespace" = String, Path, description = "Namespace, `-` for cluster-scoped kinds"),
        ("name" = String, Path, description = "Object name")),
    responses((status = 200, body = KubeObject), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, kind, namespace, name)): Path<(String, String, String, String)>,
) -> ApiResult<Json<KubeObject>> {
    let object = ObjectRef {
        kind,
        namespace: namespace_segment(namespace),
        name,
    };
    get_object(&app, &id, object).await
}

/// Replaces the object with the one sent (YAML or JSON), at the version it was read
/// (`resourceVersion`); Secret values still reading `<hidden>` keep their live values.
#[utoipa::path(put, path = "/api/v1/k8s/cluster/{id}/resources/{kind}/{namespace}/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("kind" = String, Path, description = "Kind key"),
        ("namespace" = String, Path, description = "Namespace, `-` for cluster-scoped kinds"),
        ("name" = String, Path, description = "Object name"), UpdateParams),
    request_body(description = "The whole object", content((KubeObject = "application/json"), (String = "application/yaml"))),
    responses((status = 200, body = KubeObject, description = "Saved (or, for a dry run, what would be)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ObjectErrorBody, description = "Changed since read: both versions"),
        (status = 422, body = ObjectErrorBody, description = "Problems, at lines of the text sent")))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, kind, namespace, name)): Path<(String, String, String, String)>,
    ApiQuery(params): ApiQuery<UpdateParams>,
    ObjectText(text): ObjectText,
) -> Result<Json<KubeObject>, ObjectError> {
    let object = ObjectRef {
        kind,
        namespace: namespace_segment(namespace),
        name,
    };
    update_with(&app, &caller, &id, object, &text, params).await
}

/// Deletes the object. Namespaces, and any object on a production cluster, need `?confirm=<name>`.
#[utoipa::path(delete, path = "/api/v1/k8s/cluster/{id}/resources/{kind}/{namespace}/{name}", tag = "k8s",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("kind" = String, Path, description = "Kind key"),
        ("namespace" = String, Path, description = "Namespace, `-` for cluster-scoped kinds"),
        ("name" = String, Path, description = "Object name"), DeleteParams),
    responses((status = 200, body = DeleteOutcome, description = "Gone"),
        (status = 202, body = DeleteOutcome, description = "Terminating: finalizers, dependents or a grace period hold it"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, kind, namespace, name)): Path<(String, String, String, String)>,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> ApiResult<(StatusCode, Json<DeleteOutcome>)> {
    let object = ObjectRef {
        kind,
        namespace: namespace_segment(namespace),
        name,
    };
    delete_with(&app, &caller, &id, object, params).await
}

/// A kind the named routes do not serve.
pub(super) fn unknown_kind(kind: &str, known: &str) -> AppError {
    AppError::new(
        ErrorKind::NotFound,
        "resource.kind_unknown",
        format!(
            "{kind} is not one of {known} here; use /api/v1/k8s/cluster/{{id}}/resources/{{kind}} for any other kind."
        ),
    )
}
