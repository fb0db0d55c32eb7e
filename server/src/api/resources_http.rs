//! What the object routes read and answer: bodies as YAML or JSON, query strings whose bad values
//! are API errors, and the answers for problems with an object (422 with issues placed at lines,
//! 409 with both versions), all as the API's `{kind, code, message, fields}` JSON plus detail.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::objects::{CreatedDocument, DocumentResult, YamlIssue};
use model::{AppError, ErrorKind, FieldError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// The largest object text accepted (the API server's own request limit is 3 MiB).
const MAX_BODY: usize = 3 << 20;

/// A request body holding one or more objects, as YAML (`application/yaml`) or JSON. JSON is
/// YAML too, so both go to the same parser and problems point at lines of the text as sent.
pub struct ObjectText(pub String);

impl<S: Send + Sync> FromRequest<S> for ObjectText {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let known = [
            "",
            "application/json",
            "application/yaml",
            "application/x-yaml",
            "text/yaml",
            "text/x-yaml",
            "text/plain",
        ];
        if !known.contains(&content_type.as_str()) {
            return Err(ApiError(AppError::new(
                ErrorKind::Invalid,
                "invalid",
                format!(
                    "Send the object as application/json or application/yaml, not {content_type}."
                ),
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| invalid_body(&e.body_text()))?;
        if bytes.len() > MAX_BODY {
            return Err(invalid_body("it is larger than 3 MiB"));
        }
        let text =
            String::from_utf8(bytes.to_vec()).map_err(|_| invalid_body("it is not UTF-8 text"))?;
        if text.trim().is_empty() {
            return Err(invalid_body("it is empty; send the object as YAML or JSON"));
        }
        Ok(ObjectText(text))
    }
}

fn invalid_body(why: &str) -> ApiError {
    ApiError(AppError::new(
        ErrorKind::Invalid,
        "invalid",
        format!("The request body cannot be read: {why}."),
    ))
}

/// Like `axum::extract::Query`, but a malformed query answers 422 JSON naming the problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError(AppError::new(
                ErrorKind::Invalid,
                "invalid",
                format!("The query string is not valid: {}", rejection.body_text()),
            ))),
        }
    }
}

/// A Kubernetes object as JSON (`apiVersion`, `kind`, `metadata`, `spec`, …), with
/// `metadata.managedFields` left out and a Secret's values replaced by `<hidden>`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(value_type = Object)]
pub struct KubeObject(pub Value);

/// The error body of a refused object: the usual error fields, plus where the problems are.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the JSON of object errors for the OpenAPI document only"
)]
pub struct ObjectErrorBody {
    /// `invalid` (422) or `conflict` (409), or any other error kind.
    kind: String,
    /// `resource.invalid_yaml`, `resource.conflict`, `resource.not_created`, …
    code: String,
    message: String,
    /// The issues again, as field + message, for clients that only read `fields`.
    fields: Option<Vec<super::error::FieldBody>>,
    /// Problems placed at lines of the text sent.
    issues: Option<Vec<YamlIssue>>,
    /// For 409 on update: the text sent and the live object.
    conflict: Option<ConflictBody>,
    /// For creates: what happened to each document.
    documents: Option<Vec<CreatedDocument>>,
}

/// Both versions of an object that changed since it was read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConflictBody {
    /// The text sent, unchanged.
    pub mine: String,
    /// The live object, as YAML.
    pub theirs: String,
    /// The live object's `resourceVersion`, to send with a retried update.
    pub theirs_version: String,
}

/// An error with detail about the object: serialised as the error plus extra fields. Boxed:
/// handlers return it in `Result`s that should stay small.
pub struct ObjectError(Box<ObjectProblem>);

/// What an [`ObjectError`] holds.
pub struct ObjectProblem {
    pub error: AppError,
    pub issues: Vec<YamlIssue>,
    pub conflict: Option<ConflictBody>,
    pub documents: Vec<CreatedDocument>,
}

impl From<ObjectProblem> for ObjectError {
    fn from(problem: ObjectProblem) -> Self {
        ObjectError(Box::new(problem))
    }
}

