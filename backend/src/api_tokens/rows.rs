//! The `api_tokens` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use model::api::ApiTokenInfo;
use uuid::Uuid;

use crate::db::models::users::User;
use crate::db::schema::{api_tokens, users};

/// A row of `api_tokens`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiTokenRow> for ApiTokenInfo {
    fn from(r: ApiTokenRow) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiTokenRow<'a> {
    pub user_id: Uuid,
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewApiTokenRow<'_>,
) -> QueryResult<ApiTokenRow> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(ApiTokenRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn count_for_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .count()
        .get_result(conn)
        .await
}

pub async fn list_for_user(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::created_at.desc())
        .select(ApiTokenRow::as_select())
        .load(conn)
        .await
}

/// Sets `revoked_at` (keeping an earlier one) on the user's token; `None` when it is not theirs.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Option<ApiTokenRow>> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user_id)),
    )
    .set(
        api_tokens::revoked_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(revoked_at, ")
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .sql(")")),
    )
    .returning(ApiTokenRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// The live (not revoked, not expired) token with this hash, and its user.
pub async fn find_live_with_user(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Option<(ApiTokenRow, User)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .select((ApiTokenRow::as_select(), User::as_select()))
        .first(conn)
        .await
        .optional()
}

pub async fn touch(conn: &mut AsyncPgConnection, id: Uuid, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .await
        .map(drop)
}
