//! The error every layer ends in when something reaches a user.
//!
//! Policy: a user sees what went wrong and what to do, never a stack trace or a raw backend
//! string. Services map their own errors into [`AppError`] at the boundary; details that help an
//! operator (SQL errors, cluster responses) are logged on the server with the request id instead.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What kind of failure this is; decides the HTTP status and how the UI presents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Input failed validation; `fields` says which and why.
    Invalid,
    /// No session or token, or it expired: sign in again.
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// The thing asked for does not exist.
    NotFound,
    /// The thing changed meanwhile or already exists.
    Conflict,
    /// Too many attempts; wait and retry.
    RateLimited,
    /// A dependency (database, cluster) cannot be reached right now.
    Unavailable,
    /// A bug or an unexpected failure; the server log has the details.
    Internal,
}

impl ErrorKind {
    /// The HTTP status this kind maps to in the REST API.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::Invalid => 422,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::RateLimited => 429,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as the form or API knows it, e.g. `username`.
    pub field: String,
    /// Why it was refused, in words a user understands.
    pub message: String,
}

/// The error a user sees, from a server function or the REST API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    /// A stable machine-readable code, e.g. `login.bad_credentials`; the UI translates known codes.
    pub code: String,
    /// An English sentence saying what went wrong and what to do.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl AppError {
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: code.into(),
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A validation error on one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            kind: ErrorKind::Invalid,
            code: "invalid".into(),
            message: message.clone(),
            fields: vec![FieldError {
                field: field.into(),
                message,
            }],
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorKind::Unauthenticated,
            "auth.required",
            "You are not signed in, or your session expired. Sign in again.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorKind::Internal,
            "internal",
            "Something went wrong on the server. Try again; if it keeps happening, an administrator can find the details in the server log.",
        )
    }

    /// The message of the error on `field`, if there is one.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request could not reach the server or its answer could not be read.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::new(
                ErrorKind::Unavailable,
                "network",
                "The server could not be reached. Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => AppError::new(
                ErrorKind::Invalid,
                "invalid",
                format!("The request was malformed: {msg}"),
            ),
            _ => AppError::internal(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_field_names_the_field() {
        let e = AppError::invalid_field("username", "Enter a user name.");
        assert_eq!(e.kind.http_status(), 422);
        assert_eq!(e.field_message("username"), Some("Enter a user name."));
        assert_eq!(e.field_message("password"), None);
    }

    #[test]
    fn round_trips_through_json() {
        let e = AppError::invalid_field("password", "Too long.");
        let json = serde_json::to_string(&e).expect("serialise");
        let back: AppError = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, e);
    }
}
