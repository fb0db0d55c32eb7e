//! The audit log: who did what, when, from where, and how it ended.
//!
//! Policy: every sign-in (success or failure), sign-out and change to a cluster is recorded. A
//! failure to write the audit row fails the action: an unaudited change is worse than a refused one.

use uuid::Uuid;

use crate::db::models::audit_events::{self, NewAuditEvent};
use crate::db::{DbError, DbPool};

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditResult {
    #[default]
    Success,
    /// Refused: wrong credentials, not allowed, invalid.
    Failure,
    /// Refused before being tried, because of a rate limit.
    RateLimited,
}

impl AuditResult {
    /// The value stored in `audit_events.result`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Success => "success",
            AuditResult::Failure => "failure",
            AuditResult::RateLimited => "rate_limited",
        }
    }
}

/// Actions recorded by the auth service (others add their own, named `noun.verb`).
pub mod actions {
    pub const LOGIN: &str = "auth.login";
    pub const LOGOUT: &str = "auth.logout";
}

/// One event to record. Build with struct-update syntax: `AuditEvent { action, ..Default::default() }`.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub action: String,
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    pub resource_kind: Option<String>,
    pub resource_name: Option<String>,
    pub result: AuditResult,
    /// Anything else worth keeping (a reason, a replica count): never secrets.
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

/// Writes one audit event.
pub async fn record(pool: &DbPool, event: AuditEvent) -> Result<(), DbError> {
    let mut conn = pool.get().await?;
    let detail = if event.detail.is_null() {
        serde_json::json!({})
    } else {
        event.detail
    };
    let row = NewAuditEvent {
        user_id: event.user_id,
        username: event.username.as_deref(),
        action: &event.action,
        cluster: event.cluster.as_deref(),
        namespace: event.namespace.as_deref(),
        resource_kind: event.resource_kind.as_deref(),
        resource_name: event.resource_name.as_deref(),
        result: event.result.as_str(),
        detail: &detail,
        ip: event.ip.as_deref(),
        request_id: event.request_id.as_deref(),
    };
    audit_events::insert(&mut conn, &row).await?;
    Ok(())
}
