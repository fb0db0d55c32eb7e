//! PATCH: JSON patch, JSON merge patch and strategic merge patch on the main resource; server-side apply
//! is in `apply.rs`. Like the API server, a patch that races another write is retried on the new version.

use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use crate::api::body::{content_type, parse_json};
use crate::api::rest::{Ctx, admit, align_identity};
use crate::error::SandboxError;

/// Content type of server-side apply.
pub const APPLY_YAML: &str = "application/apply-patch+yaml";

/// Applies a non-apply patch of `content_type` to `current`.
pub fn patched(content_type: &str, current: &Value, bytes: &[u8]) -> Result<Value, SandboxError> {
    let mut obj = current.clone();
    match content_type {
        "application/json-patch+json" => {
            let patch: json_patch::Patch = serde_json::from_slice(bytes)
                .map_err(|e| SandboxError::BadRequest(format!("invalid JSON patch: {e}")))?;
            json_patch::patch(&mut obj, &patch).map_err(|e| SandboxError::Invalid {
                kind: String::new(),
                name: crate::store::name_of(current).into(),
                causes: vec![crate::error::Cause {
                    reason: "FieldValueInvalid".into(),
                    message: format!(
                        "the server rejected our request due to an error in our request: {e}"
                    ),
                    field: String::new(),
                }],
            })?;
        }
        "application/merge-patch+json" => json_patch::merge(&mut obj, &parse_json(bytes)?),
        "application/strategic-merge-patch+json" => {
            crate::strategic::patch(&mut obj, &parse_json(bytes)?)
        }
        other => {
            return Err(SandboxError::UnsupportedMediaType(format!(
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {other})"
            )));
        }
    }
    Ok(obj)
}

/// `PATCH` on an object.
pub fn handle(mut ctx: Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let ct = content_type(&ctx.headers);
    if ct == APPLY_YAML {
        return crate::apply::handle(ctx, bytes);
    }
    let key = ctx.target.rt.group_resource();
    let name = ctx.name()?.to_string();
    let mut attempts = 0;
    loop {
        let current = ctx.state.store.get(&key, ctx.ns(), &name)?;
        let mut obj = patched(&ct, &current, bytes)?;
        align_identity(&ctx, &mut obj)?;
        admit(&mut ctx, &mut obj)?;
        match ctx.state.store.update(&key, obj, &ctx.write_options()) {
            Ok(updated) => {
                crate::crd::after_write(&ctx.state.store, &ctx.target.rt, &updated);
                return Ok(ctx.respond(StatusCode::OK, &updated));
            }
            // Someone wrote in between: re-apply the patch to the new version, unless the patch itself
            // pinned a resourceVersion (then the conflict is the client's to see).
            Err(SandboxError::Conflict { .. }) if attempts < 3 && !pins_version(&ct, bytes) => {
                attempts += 1
            }
            Err(e) => return Err(e),
        }
    }
}

fn pins_version(ct: &str, bytes: &[u8]) -> bool {
    ct != "application/json-patch+json"
        && parse_json(bytes).is_ok_and(|p| {
            p.pointer("/metadata/resourceVersion")
                .is_some_and(|v| !v.is_null())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_patch_and_merge_patch_apply() {
        let obj = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 1}});
        let jp = patched(
            "application/json-patch+json",
            &obj,
            br#"[{"op":"replace","path":"/spec/replicas","value":3}]"#,
        );
        assert_eq!(
            jp.ok().map(|o| o["spec"]["replicas"].clone()),
            Some(json!(3))
        );
        let mp = patched(
            "application/merge-patch+json",
            &obj,
            br#"{"metadata":{"labels":{"a":null,"b":"2"}}}"#,
        );
        assert_eq!(
            mp.ok().map(|o| o["metadata"]["labels"].clone()),
            Some(json!({"b": "2"}))
        );
        assert!(patched("text/plain", &obj, b"").is_err());
    }
}
