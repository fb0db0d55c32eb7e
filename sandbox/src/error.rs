//! The sandbox's one error type.
//!
//! Policy: every failure a client can cause is a variant that maps one-to-one onto a Kubernetes `Status`
//! (code + reason), with the message the real API server would write, because kubectl and kube-rs print or
//! match on those. Start-up failures (I/O, TLS) share the type so the library exposes a single error.

use serde_json::{Value, json};

/// One field-level reason an object was rejected (`details.causes[]` of a 422 Status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// Machine-readable reason, e.g. `FieldValueRequired`.
    pub reason: String,
    /// Human-readable message, e.g. `Required value`.
    pub message: String,
    /// JSON-path-like field, e.g. `spec.containers[0].image`.
    pub field: String,
}

impl Cause {
    /// A `FieldValueRequired` cause for `field`.
    pub fn required(field: impl Into<String>) -> Self {
        Self {
            reason: "FieldValueRequired".into(),
            message: "Required value".into(),
            field: field.into(),
        }
    }
    /// A `FieldValueInvalid` cause for `field` with a reason message.
    pub fn invalid(field: impl Into<String>, value: &str, why: &str) -> Self {
        Self {
            reason: "FieldValueInvalid".into(),
            message: format!("Invalid value: \"{value}\": {why}"),
            field: field.into(),
        }
    }
    /// A `FieldValueNotSupported`-style cause for an unknown field (strict field validation).
    pub fn unknown_field(field: impl Into<String>) -> Self {
        let field = field.into();
        Self {
            reason: "FieldValueInvalid".into(),
            message: format!("unknown field \"{field}\""),
            field,
        }
    }
}

/// Everything that can go wrong in the sandbox, from a bad request to a failed start-up.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The object (or resource type) does not exist: 404 NotFound.
    #[error("{}", not_found_message(.resource, .name))]
    NotFound { resource: String, name: String },
    /// An object with that name already exists: 409 AlreadyExists.
    #[error("{resource} \"{name}\" already exists")]
    AlreadyExists { resource: String, name: String },
    /// Optimistic concurrency failure (stale resourceVersion, uid precondition, apply conflict): 409 Conflict.
    #[error("Operation cannot be fulfilled on {resource} \"{name}\": {message}")]
    Conflict {
        resource: String,
        name: String,
        message: String,
    },
    /// The object failed validation: 422 Invalid with field causes.
    #[error("{kind} \"{name}\" is invalid: {}", join_causes(.causes))]
    Invalid {
        kind: String,
        name: String,
        causes: Vec<Cause>,
    },
    /// The request itself is malformed (bad selector, bad patch, undecodable body): 400 BadRequest.
    #[error("{0}")]
    BadRequest(String),
    /// The request is understood but refused (e.g. creating in a terminating namespace): 403 Forbidden.
    #[error("{0}")]
    Forbidden(String),
    /// No or wrong bearer token: 401 Unauthorized.
    #[error("Unauthorized")]
    Unauthorized,
    /// A watch or continue token refers to history the server no longer keeps: 410 Gone (reason Expired).
    #[error("{0}")]
    Gone(String),
    /// The request would violate a budget (eviction blocked by a PodDisruptionBudget): 429 TooManyRequests.
    #[error("{0}")]
    TooManyRequests(String),
    /// The verb is not supported on this resource: 405 MethodNotAllowed.
    #[error("the server does not allow this method on the requested resource")]
    MethodNotSupported,
    /// The body's content type cannot be decoded: 415 UnsupportedMediaType.
    #[error("the body of the request was in an unknown format - accepted media types include: {0}")]
    UnsupportedMediaType(String),
    /// The sandbox refuses requests on purpose (fault injection outage): 503 ServiceUnavailable.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// A bug or an impossible state inside the sandbox: 500 InternalError.
    #[error("Internal error occurred: {0}")]
    Internal(String),
    /// Binding the socket or writing the kubeconfig failed (start-up only).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Generating the CA or server certificate failed (start-up only).
    #[error("TLS set-up failed: {0}")]
    Tls(String),
}

fn not_found_message(resource: &str, name: &str) -> String {
    if resource.is_empty() {
        "the server could not find the requested resource".into()
    } else {
        format!("{resource} \"{name}\" not found")
    }
}

