//! `/api/v1/tokens`: the caller's personal API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use backend::AppState;
use backend::api_tokens as service;
use model::api::{ApiTokenInfo, CreatedApiToken, NewApiToken};

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::json::ApiJson;

use axum::Json;

/// The caller's tokens, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<ApiTokenInfo>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiTokenInfo>>> {
    Ok(Json(service::list(&app.db, &caller.user).await?))
}

/// Creates a token; the answer is the only time it is shown.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewApiToken,
    responses((status = 201, body = CreatedApiToken), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<CreatedApiToken>)> {
    let created = service::create(&app.db, &caller.user, &caller.client, &new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "Token id (UUID)")),
    responses((status = 200, body = ApiTokenInfo), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiTokenInfo>> {
    Ok(Json(
        service::revoke(&app.db, &caller.user, &caller.client, &id).await?,
    ))
}
