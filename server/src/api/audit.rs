//! The audit log as REST, for administrators: `GET /api/v1/audit?action=terminal.&user=…`.

use axum::Json;
use axum::extract::State;
use backend::AppState;
use model::audit::{AuditEntry, AuditQuery};

use super::caller::Caller;
use super::error::{ApiResult, ErrorBody};
use super::resources_http::ApiQuery;

/// Audited actions, newest first (administrators only). Page with `before` = the last id.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(
        backend::audit::search(&app.db, &caller.user, &query).await?,
    ))
}
