//! Building the pool from a `DATABASE_URL`, with errors that name the server we tried.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::{Pool, PoolError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::db::DbPool;

/// How long connecting may take before we call the server unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections per process; small on purpose (several replicas share one PostgreSQL).
const MAX_CONNECTIONS: usize = 16;

/// Database failures. Messages name the server but never the password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is not a `postgres://` URL we can read.
    #[error(
        "DATABASE_URL is not a valid postgres:// URL ({0}); expected postgres://user:password@host:port/database"
    )]
    InvalidUrl(String),
    /// The server could not be reached or refused us.
    #[error(
        "cannot connect to PostgreSQL at {host}:{port}: {reason}; check DATABASE_URL and that the server is running"
    )]
    Connect {
        host: String,
        port: u16,
        reason: String,
    },
    /// No pooled connection could be had (server down, pool exhausted).
    #[error("no database connection available: {0}")]
    Pool(#[from] PoolError),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// Applying or inspecting migrations failed.
    #[error("database migration failed: {0}")]
    Migration(String),
}

impl From<DbError> for model::AppError {
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "database error");
        match e {
            DbError::Connect { .. } | DbError::Pool(_) => model::AppError::new(
                model::ErrorKind::Unavailable,
                "unavailable",
                "The database cannot be reached right now. Try again in a moment.",
            ),
            _ => model::AppError::internal(),
        }
    }
}

/// Where a URL points, for messages: `(host, port, database)`.
pub(crate) fn describe_url(url: &str) -> Result<(String, u16, String), DbError> {
    let parsed = url::Url::parse(url).map_err(|e| DbError::InvalidUrl(e.to_string()))?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(DbError::InvalidUrl(format!(
            "scheme is {}",
            parsed.scheme()
        )));
    }
    let host = parsed.host_str().unwrap_or("localhost").to_string();
    let port = parsed.port().unwrap_or(5432);
    let database = parsed.path().trim_start_matches('/').to_string();
    Ok((host, port, database))
}

/// Opens one connection, with a timeout and an error that names the server.
pub(crate) async fn establish(url: &str) -> Result<AsyncPgConnection, DbError> {
    let (host, port, _) = describe_url(url)?;
    let connect_err = |reason: String| DbError::Connect {
        host: host.clone(),
        port,
        reason,
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, AsyncPgConnection::establish(url)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(connect_err(first_line(&e.to_string()))),
        Err(_) => Err(connect_err(format!(
            "no answer within {}s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

/// Builds the shared pool and checks, with one connection, that the server answers.
pub async fn connect(url: &str) -> Result<DbPool, DbError> {
    // Fail with a clear message before building the pool, which would only fail lazily.
    drop(establish(url).await?);
    build_lazy(url)
}

/// Builds the pool without connecting: connections are made on first use. For tests of code
/// that must not touch the database, and for callers that check reachability themselves.
pub fn build_lazy(url: &str) -> Result<DbPool, DbError> {
    describe_url(url)?;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
    Pool::builder(manager)
        .max_size(MAX_CONNECTIONS)
        .build()
        .map_err(|e| DbError::InvalidUrl(e.to_string()))
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates `database` on the server `admin_url` points at, unless it exists.
pub async fn create_database_if_missing(admin_url: &str, database: &str) -> Result<(), DbError> {
    let mut conn = establish(admin_url).await?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(database)
            .get_result(&mut conn)
            .await?;
    if !found.exists {
        diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(database)))
            .execute(&mut conn)
            .await?;
    }
    Ok(())
}

/// Quotes an SQL identifier (names cannot be bound as parameters).
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_url_reads_host_port_and_database() {
        let (h, p, d) = describe_url("postgres://u:pw@db.example:6543/capstan").expect("valid");
        assert_eq!((h.as_str(), p, d.as_str()), ("db.example", 6543, "capstan"));
    }

    #[test]
    fn describe_url_refuses_other_schemes() {
        assert!(matches!(
            describe_url("mysql://x/y"),
            Err(DbError::InvalidUrl(_))
        ));
        assert!(matches!(
            describe_url("not a url"),
            Err(DbError::InvalidUrl(_))
        ));
    }

    #[test]
    fn quote_ident_doubles_quotes() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
