//! The `clusters` table. Functions take a connection and return `QueryResult`; the service decides
//! what results mean.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use model::clusters::{AuthKind, ClusterHealth, ClusterInfo, ClusterStatus, Environment};
use uuid::Uuid;

use crate::db::schema::{clusters, users};

/// A row of `clusters`, credentials still sealed.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = clusters, check_for_backend(diesel::pg::Pg))]
pub struct ClusterRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub environment: String,
    pub colour: String,
    pub read_only: bool,
    pub server_url: String,
    pub auth_kind: String,
    pub credentials: Vec<u8>,
    pub status: String,
    pub reason: Option<String>,
    pub version: Option<String>,
    pub node_count: Option<i32>,
    pub ready_nodes: Option<i32>,
    pub master_nodes: Option<i32>,
    pub worker_nodes: Option<i32>,
    pub pod_count: Option<i32>,
    pub namespace_count: Option<i32>,
    pub latency_ms: Option<i32>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub is_default: bool,
    pub keep_ended_logs: bool,
}

impl ClusterRow {
    pub fn environment(&self) -> Environment {
        Environment::parse(&self.environment).unwrap_or_default()
    }

    /// The browser-facing view; `creator` is the importer's user name, if known.
    pub fn to_info(&self, creator: Option<String>) -> ClusterInfo {
        ClusterInfo {
            id: self.id.to_string(),
            name: self.name.clone(),
            description: self.description.clone(),
            environment: self.environment(),
            colour: self.colour.clone(),
            read_only: self.read_only,
            keep_ended_logs: self.keep_ended_logs,
            server_url: self.server_url.clone(),
            auth_kind: AuthKind::parse(&self.auth_kind).unwrap_or(AuthKind::Anonymous),
            is_default: self.is_default,
            health: ClusterHealth {
                status: ClusterStatus::parse(&self.status).unwrap_or_default(),
                reason: self.reason.clone(),
                version: self.version.clone(),
                node_count: self.node_count,
                ready_nodes: self.ready_nodes,
                master_nodes: self.master_nodes,
                worker_nodes: self.worker_nodes,
                pod_count: self.pod_count,
                namespace_count: self.namespace_count,
                latency_ms: self.latency_ms,
                last_sync_at: self.last_sync_at,
            },
            created_by: creator,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A cluster to insert; the id is chosen by the caller because it seals the credentials.
#[derive(Debug, Insertable)]
#[diesel(table_name = clusters)]
pub struct NewClusterRow<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub description: &'a str,
    pub environment: &'a str,
    pub colour: &'a str,
    pub read_only: bool,
    pub server_url: &'a str,
    pub auth_kind: &'a str,
    pub credentials: &'a [u8],
    pub created_by: Option<Uuid>,
    pub is_default: bool,
    pub keep_ended_logs: bool,
}

/// Changed settings; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = clusters)]
pub struct ClusterChanges<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub environment: Option<&'a str>,
    pub colour: Option<&'a str>,
    pub read_only: Option<bool>,
    pub keep_ended_logs: Option<bool>,
    pub server_url: Option<&'a str>,
    pub auth_kind: Option<&'a str>,
    pub credentials: Option<&'a [u8]>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// Health as written by the checker.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = clusters, treat_none_as_null = true)]
pub struct HealthUpdate {
    pub status: String,
    pub reason: Option<String>,
    pub version: Option<String>,
    pub node_count: Option<i32>,
    pub ready_nodes: Option<i32>,
    pub master_nodes: Option<i32>,
    pub worker_nodes: Option<i32>,
    pub pod_count: Option<i32>,
    pub namespace_count: Option<i32>,
    pub latency_ms: Option<i32>,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// Every cluster with its creator's user name, the default first, then by name.
pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(ClusterRow, Option<String>)>> {
    clusters::table
        .left_join(users::table.on(users::id.nullable().eq(clusters::created_by)))
        .order((clusters::is_default.desc(), clusters::name.asc()))
        .select((ClusterRow::as_select(), users::username.nullable()))
        .load(conn)
        .await
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(ClusterRow, Option<String>)>> {
    clusters::table
        .left_join(users::table.on(users::id.nullable().eq(clusters::created_by)))
        .filter(clusters::id.eq(id))
        .select((ClusterRow::as_select(), users::username.nullable()))
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_name(
    conn: &mut AsyncPgConnection,
    name: &str,
) -> QueryResult<Option<ClusterRow>> {
    clusters::table
        .filter(clusters::name.eq(name))
        .select(ClusterRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewClusterRow<'_>,
) -> QueryResult<ClusterRow> {
    diesel::insert_into(clusters::table)
        .values(new)
        .returning(ClusterRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &ClusterChanges<'_>,
) -> QueryResult<ClusterRow> {
    diesel::update(clusters::table.find(id))
        .set(changes)
        .returning(ClusterRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_health(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    health: &HealthUpdate,
) -> QueryResult<usize> {
    diesel::update(clusters::table.find(id))
        .set(health)
        .execute(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(clusters::table.find(id)).execute(conn).await
}

/// Makes `id` the only default cluster.
pub async fn make_default(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(clusters::table.filter(clusters::is_default.and(clusters::id.ne(id))))
        .set(clusters::is_default.eq(false))
        .execute(conn)
        .await?;
    diesel::update(clusters::table.find(id))
        .set(clusters::is_default.eq(true))
        .execute(conn)
        .await
        .map(drop)
}
