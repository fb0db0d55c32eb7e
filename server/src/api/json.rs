//! A JSON body extractor whose refusals are API errors (JSON), not axum's plain text.

use axum::extract::{FromRequest, Request};
use model::{AppError, ErrorKind};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Like `axum::Json`, but a malformed body answers 422 `{code: "invalid", …}`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError(AppError::new(
                ErrorKind::Invalid,
                "invalid",
                format!("The request body is not valid: {}", rejection.body_text()),
            ))),
        }
    }
}
