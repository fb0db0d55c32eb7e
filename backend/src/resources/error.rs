//! The resource browser's one error type and how it reaches a user.
//!
//! Policy: a kind the cluster does not serve is a 404 that names the kind; a bad query is a
//! validation error on the field that holds it (`label_selector`, `limit`, `sort`, …); cluster
//! failures reuse the clusters module's wording so every page says "unreachable" the same way.

use model::clusters::{ConnectionFailure, ConnectionFailureKind};
use model::{AppError, ErrorKind, FieldError};
use uuid::Uuid;

use crate::clusters::{ClusterError, ClusterRegistry, connect};
use crate::db::DbError;

/// Why listing or discovering resources failed.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// The cluster does not serve this kind (or it was removed, e.g. a deleted CRD).
    #[error("the cluster does not serve the kind {0:?}")]
    KindUnknown(String),
    /// The list query is invalid; each entry names its field.
    #[error("invalid list query: {0:?}")]
    InvalidQuery(Vec<FieldError>),
    /// The object asked for does not exist.
    #[error("{kind} {name:?} not found")]
    NotFound { kind: String, name: String },
    /// The cluster refuses to let Capstan's credentials list or watch this kind (HTTP 403).
    #[error("listing {kind} is forbidden: {message}")]
    Forbidden { kind: String, message: String },
    /// The cluster is unknown, unreachable, or its credentials unusable.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// A request about one object is malformed (a namespaced kind without a namespace, a
    /// negative grace period, …); each entry names its field.
    #[error("invalid object request: {0:?}")]
    InvalidRequest(Vec<FieldError>),
    /// The cluster does not let Capstan's credentials do this to the object, or an admission
    /// rule refused it (HTTP 403); `message` is the cluster's.
    #[error("{action} {kind} {name:?} is forbidden: {message}")]
    Denied {
        action: String,
        kind: String,
        name: String,
        message: String,
    },
    /// A guardrail refused the change before it was tried (read-only cluster, missing typed
    /// confirmation).
    #[error("refused: {0}")]
    Refused(AppError),
    /// The cluster refused the request for a reason of its own (HTTP `code`); its message says why.
    #[error("the cluster refused: {message} (HTTP {code})")]
    Rejected { code: u16, message: String },
    /// Capstan's database failed: the audit record of a change could not be written, or kept
    /// logs could not be read.
    #[error(transparent)]
    Database(#[from] DbError),
}

impl ResourceError {
    /// A validation error on one field of the query.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ResourceError::InvalidQuery(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}

impl From<ResourceError> for AppError {
    fn from(e: ResourceError) -> Self {
        match e {
            ResourceError::KindUnknown(kind) => AppError::new(
                ErrorKind::NotFound,
                "resource.kind_unknown",
                format!(
                    "This cluster does not serve the kind {kind}. It may have been removed (a deleted custom resource definition?). Pick a kind from the navigation."
                ),
            ),
            ResourceError::InvalidQuery(fields) => AppError {
                kind: ErrorKind::Invalid,
                code: "resource.invalid_query".into(),
                message: fields.first().map_or_else(
                    || "Check the highlighted fields and try again.".to_string(),
                    |f| f.message.clone(),
                ),
                fields,
            },
            ResourceError::NotFound { kind, name } => AppError::new(
                ErrorKind::NotFound,
                "resource.not_found",
                format!(
                    "The {kind} {name} does not exist (it may have been deleted). Reload the list."
                ),
            ),
            ResourceError::Forbidden { kind, message } => {
                tracing::info!(%kind, %message, "cluster refused to list a kind");
                AppError::new(
                    ErrorKind::Forbidden,
                    "resource.forbidden",
                    format!(
                        "The cluster does not allow Capstan's credentials to list {kind}. Ask the cluster's administrator to grant list and watch on it."
                    ),
                )
            }
            ResourceError::Cluster(e) => e.into(),
            ResourceError::InvalidRequest(fields) => AppError {
                kind: ErrorKind::Invalid,
                code: "resource.invalid".into(),
                message: fields.first().map_or_else(
                    || "Check the highlighted fields and try again.".to_string(),
                    |f| f.message.clone(),
                ),
                fields,
            },
            ResourceError::Denied {
                action,
                kind,
                name,
                message,
            } => AppError::new(
                ErrorKind::Forbidden,
                "resource.forbidden",
                format!(
                    "The cluster does not allow Capstan to {action} the {kind} {name}: {message}. Ask the cluster's administrator for the permission."
                ),
            ),
            ResourceError::Refused(e) => e,
            ResourceError::Rejected { code, message } => {
                let kind = match code {
                    429 => ErrorKind::RateLimited,
                    500.. => ErrorKind::Unavailable,
                    _ => ErrorKind::Invalid,
                };
                AppError::new(
                    kind,
                    "resource.rejected",
                    format!("The cluster refused the request: {message}"),
                )
            }
            ResourceError::Database(e) => e.into(),
        }
    }
}

/// A kube error from talking to `cluster`, in the words of the clusters module.
pub(crate) async fn cluster_failure(
    registry: &ClusterRegistry,
    cluster: Uuid,
    kind: &str,
    err: &kube::Error,
) -> ResourceError {
    if let kube::Error::Api(status) = err {
        match status.code {
            403 => {
                return ResourceError::Forbidden {
                    kind: kind.to_string(),
                    message: status.message.clone(),
                };
            }
            404 => return ResourceError::KindUnknown(kind.to_string()),
            _ => {}
        }
    }
    tracing::info!(%cluster, %kind, error = %err, "cluster request failed");
    unreachable(registry, cluster, connect::classify(err)).await
}

impl ResourceError {
    /// The cluster did not answer within the first-contact timeout.
    pub(crate) async fn timed_out(registry: &ClusterRegistry, cluster: Uuid) -> ResourceError {
        unreachable(
            registry,
            cluster,
            ConnectionFailure {
                kind: ConnectionFailureKind::Timeout,
                message: "The cluster did not answer in time. Check that it is running and reachable from Capstan.".into(),
            },
        )
        .await
    }
}

async fn unreachable(
    registry: &ClusterRegistry,
    cluster: Uuid,
    failure: ConnectionFailure,
) -> ResourceError {
    // The message names the cluster; its id will do when even the database is away.
    let name = match crate::clusters::get(registry, cluster).await {
        Ok(info) => info.name,
        Err(_) => cluster.to_string(),
    };
    ResourceError::Cluster(ClusterError::Unreachable {
        cluster: name,
        failure,
    })
}
