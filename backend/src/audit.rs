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

/// The audit log for an administrator: newest first, filtered by `query`. Anyone else is refused.
pub async fn search(
    pool: &DbPool,
    caller: &model::auth::UserInfo,
    query: &model::audit::AuditQuery,
) -> Result<Vec<model::audit::AuditEntry>, model::AppError> {
    if !caller.is_admin {
        return Err(model::AppError::forbidden(
            "The audit log is for administrators.",
        ));
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=model::audit::MAX_ENTRIES).contains(&limit) {
        return Err(model::AppError::invalid_field(
            "limit",
            format!("Ask for 1 to {} entries.", model::audit::MAX_ENTRIES),
        ));
    }
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut conn = pool
        .get()
        .await
        .map_err(|e| model::AppError::from(DbError::from(e)))?;
    let rows = audit_events::search(
        &mut conn,
        blank(&query.action).as_deref(),
        blank(&query.user).as_deref(),
        blank(&query.cluster).as_deref(),
        query.before,
        limit,
    )
    .await
    .map_err(|e| model::AppError::from(DbError::from(e)))?;
    Ok(rows
        .into_iter()
        .map(|r| model::audit::AuditEntry {
            id: r.id,
            at: r.at,
            username: r.username,
            action: r.action,
            cluster: r.cluster,
            namespace: r.namespace,
            kind: r.resource_kind,
            name: r.resource_name,
            result: r.result,
            detail: r.detail,
            ip: r.ip,
        })
        .collect())
}
