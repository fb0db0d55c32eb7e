//! Revealing one Secret value: administrators only (until roles exist), one key per request,
//! and every attempt — allowed or refused — written to the audit log as `secret.reveal` with the
//! cluster, namespace, name and key, never the value. If the audit row cannot be written the
//! value is withheld.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use model::auth::UserInfo;
use model::detail::RevealedSecret;
use uuid::Uuid;

use super::error::DetailError;
use super::{discovery, fetch};
use crate::ClientInfo;
use crate::audit::{self, AuditEvent, AuditResult};
use crate::clusters::ClusterRegistry;

/// The audit action of a reveal.
pub const REVEAL_ACTION: &str = "secret.reveal";

/// Whether `user` may reveal Secret values.
pub(super) fn may_reveal(user: &UserInfo) -> bool {
    user.is_admin
}

/// The value of `key` in Secret `namespace/name`, for `user`; audited whatever the outcome.
pub async fn reveal_secret_value(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    cluster: Uuid,
    namespace: &str,
    name: &str,
    key: &str,
) -> Result<RevealedSecret, DetailError> {
    let outcome = reveal(registry, user, cluster, namespace, name, key).await;
    // The cluster's name reads better in the log; its id will do when it cannot be found.
    let cluster_name = crate::clusters::get(registry, cluster)
        .await
        .map_or_else(|_| cluster.to_string(), |c| c.name);
    let mut detail = serde_json::json!({ "key": key, "cluster_id": cluster.to_string() });
    if let Err(e) = &outcome {
        detail["reason"] = serde_json::Value::String(e.to_string());
    }
    audit::record(
        registry.db(),
        AuditEvent {
            user_id: Uuid::parse_str(&user.id).ok(),
            username: Some(user.username.clone()),
            action: REVEAL_ACTION.into(),
            cluster: Some(cluster_name),
            namespace: Some(namespace.to_string()),
            resource_kind: Some("Secret".into()),
            resource_name: Some(name.to_string()),
            result: if outcome.is_ok() {
                AuditResult::Success
            } else {
                AuditResult::Failure
            },
            detail,
            ip: Some(client.ip_text()),
            request_id: client.request_id.clone(),
        },
    )
    .await?;
    outcome
}

async fn reveal(
    registry: &ClusterRegistry,
    user: &UserInfo,
    cluster: Uuid,
    namespace: &str,
    name: &str,
    key: &str,
) -> Result<RevealedSecret, DetailError> {
    if !may_reveal(user) {
        return Err(DetailError::RevealNotAllowed);
    }
    if namespace.trim().is_empty() || name.trim().is_empty() || key.is_empty() {
        return Err(DetailError::Invalid(
            "Name the Secret's namespace, name and key to reveal.".into(),
        ));
    }
    let kind = discovery::kind(registry, cluster, "secrets").await?;
    let secret = fetch(registry, cluster, &kind, Some(namespace), name).await?;
    let encoded = secret
        .data
        .get("data")
        .and_then(|d| d.get(key))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| DetailError::KeyNotFound {
            key: key.to_string(),
        })?;
    let bytes = STANDARD.decode(encoded).map_err(|_| {
        DetailError::Invalid(format!(
            "The value of {key} is not valid base64, so it cannot be shown."
        ))
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => RevealedSecret {
            key: key.to_string(),
            value: text,
            base64: false,
        },
        Err(e) => RevealedSecret {
            key: key.to_string(),
            value: STANDARD.encode(e.into_bytes()),
            base64: true,
        },
    })
}
