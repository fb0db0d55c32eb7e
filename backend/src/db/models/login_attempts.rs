//! The `login_attempts` table: the shared memory of the sign-in rate limit.

use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::login_attempts;

#[derive(Debug, Insertable)]
#[diesel(table_name = login_attempts)]
pub struct NewLoginAttempt<'a> {
    pub username: &'a str,
    pub ip: &'a str,
    pub at: DateTime<Utc>,
    pub success: bool,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewLoginAttempt<'_>) -> QueryResult<()> {
    diesel::insert_into(login_attempts::table)
        .values(new)
        .execute(conn)
        .await
        .map(drop)
}

/// Failures counted against a limit: how many, and when the oldest happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub oldest: Option<DateTime<Utc>>,
}

/// Failures for `username` from `ip` after `since`.
pub async fn failures_for_user_and_ip(
    conn: &mut AsyncPgConnection,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> QueryResult<Failures> {
    let (count, oldest) = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.gt(since))
        .select((count_star(), min(login_attempts::at)))
        .get_result(conn)
        .await?;
    Ok(Failures { count, oldest })
}

/// Failures from `ip`, for any user, after `since`.
pub async fn failures_for_ip(
    conn: &mut AsyncPgConnection,
    ip: &str,
    since: DateTime<Utc>,
) -> QueryResult<Failures> {
    let (count, oldest) = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.gt(since))
        .select((count_star(), min(login_attempts::at)))
        .get_result(conn)
        .await?;
    Ok(Failures { count, oldest })
}

/// When `username` last signed in successfully from `ip`, if after `since`.
pub async fn last_success(
    conn: &mut AsyncPgConnection,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<DateTime<Utc>>> {
    login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::success.eq(true))
        .filter(login_attempts::at.gt(since))
        .select(diesel::dsl::max(login_attempts::at))
        .get_result(conn)
        .await
}

/// Forgets attempts older than `before` (they no longer count towards any limit).
pub async fn delete_older_than(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::at.lt(before)))
        .execute(conn)
        .await
}
