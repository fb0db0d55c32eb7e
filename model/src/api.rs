//! The REST API's own types: personal API tokens.
//!
//! Errors in the API are [`crate::AppError`] as JSON (`{kind, code, message, fields}`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A personal API token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenInfo {
    pub id: String,
    pub name: String,
    /// The token's first characters (e.g. `capstan_Ab12`), to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    /// What the token is for, e.g. `ci deploys`; 1 to 100 characters.
    pub name: String,
    /// Days until it expires, 1 to 365; 90 when absent.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

/// A freshly created token: `token` is shown this once and never again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    pub token: String,
    pub info: ApiTokenInfo,
}

impl std::fmt::Debug for CreatedApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiToken")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}
