//! Errors as the API sends them: an [`AppError`] as JSON with the status its kind maps to.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::AppError;

/// The error body of every failed API call.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the JSON of `AppError` for the OpenAPI document only"
)]
pub struct ErrorBody {
    /// `invalid`, `unauthenticated`, `forbidden`, `not_found`, `conflict`, `rate_limited`, `unavailable` or `internal`.
    kind: String,
    /// A stable code, e.g. `cluster.name_taken`.
    code: String,
    /// What went wrong and what to do.
    message: String,
    /// Fields that failed validation (absent when none).
    fields: Option<Vec<FieldBody>>,
}

#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the JSON of `FieldError` for the OpenAPI document only"
)]
pub struct FieldBody {
    field: String,
    message: String,
}

/// Any error a handler returns.
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.0)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
