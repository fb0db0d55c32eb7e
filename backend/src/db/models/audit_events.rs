//! The `audit_events` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::audit_events;

/// A row of `audit_events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events, check_for_backend(diesel::pg::Pg))]
pub struct AuditEventRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub action: String,
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    pub resource_kind: Option<String>,
    pub resource_name: Option<String>,
    pub result: String,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub user_id: Option<Uuid>,
    pub username: Option<&'a str>,
    pub action: &'a str,
    pub cluster: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub resource_kind: Option<&'a str>,
    pub resource_name: Option<&'a str>,
    pub result: &'a str,
    pub detail: &'a serde_json::Value,
    pub ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewAuditEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(new)
        .execute(conn)
        .await
        .map(drop)
}

/// The newest events first, at most `limit`.
pub async fn latest(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .order((audit_events::at.desc(), audit_events::id.desc()))
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
        .await
}

/// Newest first, filtered: actions starting with `action`, by user name and cluster name, older
/// than the id `before`; at most `limit`.
pub async fn search(
    conn: &mut AsyncPgConnection,
    action: Option<&str>,
    username: Option<&str>,
    cluster: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    let mut query = audit_events::table.into_boxed();
    if let Some(prefix) = action {
        // LIKE's own wildcards in the prefix match themselves.
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(audit_events::action.like(format!("{escaped}%")));
    }
    if let Some(username) = username {
        query = query.filter(audit_events::username.eq(username));
    }
    if let Some(cluster) = cluster {
        query = query.filter(audit_events::cluster.eq(cluster));
    }
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before));
    }
    query
        .order(audit_events::id.desc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
        .await
}
