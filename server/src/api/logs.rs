//! Container logs as REST: `…/namespaces/{ns}/pods/{name}/logs` (and `…/containers/{c}/logs`),
//! `…/namespaces/{ns}/{deployments|statefulsets|daemonsets|replicasets|jobs}/{name}/logs` for
//! every pod of a workload merged by time, and `…/log-targets` for the pods and containers there
//! are. The body is text, streamed for one container; `download=true` makes it a file. The live
//! view is the WebSocket of the same path under `/ws` (see `crate::ws::logs`).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use backend::AppState;
use backend::clusters::parse_id;
use backend::logs::{self, LogSubject, LogText};
use chrono::{DateTime, Utc};
use model::logs::{LogOptions, LogTargets};
use serde::Deserialize;

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::resources::unknown_kind;
use super::resources_http::ApiQuery;

/// The kind path segment → the kind key of the resource browser.
pub fn subject(kind: &str, namespace: String, name: String) -> Result<LogSubject, model::AppError> {
    let Some(key) = model::logs::kind_key(kind) else {
        return Err(unknown_kind(
            kind,
            "pods, deployments, statefulsets, daemonsets, replicasets, jobs",
        ));
    };
    Ok(LogSubject {
        kind: key.into(),
        namespace,
        name,
    })
}

/// What to read (the query string of the log routes).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct LogQuery {
    /// A container of the pod (init containers too); every regular container when absent.
    pub container: Option<String>,
    /// Keep streaming new lines (the WebSocket route only; a text read ends).
    follow: bool,
    /// The container's previous run (before its last restart).
    previous: bool,
    /// Only the last N lines of each container (0 to 100 000).
    tail_lines: Option<i64>,
    /// Only lines of the last N seconds.
    since_seconds: Option<i64>,
    /// Only lines written at or after this time (RFC 3339).
    since_time: Option<DateTime<Utc>>,
    /// Lead each line with the time the container wrote it.
    timestamps: bool,
    /// Answer as a file to save (`Content-Disposition: attachment`).
    download: bool,
}

impl LogQuery {
    pub fn options(&self) -> LogOptions {
        LogOptions {
            container: self.container.clone().filter(|c| !c.is_empty()),
            follow: self.follow,
            previous: self.previous,
            tail_lines: self.tail_lines,
            since_seconds: self.since_seconds,
            since_time: self.since_time,
            timestamps: self.timestamps,
        }
    }
}

async fn respond(
    app: &AppState,
    id: &str,
    subject: LogSubject,
    query: &LogQuery,
) -> ApiResult<Response> {
    let cluster = parse_id(id)?;
    let text = logs::text(&app.clusters, cluster, &subject, query.options()).await?;
    let mut response = match text {
        LogText::Stream(stream) => Body::from_stream(stream).into_response(),
        LogText::Whole(text) => text.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if query.download {
        let mut file = format!("{}-{}", subject.namespace, subject.name);
        if let Some(c) = &query.container {
            file.push('-');
            file.push_str(c);
        }
        if query.previous {
            file.push_str("-previous");
        }
        // Names are DNS labels already; anything else is dropped rather than quoted.
        file.retain(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.log\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

/// The log of a pod's container (or of all its containers, merged by time), as text.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/logs", tag = "logs",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = String, Path, description = "pods, or a workload (deployments, statefulsets, daemonsets, replicasets, jobs) for all its pods merged"),
        ("name" = String, Path, description = "Name"), LogQuery),
    responses((status = 200, content_type = "text/plain", body = String), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn read(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> ApiResult<Response> {
    let subject = subject(&kind, namespace, name)?;
    respond(&app, &id, subject, &query).await
}

/// The log of one container of a pod, as text.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/pods/{name}/containers/{container}/logs", tag = "logs",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("name" = String, Path, description = "Pod name"), ("container" = String, Path, description = "Container name"), LogQuery),
    responses((status = 200, content_type = "text/plain", body = String), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn read_container(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, name, container)): Path<(String, String, String, String)>,
    ApiQuery(mut query): ApiQuery<LogQuery>,
) -> ApiResult<Response> {
    query.container = Some(container);
    let subject = subject("pods", namespace, name)?;
    respond(&app, &id, subject, &query).await
}

/// The pods (one, or a workload's) and their containers whose logs can be read.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/log-targets", tag = "logs",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = String, Path, description = "pods, deployments, statefulsets, daemonsets, replicasets or jobs"),
        ("name" = String, Path, description = "Name")),
    responses((status = 200, body = LogTargets), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn targets(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
) -> ApiResult<Json<LogTargets>> {
    let subject = subject(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(logs::targets(&app.clusters, cluster, &subject).await?))
}
