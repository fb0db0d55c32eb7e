//! The audit log as administrators read it: who did what, when, where, and how it ended.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most entries one request returns.
pub const MAX_ENTRIES: i64 = 500;

/// One audited action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: Option<String>,
    /// `noun.verb`: `auth.login`, `workload.scale`, `terminal.pod.close`, …
    pub action: String,
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    /// `success`, `failure` or `rate_limited`.
    pub result: String,
    /// What else was recorded (a reason, a replica count, the lines typed in a terminal).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
    pub ip: Option<String>,
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct AuditQuery {
    /// Actions starting with this (`terminal.` for every terminal session).
    pub action: Option<String>,
    /// Only this user name.
    pub user: Option<String>,
    /// Only this cluster name.
    pub cluster: Option<String>,
    /// Entries older than this id (the last id of the previous page).
    pub before: Option<i64>,
    /// At most this many (1 to 500, 100 when absent).
    pub limit: Option<i64>,
}
