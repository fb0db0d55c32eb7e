//! Container logs as REST: `…/namespaces/{ns}/pods/{name}/logs` (and `…/containers/{c}/logs`),
//! `…/namespaces/{ns}/{deployments|statefulsets|daemonsets|replicasets|jobs}/{name}/logs` for
//! every pod of a workload merged by time, and `…/log-targets` for the pods and containers there
//! are. The body is text, streamed for one container; `download=true` makes it a file. The live
//! view is the WebSocket of the same path under `/ws` (see `crate::ws::logs`). Logs Capstan kept
//! of pods that are gone: `…/{kind}/{name}/ended-pods` lists them, `…/ended-logs/{log_id}` reads one.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use backend::AppState;
use backend::clusters::parse_id;
use backend::logs::{self, LogSubject, LogText};
use chrono::{DateTime, Utc};
use model::logs::ended::EndedPod;
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
    let body = match text {
        LogText::Stream(stream) => Body::from_stream(stream),
        LogText::Whole(text) => Body::from(text),
    };
    let file = query.download.then(|| {
        let mut file = format!("{}-{}", subject.namespace, subject.name);
        if let Some(c) = &query.container {
            file.push('-');
            file.push_str(c);
        }
        if query.previous {
            file.push_str("-previous");
        }
        file
    });
    Ok(text_response(body, file))
}

/// A text body, as a file named `{file}.log` to save when `file` is given.
fn text_response(body: Body, file: Option<String>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Some(mut file) = file {
        // Names are DNS labels already; anything else is dropped rather than quoted.
        file.retain(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.log\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
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

/// Pods of a workload (or a pod by name) that ended or were deleted, with the containers whose
/// logs Capstan kept, newest first.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/ended-pods", tag = "logs",
    params(("id" = String, Path, description = "Cluster id (UUID)"), ("namespace" = String, Path, description = "Namespace"),
        ("kind" = String, Path, description = "pods, deployments, statefulsets, daemonsets, replicasets or jobs"),
        ("name" = String, Path, description = "Name")),
    responses((status = 200, body = Vec<EndedPod>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ended_pods(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
) -> ApiResult<Json<Vec<EndedPod>>> {
    let subject = subject(&kind, namespace, name)?;
    let cluster = parse_id(&id)?;
    Ok(Json(
        logs::ended::list(app.clusters.db(), cluster, &subject).await?,
    ))
}

/// How to answer with a kept log.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EndedLogQuery {
    /// Lead each line with the time the container wrote it.
    timestamps: bool,
    /// Answer as a file to save (`Content-Disposition: attachment`).
    download: bool,
}

/// The kept log of one container of a pod that is gone, as text.
#[utoipa::path(get, path = "/api/v1/k8s/cluster/{id}/ended-logs/{log_id}", tag = "logs",
    params(("id" = String, Path, description = "Cluster id (UUID)"),
        ("log_id" = i64, Path, description = "A kept log's id, from `ended-pods`"), EndedLogQuery),
    responses((status = 200, content_type = "text/plain", body = String), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn ended_log(
    State(app): State<AppState>,
    _caller: Caller,
    Path((id, log_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<EndedLogQuery>,
) -> ApiResult<Response> {
    let cluster = parse_id(&id)?;
    let log_id: i64 = log_id.parse().map_err(|_| {
        model::AppError::invalid_field(
            "log_id",
            format!("{log_id:?} is not a kept log's id (a number)."),
        )
    })?;
    let row = logs::ended::stored(app.clusters.db(), cluster, log_id).await?;
    let text = if query.timestamps {
        row.log
    } else {
        row.log
            .lines()
            .map(|line| model::logs::cursor::RawLine::parse(line).text + "\n")
            .collect()
    };
    let file = query
        .download
        .then(|| format!("{}-{}-{}-ended", row.namespace, row.pod_name, row.container));
    Ok(text_response(Body::from(text), file))
}
