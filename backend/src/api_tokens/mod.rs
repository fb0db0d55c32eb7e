//! Personal API tokens: created (and shown) once, stored as SHA-256 only, listed, revoked, and
//! accepted as `Authorization: Bearer` by the REST API.
//!
//! Policy: a token acts as its user with that user's rights; it expires (at most a year) and a
//! revoked, expired or disabled user's token authenticates nobody. Creation and revocation are
//! audited; use only updates `last_used_at`, at most once a minute per token.

pub mod rows;

use chrono::{Duration, Utc};
use model::api::{ApiTokenInfo, CreatedApiToken, NewApiToken};
use model::auth::UserInfo;
use model::{AppError, ErrorKind, FieldError};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::client::ClientInfo;
use crate::db::{DbError, DbPool};

/// Every token starts with this, so leaked tokens are easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "capstan_";
/// Random characters after the prefix (about 238 bits).
const RANDOM_LEN: usize = 40;
/// Characters shown to tell tokens apart: the prefix and four more.
const SHOWN_LEN: usize = TOKEN_PREFIX.len() + 4;
const DEFAULT_DAYS: u32 = 90;
const MAX_DAYS: u32 = 365;
const MAX_NAME: usize = 100;
/// Tokens a user may hold at once (live or not yet purged).
const MAX_TOKENS_PER_USER: i64 = 100;

/// Audit actions of this module.
pub mod actions {
    pub const CREATE: &str = "api_token.create";
    pub const REVOKE: &str = "api_token.revoke";
}

/// Why a token operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiTokenError {
    /// Name or expiry out of range; each entry names its field.
    #[error("invalid token request: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The user holds too many tokens.
    #[error("too many tokens")]
    TooMany,
    /// No token with this id belongs to the user.
    #[error("no such token")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ApiTokenError {
    fn from(e: diesel::result::Error) -> Self {
        ApiTokenError::Db(DbError::Query(e))
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiTokenError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        ApiTokenError::Db(DbError::Pool(e))
    }
}

impl From<ApiTokenError> for AppError {
    fn from(e: ApiTokenError) -> Self {
        match e {
            ApiTokenError::Invalid(fields) => AppError {
                kind: ErrorKind::Invalid,
                code: "invalid".into(),
                message: "Check the highlighted fields and try again.".into(),
                fields,
            },
            ApiTokenError::TooMany => AppError::new(
                ErrorKind::Conflict,
                "api_token.too_many",
                format!(
                    "You already have {MAX_TOKENS_PER_USER} tokens. Revoke some you no longer use."
                ),
            ),
            ApiTokenError::NotFound => AppError::new(
                ErrorKind::NotFound,
                "api_token.not_found",
                "This token does not exist or is not yours. Reload the list.",
            ),
            ApiTokenError::Db(e) => e.into(),
        }
    }
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn user_uuid(user: &UserInfo) -> Result<Uuid, ApiTokenError> {
    Uuid::parse_str(&user.id).map_err(|_| ApiTokenError::NotFound)
}

fn validate(new: &NewApiToken) -> Result<(String, u32), ApiTokenError> {
    let name = new.name.trim().to_string();
    let days = new.expires_in_days.unwrap_or(DEFAULT_DAYS);
    let mut fields = Vec::new();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        fields.push(FieldError {
            field: "name".into(),
            message: format!("Give the token a name of 1 to {MAX_NAME} characters."),
        });
    }
    if !(1..=MAX_DAYS).contains(&days) {
        fields.push(FieldError {
            field: "expires_in_days".into(),
            message: format!("Choose an expiry between 1 and {MAX_DAYS} days."),
        });
    }
    if fields.is_empty() {
        Ok((name, days))
    } else {
        Err(ApiTokenError::Invalid(fields))
    }
}

fn audit_event(
    user: &UserInfo,
    client: &ClientInfo,
    action: &str,
    detail: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        user_id: Uuid::parse_str(&user.id).ok(),
        username: Some(user.username.clone()),
        action: action.into(),
        resource_kind: Some("ApiToken".into()),
        detail,
        ip: Some(client.ip_text()),
        request_id: client.request_id.clone(),
        ..Default::default()
    }
}

