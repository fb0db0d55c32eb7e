//! One object of any kind: read as YAML, save edited YAML, create objects from YAML, delete.
//!
//! - [`get_yaml`] / [`get_json`]: the object with `metadata.managedFields` left out (unless asked)
//!   and Secret values replaced by a placeholder ([`secrets`]).
//! - [`save_yaml`]: parse, check it is still the same object, put Secret values back, PUT with the
//!   version the text was read at (optionally `dryRun=All`); a conflict returns both versions, a
//!   refusal returns issues placed at lines of the user's text ([`lines`], [`refusal`]).
//! - [`create`]: multi-document YAML ([`split`]); every document is dry-run first and nothing is
//!   created unless all pass; then they are created in order, stopping at the first failure.
//! - [`delete`]: with a propagation policy and grace period; namespaces, and every object on a
//!   production cluster, need the name typed.
//!
//! Policy: read-only clusters refuse saves, creates and deletes, dry runs included. Every real
//! change, and every refused attempt at one, is audited (`resource.update`, `resource.create`,
//! `resource.delete`) with its result and a reason code, never with object content: a Secret's
//! values never reach the audit log. Writes use strict field validation, as kubectl does, so a
//! misspelt field is an issue on its line instead of being dropped silently.

mod create;
mod delete;
mod documents;
mod get;
pub mod lines;
mod refusal;
mod save;
pub mod secrets;
pub mod split;
pub(crate) mod target;
pub mod yaml;

use model::auth::UserInfo;
use model::clusters::ClusterInfo;
use uuid::Uuid;

pub use create::{CreateRequest, create};
pub use delete::delete;
pub use get::{get_json, get_yaml};
pub use save::{Edit, save_yaml};
pub use target::{FIELD_MANAGER, OBJECT_TIMEOUT};

use super::ResourceError;
use crate::ClientInfo;
use crate::audit::{self, AuditEvent, AuditResult};
use crate::clusters::{ClusterError, ClusterRegistry};

/// Audit action names of this module.
pub mod actions {
    pub const CREATE: &str = "resource.create";
    pub const UPDATE: &str = "resource.update";
    pub const DELETE: &str = "resource.delete";
}

/// Who is acting, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user: &'a UserInfo,
    pub client: &'a ClientInfo,
}

/// The object an audit row is about.
pub(crate) struct Audited<'a> {
    pub action: &'static str,
    pub cluster: &'a ClusterInfo,
    pub kind: &'a str,
    pub namespace: Option<&'a str>,
    pub name: &'a str,
}

/// Writes one audit row; a failure to write it fails the request (see [`crate::audit`]).
pub(crate) async fn audit(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    about: Audited<'_>,
    result: AuditResult,
    detail: serde_json::Value,
) -> Result<(), ResourceError> {
    audit::record(
        registry.db(),
        AuditEvent {
            user_id: Uuid::parse_str(&actor.user.id).ok(),
            username: Some(actor.user.username.clone()),
            action: about.action.into(),
            cluster: Some(about.cluster.name.clone()),
            namespace: about.namespace.map(str::to_string),
            resource_kind: Some(about.kind.to_string()),
            resource_name: Some(about.name.to_string()),
            result,
            detail,
            ip: Some(actor.client.ip_text()),
            request_id: actor.client.request_id.clone(),
        },
    )
    .await?;
    Ok(())
}

/// The reason code of a failed attempt, for its audit row: the code only, since messages may
/// quote what the cluster was sent.
pub(crate) fn reason(e: &ResourceError) -> serde_json::Value {
    let code = match e {
        ResourceError::Refused(inner) => inner.code.as_str(),
        ResourceError::NotFound { .. } => "resource.not_found",
        ResourceError::KindUnknown(_) => "resource.kind_unknown",
        ResourceError::Denied { .. } | ResourceError::Forbidden { .. } => "resource.forbidden",
        ResourceError::Rejected { .. } => "resource.rejected",
        ResourceError::InvalidRequest(_) | ResourceError::InvalidQuery(_) => "resource.invalid",
        ResourceError::Cluster(ClusterError::Unreachable { .. }) => "cluster.unreachable",
        ResourceError::Cluster(_) => "cluster.failed",
        ResourceError::Database(_) => "audit.failed",
    };
    serde_json::json!({ "reason": code })
}
