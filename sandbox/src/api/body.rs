//! Content negotiation: decoding request bodies (JSON, YAML, protobuf) and writing JSON responses.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use crate::error::SandboxError;

/// What representation the client wants back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// The object or list itself.
    Object,
    /// `meta.k8s.io/v1` Table (server-side printing).
    Table,
    /// `meta.k8s.io/v1` PartialObjectMetadata(List).
    Metadata,
}

/// Reads the Accept header. The first acceptable entry wins, as with the API server.
pub fn representation(headers: &HeaderMap) -> Representation {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for entry in accept.split(',') {
        if entry.contains("as=Table") {
            return Representation::Table;
        }
        if entry.contains("as=PartialObjectMetadata") {
            return Representation::Metadata;
        }
        if entry.contains("json")
            || entry.contains("*/*")
            || entry.contains("yaml")
            || entry.contains("protobuf")
        {
            return Representation::Object;
        }
    }
    Representation::Object
}

/// A JSON response.
pub fn json_response(code: StatusCode, body: &Value) -> Response {
    json_response_typed(code, body, "application/json")
}

/// A JSON response with a specific content type (aggregated discovery).
pub fn json_response_typed(code: StatusCode, body: &Value, content_type: &str) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// The media type of the body, without parameters.
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Decodes a create/update body: JSON, YAML or Kubernetes protobuf.
pub fn decode_object(headers: &HeaderMap, bytes: &[u8]) -> Result<Value, SandboxError> {
    let ct = content_type(headers);
    let value = match ct.as_str() {
        "application/vnd.kubernetes.protobuf" => crate::protobuf::decode(bytes)?,
        "application/yaml" | "application/x-yaml" | "text/yaml" => parse_yaml(bytes)?,
        "application/json" | "" | "*/*" => parse_json(bytes)?,
        other => {
            return Err(SandboxError::UnsupportedMediaType(format!(
                "application/json, application/yaml, application/vnd.kubernetes.protobuf (got {other})"
            )));
        }
    };
    if !value.is_object() {
        return Err(SandboxError::BadRequest(
            "the request body must be an object".into(),
        ));
    }
    Ok(value)
}

/// Parses JSON, with the API server's wording on failure.
pub fn parse_json(bytes: &[u8]) -> Result<Value, SandboxError> {
    serde_json::from_slice(bytes)
        .map_err(|e| SandboxError::BadRequest(format!("error decoding request body: {e}")))
}

/// Parses YAML (apply patches and `application/yaml` bodies).
pub fn parse_yaml(bytes: &[u8]) -> Result<Value, SandboxError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| SandboxError::BadRequest("body is not UTF-8".into()))?;
    serde_saphyr::from_str(text)
        .map_err(|e| SandboxError::BadRequest(format!("error decoding YAML: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_chosen_when_listed_first() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
                .parse()
                .expect("header"),
        );
        assert_eq!(representation(&h), Representation::Table);
        h.insert(header::ACCEPT, "application/json".parse().expect("header"));
        assert_eq!(representation(&h), Representation::Object);
    }

    #[test]
    fn yaml_bodies_decode() {
        assert_eq!(
            parse_yaml(b"a: 1\nb: [x]\n").ok(),
            Some(serde_json::json!({"a": 1, "b": ["x"]}))
        );
    }
}
