//! Why a detail page or a Secret reveal failed, in words a user can act on.
//!
//! Policy: a missing object says it may have been deleted; a refusal by the cluster names the
//! object and what to ask for; revealing is refused to non-administrators with the reason, and
//! an audit row that cannot be written fails the reveal (an unaudited reveal is worse than none).

use model::{AppError, ErrorKind};

use super::super::ResourceError;
use crate::db::DbError;

/// What went wrong reading one object or revealing a Secret's value.
#[derive(Debug, thiserror::Error)]
pub enum DetailError {
    /// The object does not exist (any more).
    #[error("{kind} {name:?} not found")]
    NotFound {
        kind: String,
        namespace: Option<String>,
        name: String,
    },
    /// The cluster refuses Capstan's credentials to read the object (HTTP 403).
    #[error("reading {kind} {name:?} is forbidden: {message}")]
    Forbidden {
        kind: String,
        name: String,
        message: String,
    },
    /// The address is malformed (an empty name, a namespace for a cluster-scoped kind…).
    #[error("invalid object address: {0}")]
    Invalid(String),
    /// Only administrators may reveal Secret values (until roles exist).
    #[error("revealing secret values is for administrators")]
    RevealNotAllowed,
    /// The Secret has no such key.
    #[error("the secret has no key {key:?}")]
    KeyNotFound { key: String },
    /// The audit row of a reveal could not be written, so nothing was revealed.
    #[error("audit log: {0}")]
    Audit(#[from] DbError),
    /// Discovery, the cluster connection, or an unknown kind.
    #[error(transparent)]
    Resource(#[from] ResourceError),
}

impl From<DetailError> for AppError {
    fn from(e: DetailError) -> Self {
        match e {
            DetailError::NotFound {
                kind,
                namespace,
                name,
            } => {
                let place = namespace
                    .map(|ns| format!(" in namespace {ns}"))
                    .unwrap_or_default();
                AppError::new(
                    ErrorKind::NotFound,
                    "resource.not_found",
                    format!(
                        "The {kind} {name}{place} does not exist. It may have been deleted meanwhile; go back to the list to see what is there now."
                    ),
                )
            }
            DetailError::Forbidden {
                kind,
                name,
                message,
            } => {
                tracing::info!(%kind, %name, %message, "cluster refused to read an object");
                AppError::new(
                    ErrorKind::Forbidden,
                    "resource.forbidden",
                    format!(
                        "The cluster does not allow Capstan's credentials to read the {kind} {name}. Ask the cluster's administrator to grant get on it."
                    ),
                )
            }
            DetailError::Invalid(message) => {
                AppError::new(ErrorKind::Invalid, "resource.invalid_object", message)
            }
            DetailError::RevealNotAllowed => AppError::new(
                ErrorKind::Forbidden,
                "secret.reveal_forbidden",
                "Only administrators can reveal Secret values. Ask an administrator if you need this value.",
            ),
            DetailError::KeyNotFound { key } => AppError::new(
                ErrorKind::NotFound,
                "secret.key_not_found",
                format!(
                    "The Secret has no key {key} (any more). Reload the page to see its current keys."
                ),
            ),
            DetailError::Audit(e) => {
                tracing::error!(error = %e, "audit row for a secret reveal could not be written");
                AppError::new(
                    ErrorKind::Unavailable,
                    "audit.unavailable",
                    "The value was not revealed because the audit log could not be written. Try again shortly.",
                )
            }
            DetailError::Resource(e) => e.into(),
        }
    }
}