impl ObjectError {
    /// 422: the text has problems, placed at its lines.
    pub fn invalid(issues: Vec<YamlIssue>) -> Self {
        let message = issues.first().map_or_else(
            || "The object is not valid.".to_string(),
            |i| match i.line {
                Some(line) => format!("Line {line}: {}", i.message),
                None => i.message.clone(),
            },
        );
        let fields = issues
            .iter()
            .map(|i| FieldError {
                field: i.field.clone().unwrap_or_default(),
                message: i.message.clone(),
            })
            .collect();
        ObjectProblem {
            error: AppError {
                kind: ErrorKind::Invalid,
                code: "resource.invalid_yaml".into(),
                message,
                fields,
            },
            issues,
            conflict: None,
            documents: Vec::new(),
        }
        .into()
    }

    /// 409: the object changed since the version the update was based on.
    pub fn conflict(conflict: ConflictBody) -> Self {
        ObjectProblem {
            error: AppError::new(
                ErrorKind::Conflict,
                "resource.conflict",
                format!(
                    "The object changed since it was read (it is now at version {}). Merge your changes into the live object (`conflict.theirs`) and send it again.",
                    conflict.theirs_version
                ),
            ),
            issues: Vec::new(),
            conflict: Some(conflict),
            documents: Vec::new(),
        }
        .into()
    }

    /// A create where some document was not created: the status of the first failure.
    pub fn not_created(documents: Vec<CreatedDocument>) -> Self {
        let created = documents
            .iter()
            .filter(|d| d.result == DocumentResult::Created)
            .count();
        let first = documents.iter().find(|d| {
            matches!(
                d.result,
                DocumentResult::Invalid { .. } | DocumentResult::Failed { .. }
            )
        });
        let (kind, why, issues) = match first.map(|d| &d.result) {
            Some(DocumentResult::Invalid { issues }) => {
                let why = issues.first().map_or_else(String::new, |i| match i.line {
                    Some(line) => format!("line {line}: {}", i.message),
                    None => i.message.clone(),
                });
                (ErrorKind::Invalid, why, issues.clone())
            }
            Some(DocumentResult::Failed { code, message }) => {
                let kind = match code.as_str() {
                    "resource.already_exists" => ErrorKind::Conflict,
                    "resource.forbidden" => ErrorKind::Forbidden,
                    "cluster.unreachable" => ErrorKind::Unavailable,
                    _ => ErrorKind::Invalid,
                };
                (kind, message.clone(), Vec::new())
            }
            _ => (ErrorKind::Invalid, String::new(), Vec::new()),
        };
        let position = first.map_or(0, |d| d.index + 1);
        let message = if created == 0 {
            format!("Nothing was created: document {position} was refused ({why}).")
        } else {
            format!(
                "{created} of {} objects were created; document {position} was refused ({why}) and the rest were not tried.",
                documents.len()
            )
        };
        ObjectProblem {
            error: AppError::new(kind, "resource.not_created", message),
            issues,
            conflict: None,
            documents,
        }
        .into()
    }
}

impl IntoResponse for ObjectError {
    fn into_response(self) -> Response {
        let problem = *self.0;
        let status = StatusCode::from_u16(problem.error.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = serde_json::to_value(&problem.error).unwrap_or(Value::Null);
        if let Some(map) = body.as_object_mut() {
            if !problem.issues.is_empty() {
                map.insert("issues".into(), serde_json::json!(problem.issues));
            }
            if let Some(conflict) = &problem.conflict {
                map.insert("conflict".into(), serde_json::json!(conflict));
            }
            if !problem.documents.is_empty() {
                map.insert("documents".into(), serde_json::json!(problem.documents));
            }
        }
        (status, axum::Json(body)).into_response()
    }
}

impl From<ApiError> for ObjectError {
    fn from(e: ApiError) -> Self {
        ObjectProblem {
            error: e.0,
            issues: Vec::new(),
            conflict: None,
            documents: Vec::new(),
        }
        .into()
    }
}

impl From<backend::resources::ResourceError> for ObjectError {
    fn from(e: backend::resources::ResourceError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<AppError> for ObjectError {
    fn from(e: AppError) -> Self {
        ApiError(e).into()
    }
}

/// `dryRun=All` as the API server spells it; `true` is accepted too.
pub fn is_dry_run(value: Option<&str>) -> Result<bool, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("all") || v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(AppError::invalid_field(
            "dryRun",
            format!("dryRun is All (validate only) or left out, not {v:?}."),
        )),
    }
}
