//! Signing in and out: passwords, sessions, rate limits and the first administrator.
//!
//! Policy: a refused sign-in never says whether the user name exists (same message, about the
//! same time). Every attempt is rate-limited and audited. Tokens are only ever stored hashed.

pub mod password;
pub mod rate_limit;
pub mod session;
pub mod validate;

use chrono::Utc;
use model::auth::UserInfo;
use model::{AppError, ErrorKind, FieldError};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::audit::{self, AuditEvent, AuditResult, actions};
use crate::client::ClientInfo;
use crate::db::models::{sessions, users};
use crate::db::{DbError, DbPool};

pub use session::{SESSION_TTL, SessionToken};

/// The first administrator's user name.
pub const ADMIN_USERNAME: &str = "admin";
/// Length of a generated first-administrator password.
const GENERATED_PASSWORD_LEN: usize = 20;

/// Why signing in (or another auth step) failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The user name or password is malformed; each entry names its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Unknown user, wrong password or disabled account (deliberately indistinguishable).
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many failures recently; retry after this many seconds.
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Hashing failed or its worker thread died.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for AuthError {
    fn from(e: diesel::result::Error) -> Self {
        AuthError::Db(DbError::Query(e))
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AuthError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        AuthError::Db(DbError::Pool(e))
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Invalid(fields) => AppError {
                kind: ErrorKind::Invalid,
                code: "invalid".into(),
                message: "Check the highlighted fields and try again.".into(),
                fields,
            },
            AuthError::BadCredentials => AppError::new(
                ErrorKind::Unauthenticated,
                "auth.bad_credentials",
                "The user name or password is wrong. Check both and try again.",
            ),
            AuthError::RateLimited { retry_after_secs } => AppError::new(
                ErrorKind::RateLimited,
                "auth.rate_limited",
                format!(
                    "Too many failed sign-in attempts. Wait {} and try again.",
                    rate_limit::describe_wait(retry_after_secs)
                ),
            ),
            AuthError::Hashing(detail) => {
                tracing::error!(%detail, "password hashing failed");
                AppError::internal()
            }
            AuthError::Db(e) => e.into(),
        }
    }
}

/// Creates the first administrator (`admin`) when there is no user at all.
///
/// Returns the generated password when one was made (to print once); `None` when users already
/// existed or `password` was given (e.g. from `CAPSTAN_ADMIN_PASSWORD`).
pub async fn ensure_admin(
    pool: &DbPool,
    password: Option<String>,
) -> Result<Option<String>, AuthError> {
    let mut conn = pool.get().await?;
    if users::count(&mut conn).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match password {
        Some(given) => {
            if let Some(error) = validate::password(&given) {
                return Err(AuthError::Invalid(vec![error]));
            }
            (given, false)
        }
        None => (random_password(), true),
    };
    let hash = password::hash_blocking(password.clone()).await?;
    let new = users::NewUser {
        username: ADMIN_USERNAME,
        display_name: "Administrator",
        password_hash: &hash,
        is_admin: true,
    };
    // Another replica starting at the same moment may win the insert: then it prints its password.
    let created = users::insert_if_absent(&mut conn, &new).await?;
    if created.is_some() {
        tracing::info!(username = ADMIN_USERNAME, "created the first administrator");
    }
    Ok(created.and(generated.then_some(password)))
}

fn random_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(GENERATED_PASSWORD_LEN)
        .map(char::from)
        .collect()
}

/// Checks the credentials and opens a session.
pub async fn login(
    pool: &DbPool,
    username: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<(SessionToken, UserInfo), AuthError> {
    let errors = validate::credentials(username, password);
    if !errors.is_empty() {
        return Err(AuthError::Invalid(errors));
    }
    let ip = client.ip_text();
    let now = Utc::now();
    let mut conn = pool.get().await?;
    let event = |result: AuditResult, user_id, reason: &str| AuditEvent {
        user_id,
        username: Some(username.to_string()),
        action: actions::LOGIN.into(),
        result,
        detail: if reason.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::json!({ "reason": reason })
        },
        ip: Some(ip.clone()),
        request_id: client.request_id.clone(),
        ..Default::default()
    };

    if let rate_limit::Verdict::Limited { retry_after_secs } =
        rate_limit::check(&mut conn, username, &ip, now).await?
    {
        tracing::warn!(username, %ip, retry_after_secs, "sign-in refused by the rate limit");
        audit::record(pool, event(AuditResult::RateLimited, None, "rate_limited")).await?;
        return Err(AuthError::RateLimited { retry_after_secs });
    }

    let user = users::find_by_username(&mut conn, username).await?;
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .map(|u| u.password_hash.clone());
    let matches = password::verify_blocking(password.to_string(), hash).await?;
    rate_limit::record(&mut conn, username, &ip, now, matches).await?;

    let Some(user) = user.filter(|_| matches) else {
        tracing::info!(username, %ip, "sign-in refused: bad credentials");
        audit::record(pool, event(AuditResult::Failure, None, "bad_credentials")).await?;
        return Err(AuthError::BadCredentials);
    };

    let token = SessionToken::generate();
    let id = token.id();
    let new = sessions::NewSession {
        id: &id,
        user_id: user.id,
        expires_at: now + SESSION_TTL,
        ip: Some(&ip),
        user_agent: client.user_agent.as_deref(),
    };
    sessions::insert(&mut conn, &new).await?;
    audit::record(pool, event(AuditResult::Success, Some(user.id), "")).await?;
    tracing::info!(username, %ip, "signed in");
    Ok((token, UserInfo::from(&user)))
}

/// The user a session token belongs to, if the session is live; slides its expiry forward.
pub async fn session_user(pool: &DbPool, token: &str) -> Result<Option<UserInfo>, AuthError> {
    let Some(id) = session::session_id_of(token) else {
        return Ok(None);
    };
    let now = Utc::now();
    let mut conn = pool.get().await?;
    let Some((found, user)) = sessions::find_live_with_user(&mut conn, &id, now).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    if session::needs_touch(found.expires_at, now) {
        sessions::touch(&mut conn, &id, now, now + SESSION_TTL).await?;
    }
    Ok(Some(UserInfo::from(&user)))
}

/// Ends the session of `token` (if any) and audits it.
pub async fn logout(pool: &DbPool, token: &str, client: &ClientInfo) -> Result<(), AuthError> {
    let Some(id) = session::session_id_of(token) else {
        return Ok(());
    };
    let mut conn = pool.get().await?;
    let Some(user_id) = sessions::delete(&mut conn, &id).await? else {
        return Ok(());
    };
    audit::record(
        pool,
        AuditEvent {
            user_id: Some(user_id),
            action: actions::LOGOUT.into(),
            ip: Some(client.ip_text()),
            request_id: client.request_id.clone(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// Deletes expired sessions and attempts that no longer count (for a periodic job).
pub async fn purge_expired(pool: &DbPool) -> Result<(), AuthError> {
    let now = Utc::now();
    let mut conn = pool.get().await?;
    sessions::delete_expired(&mut conn, now).await?;
    crate::db::models::login_attempts::delete_older_than(&mut conn, now - rate_limit::WINDOW)
        .await?;
    Ok(())
}
