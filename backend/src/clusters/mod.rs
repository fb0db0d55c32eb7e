//! Many clusters from one place: the cluster store, importing from kubeconfigs, the client
//! registry, the health checker, the overview, and the read-only / environment guardrails.
//!
//! Policy: credentials are sealed with [`crate::crypto::SecretKey`] before they reach the
//! database and are never part of any DTO, for any user. Admins add, edit and delete clusters
//! (and test connections, which make the server dial arbitrary addresses); any signed-in user may
//! list them, read their health and ask for a sync. Every change is audited.

pub mod connect;
pub mod guard;
pub mod health;
pub mod kubeconfig;
pub mod overview;
pub mod registry;
pub mod rows;
pub mod service;

use model::clusters::ConnectionFailure;
use model::{AppError, ErrorKind, FieldError};

pub use guard::{confirm_name, require_writable};
pub use kubeconfig::KubeconfigError;
pub use registry::ClusterRegistry;
pub use service::*;

use crate::crypto::CryptoError;
use crate::db::DbError;

/// Why a cluster operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No cluster has this id.
    #[error("no cluster with id {0}")]
    NotFound(String),
    /// Another cluster already has this name.
    #[error("a cluster named {0:?} already exists")]
    NameTaken(String),
    /// Settings failed validation; each entry names its field.
    #[error("invalid cluster settings: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The kubeconfig or token input cannot be used.
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
    /// Only administrators may do this.
    #[error("only administrators may manage clusters")]
    AdminRequired,
    /// The typed confirmation does not match the name.
    #[error("the confirmation {typed:?} does not match {expected:?}")]
    ConfirmationMismatch { expected: String, typed: String },
    /// The cluster cannot be reached or its credentials cannot be used.
    #[error("cluster {cluster} cannot be reached: {}", failure.message)]
    Unreachable {
        cluster: String,
        failure: ConnectionFailure,
    },
    /// Stored credentials cannot be decrypted or the key is unusable.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ClusterError {
    fn from(e: diesel::result::Error) -> Self {
        ClusterError::Db(DbError::Query(e))
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ClusterError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        ClusterError::Db(DbError::Pool(e))
    }
}

impl From<ClusterError> for AppError {
    fn from(e: ClusterError) -> Self {
        match e {
            ClusterError::NotFound(_) => AppError::new(
                ErrorKind::NotFound,
                "cluster.not_found",
                "This cluster does not exist (it may have been deleted). Reload the cluster list.",
            ),
            ClusterError::NameTaken(name) => {
                let message =
                    format!("A cluster named {name} already exists. Choose another name.");
                AppError {
                    kind: ErrorKind::Conflict,
                    code: "cluster.name_taken".into(),
                    message: message.clone(),
                    fields: vec![FieldError {
                        field: "name".into(),
                        message,
                    }],
                }
            }
            ClusterError::Invalid(fields) => AppError {
                kind: ErrorKind::Invalid,
                code: "invalid".into(),
                message: "Check the highlighted fields and try again.".into(),
                fields,
            },
            ClusterError::Kubeconfig(e) => e.into(),
            ClusterError::AdminRequired => AppError::new(
                ErrorKind::Forbidden,
                "cluster.admin_required",
                "Only administrators can add, change or delete clusters. Ask an administrator.",
            ),
            ClusterError::ConfirmationMismatch { expected, .. } => {
                let message = format!("Type {expected} exactly to confirm.");
                AppError {
                    kind: ErrorKind::Invalid,
                    code: "cluster.confirmation_mismatch".into(),
                    message: message.clone(),
                    fields: vec![FieldError {
                        field: "confirm".into(),
                        message,
                    }],
                }
            }
            ClusterError::Unreachable { cluster, failure } => AppError::new(
                ErrorKind::Unavailable,
                "cluster.unreachable",
                format!("Cluster {cluster} cannot be reached. {}", failure.message),
            ),
            ClusterError::Crypto(e) => {
                tracing::error!(error = %e, "cluster credentials cannot be decrypted");
                AppError::new(
                    ErrorKind::Internal,
                    "cluster.credentials_unreadable",
                    "The stored credentials of this cluster cannot be decrypted (the secret key changed?). Edit the cluster and provide its credentials again.",
                )
            }
            ClusterError::Db(e) => e.into(),
        }
    }
}
