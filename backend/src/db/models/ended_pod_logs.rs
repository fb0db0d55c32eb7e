//! The `ended_pod_logs` table: kept logs of pods that ended or were deleted.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Interval};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::ended_pod_logs;

/// A row without its log text, for lists.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ended_pod_logs, check_for_backend(diesel::pg::Pg))]
pub struct EndedLogSummary {
    pub id: i64,
    pub pod_name: String,
    pub pod_uid: String,
    pub node_name: Option<String>,
    pub owner: Option<String>,
    pub container: String,
    pub init_container: bool,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub ended_at: DateTime<Utc>,
    pub bytes: i32,
    pub truncated: bool,
    pub note: Option<String>,
}

/// A whole row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ended_pod_logs, check_for_backend(diesel::pg::Pg))]
pub struct EndedLogRow {
    pub id: i64,
    pub cluster_id: Uuid,
    pub namespace: String,
    pub pod_name: String,
    pub container: String,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub ended_at: DateTime<Utc>,
    pub log: String,
    pub truncated: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ended_pod_logs)]
pub struct NewEndedLog {
    pub cluster_id: Uuid,
    pub namespace: String,
    pub pod_name: String,
    pub pod_uid: String,
    pub node_name: Option<String>,
    pub owner: Option<String>,
    pub workload_kind: Option<String>,
    pub workload_name: Option<String>,
    pub container: String,
    pub init_container: bool,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub ended_at: DateTime<Utc>,
    pub log: String,
    pub bytes: i32,
    pub truncated: bool,
    pub note: Option<String>,
}

/// Inserts the containers of one pod; a container kept already (by another replica, or before a
/// restart) stays as it was.
pub async fn insert(conn: &mut AsyncPgConnection, rows: &[NewEndedLog]) -> QueryResult<usize> {
    diesel::insert_into(ended_pod_logs::table)
        .values(rows)
        .on_conflict((
            ended_pod_logs::cluster_id,
            ended_pod_logs::pod_uid,
            ended_pod_logs::container,
        ))
        .do_nothing()
        .execute(conn)
        .await
}

/// Whether anything of pod `uid` is kept.
pub async fn has_pod(conn: &mut AsyncPgConnection, cluster: Uuid, uid: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        ended_pod_logs::table
            .filter(ended_pod_logs::cluster_id.eq(cluster))
            .filter(ended_pod_logs::pod_uid.eq(uid)),
    ))
    .get_result(conn)
    .await
}

/// Who the kept logs are asked by.
pub enum Subject<'a> {
    /// One pod, by name.
    Pod(&'a str),
    /// A workload (resource key and name); `owner`, when given, also matches pods it controls
    /// directly (`ReplicaSet/web-7d9f8` for a replica set that a deployment owns).
    Workload {
        kind: &'a str,
        name: &'a str,
        owner: Option<String>,
    },
}

/// The newest kept containers of `subject`, at most `limit` rows.
pub async fn list(
    conn: &mut AsyncPgConnection,
    cluster: Uuid,
    namespace: &str,
    subject: Subject<'_>,
    limit: i64,
) -> QueryResult<Vec<EndedLogSummary>> {
    let mut query = ended_pod_logs::table
        .filter(ended_pod_logs::cluster_id.eq(cluster))
        .filter(ended_pod_logs::namespace.eq(namespace))
        .into_boxed();
    query = match subject {
        Subject::Pod(name) => query.filter(ended_pod_logs::pod_name.eq(name.to_owned())),
        Subject::Workload { kind, name, owner } => {
            let workload = ended_pod_logs::workload_kind
                .eq(kind.to_owned())
                .and(ended_pod_logs::workload_name.eq(name.to_owned()));
            match owner {
                Some(owner) => query.filter(workload.or(ended_pod_logs::owner.eq(owner))),
                None => query.filter(workload),
            }
        }
    };
    query
        .order((
            ended_pod_logs::ended_at.desc(),
            ended_pod_logs::pod_uid,
            ended_pod_logs::init_container.desc(),
            ended_pod_logs::id,
        ))
        .limit(limit)
        .select(EndedLogSummary::as_select())
        .load(conn)
        .await
}

/// One kept log of `cluster`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    cluster: Uuid,
    id: i64,
) -> QueryResult<Option<EndedLogRow>> {
    ended_pod_logs::table
        .filter(ended_pod_logs::cluster_id.eq(cluster))
        .filter(ended_pod_logs::id.eq(id))
        .select(EndedLogRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Deletes what is older than `days` days, then the oldest rows until the rest (text and a
/// row's overhead) fit in `total_bytes`. Returns how many rows went.
pub async fn prune(
    conn: &mut AsyncPgConnection,
    days: i32,
    total_bytes: i64,
) -> QueryResult<usize> {
    let old =
        diesel::sql_query("DELETE FROM ended_pod_logs WHERE captured_at < now() - $1::interval")
            .bind::<Interval, _>(diesel::data_types::PgInterval::from_days(days))
            .execute(conn)
            .await?;
    let over = diesel::sql_query(
        "DELETE FROM ended_pod_logs WHERE id IN (
             SELECT id FROM (
                 SELECT id, sum(bytes + 512) OVER (ORDER BY captured_at DESC, id DESC) AS running
                 FROM ended_pod_logs
             ) kept WHERE running > $1)",
    )
    .bind::<BigInt, _>(total_bytes)
    .execute(conn)
    .await?;
    Ok(old + over)
}