/// Creates a token for `user`; the returned `token` is the only time it is ever visible.
pub async fn create(
    pool: &DbPool,
    user: &UserInfo,
    client: &ClientInfo,
    new: &NewApiToken,
) -> Result<CreatedApiToken, ApiTokenError> {
    let (name, days) = validate(new)?;
    let user_id = user_uuid(user)?;
    let random: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(RANDOM_LEN)
        .map(char::from)
        .collect();
    let token = format!("{TOKEN_PREFIX}{random}");
    let mut conn = pool.get().await?;
    if rows::count_for_user(&mut conn, user_id).await? >= MAX_TOKENS_PER_USER {
        return Err(ApiTokenError::TooMany);
    }
    let row = rows::insert(
        &mut conn,
        &rows::NewApiTokenRow {
            user_id,
            name: &name,
            prefix: &token[..SHOWN_LEN],
            hash: &hash(&token),
            expires_at: Utc::now() + Duration::days(days.into()),
        },
    )
    .await?;
    drop(conn);
    audit::record(
        pool,
        audit_event(
            user,
            client,
            actions::CREATE,
            serde_json::json!({ "id": row.id.to_string(), "name": row.name, "prefix": row.prefix, "expires_at": row.expires_at }),
        ),
    )
    .await?;
    Ok(CreatedApiToken {
        token,
        info: row.into(),
    })
}

/// The user's tokens, newest first.
pub async fn list(pool: &DbPool, user: &UserInfo) -> Result<Vec<ApiTokenInfo>, ApiTokenError> {
    let user_id = user_uuid(user)?;
    let mut conn = pool.get().await?;
    Ok(rows::list_for_user(&mut conn, user_id)
        .await?
        .into_iter()
        .map(ApiTokenInfo::from)
        .collect())
}

/// Revokes one of the user's tokens (revoking twice is fine).
pub async fn revoke(
    pool: &DbPool,
    user: &UserInfo,
    client: &ClientInfo,
    token_id: &str,
) -> Result<ApiTokenInfo, ApiTokenError> {
    let user_id = user_uuid(user)?;
    let id = Uuid::parse_str(token_id.trim()).map_err(|_| ApiTokenError::NotFound)?;
    let mut conn = pool.get().await?;
    let row = rows::revoke(&mut conn, id, user_id, Utc::now())
        .await?
        .ok_or(ApiTokenError::NotFound)?;
    drop(conn);
    audit::record(
        pool,
        audit_event(
            user,
            client,
            actions::REVOKE,
            serde_json::json!({ "id": row.id.to_string(), "name": row.name, "prefix": row.prefix }),
        ),
    )
    .await?;
    Ok(row.into())
}

/// The user a bearer token belongs to, if it is one of ours, live, and its user is enabled.
pub async fn authenticate(pool: &DbPool, token: &str) -> Result<Option<UserInfo>, ApiTokenError> {
    let token = token.trim();
    // Cheap refusals first: nothing else can be ours, and the database is not asked.
    if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + RANDOM_LEN {
        return Ok(None);
    }
    let now = Utc::now();
    let mut conn = pool.get().await?;
    let Some((row, user)) = rows::find_live_with_user(&mut conn, &hash(token), now).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    if row
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        rows::touch(&mut conn, row.id, now).await?;
    }
    Ok(Some(UserInfo::from(&user)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_expiry_are_checked() {
        let ok = NewApiToken {
            name: " ci ".into(),
            expires_in_days: None,
        };
        assert_eq!(
            validate(&ok).expect("valid"),
            ("ci".to_string(), DEFAULT_DAYS)
        );
        let bad = NewApiToken {
            name: "".into(),
            expires_in_days: Some(0),
        };
        let Err(ApiTokenError::Invalid(fields)) = validate(&bad) else {
            panic!("expected invalid");
        };
        assert_eq!(fields.len(), 2);
        let long = NewApiToken {
            name: "x".into(),
            expires_in_days: Some(MAX_DAYS + 1),
        };
        assert!(validate(&long).is_err());
    }
}