fn join_causes(causes: &[Cause]) -> String {
    let parts: Vec<String> = causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.message))
        .collect();
    match parts.len() {
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => format!("[{}]", parts.join(", ")),
    }
}

impl SandboxError {
    /// Shorthand for a 404 on `resource` (plural, with `.group` for non-core groups).
    pub fn not_found(resource: impl Into<String>, name: impl Into<String>) -> Self {
        Self::NotFound {
            resource: resource.into(),
            name: name.into(),
        }
    }

    /// The 409 a stale resourceVersion earns, with the wording clients show to users.
    pub fn stale(resource: impl Into<String>, name: impl Into<String>) -> Self {
        Self::Conflict {
            resource: resource.into(),
            name: name.into(),
            message: "the object has been modified; please apply your changes to the latest version and try again"
                .into(),
        }
    }

    /// HTTP status code of the matching Kubernetes Status.
    pub fn code(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::AlreadyExists { .. } | Self::Conflict { .. } => 409,
            Self::Invalid { .. } => 422,
            Self::BadRequest(_) => 400,
            Self::Forbidden(_) => 403,
            Self::Unauthorized => 401,
            Self::Gone(_) => 410,
            Self::TooManyRequests(_) => 429,
            Self::MethodNotSupported => 405,
            Self::UnsupportedMediaType(_) => 415,
            Self::ServiceUnavailable(_) => 503,
            Self::Internal(_) | Self::Io(_) | Self::Tls(_) => 500,
        }
    }

    /// The `reason` field of the Status (a `metav1.StatusReason`).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "NotFound",
            Self::AlreadyExists { .. } => "AlreadyExists",
            Self::Conflict { .. } => "Conflict",
            Self::Invalid { .. } => "Invalid",
            Self::BadRequest(_) => "BadRequest",
            Self::Forbidden(_) => "Forbidden",
            Self::Unauthorized => "Unauthorized",
            Self::Gone(_) => "Expired",
            Self::TooManyRequests(_) => "TooManyRequests",
            Self::MethodNotSupported => "MethodNotAllowed",
            Self::UnsupportedMediaType(_) => "UnsupportedMediaType",
            Self::ServiceUnavailable(_) => "ServiceUnavailable",
            Self::Internal(_) | Self::Io(_) | Self::Tls(_) => "InternalError",
        }
    }

    /// The full `v1.Status` object sent to clients.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.to_string(),
            "reason": self.reason(),
            "code": self.code(),
        });
        let details = match self {
            Self::NotFound { resource, name }
            | Self::AlreadyExists { resource, name }
            | Self::Conflict { resource, name, .. } => Some(resource_details(resource, name)),
            Self::Invalid { kind, name, causes } => {
                let (kind, group) = kind.split_once('.').unwrap_or((kind.as_str(), ""));
                let causes: Vec<Value> = causes
                    .iter()
                    .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
                    .collect();
                Some(json!({"name": name, "group": group, "kind": kind, "causes": causes}))
            }
            _ => None,
        };
        if let Some(details) = details {
            status["details"] = details;
        }
        status
    }
}

/// Status details name the resource as `kind` (plural) and `group`, as the API server does.
fn resource_details(resource: &str, name: &str) -> Value {
    let (kind, group) = resource.split_once('.').unwrap_or((resource, ""));
    json!({"name": name, "group": group, "kind": kind})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_status_lists_field_causes() {
        let err = SandboxError::Invalid {
            kind: "Pod".into(),
            name: "web".into(),
            causes: vec![Cause::required("spec.containers[0].image")],
        };
        let status = err.to_status();
        assert_eq!(status["code"], 422);
        assert_eq!(
            status["message"],
            "Pod \"web\" is invalid: spec.containers[0].image: Required value"
        );
        assert_eq!(
            status["details"]["causes"][0]["field"],
            "spec.containers[0].image"
        );
    }

    #[test]
    fn conflict_message_matches_the_api_server() {
        let status = SandboxError::stale("deployments.apps", "web").to_status();
        assert_eq!(status["reason"], "Conflict");
        assert_eq!(status["details"]["group"], "apps");
        assert!(
            status["message"]
                .as_str()
                .is_some_and(|m| m.contains("please apply your changes"))
        );
    }
}
