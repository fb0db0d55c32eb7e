//! Who is calling: the user the auth middleware found (session or API token), and the client
//! details the audit log keeps.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use backend::ClientInfo;
use model::AppError;
use model::auth::UserInfo;

use super::error::ApiError;

/// The signed-in caller of an API route.
pub struct Caller {
    pub user: UserInfo,
    pub client: ClientInfo,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<UserInfo>()
            .cloned()
            .ok_or_else(|| ApiError(AppError::unauthenticated()))?;
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let client = ClientInfo {
            ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
            user_agent: header("user-agent").map(|ua| ua.chars().take(512).collect()),
            request_id: header("x-request-id"),
        };
        Ok(Caller { user, client })
    }
}
