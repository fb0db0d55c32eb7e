//! ConfigMaps and Secrets. A ConfigMap's values are shown (they are not secret); a Secret gives
//! its type and each key's decoded size, and its values stay on the server. The
//! `last-applied-configuration` annotation of a Secret holds its data too, so it is masked.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use model::detail::{ConfigEntry, ObjectDetail, SecretKey, SecretSummary};
use serde_json::Value;

use super::fields::{Facts, b, obj_ref, s};

/// The annotation `kubectl apply` writes with the whole applied object in it.
pub(super) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// What replaces a Secret's values wherever they would otherwise show.
const HIDDEN: &str = "(hidden)";

pub(super) fn configmap(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    f.flag("immutable", "Immutable", b(v, "/immutable"));
    d.summary.extend(f.fields);
    let mut entries: Vec<ConfigEntry> = v
        .get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, value)| {
            let text = value.as_str().unwrap_or_default().to_string();
            ConfigEntry {
                key: key.clone(),
                size: text.len(),
                value: Some(text),
                binary: false,
            }
        })
        .collect();
    entries.extend(
        v.get("binaryData")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(key, value)| ConfigEntry {
                key: key.clone(),
                size: decoded_len(value.as_str().unwrap_or_default()),
                value: None,
                binary: true,
            }),
    );
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    d.config_data = entries;
}

pub(super) fn secret(d: &mut ObjectDetail, v: &Value, can_reveal: bool) {
    let ns = d.namespace.clone();
    let mut f = Facts::default();
    let type_ = match s(v, "/type") {
        "" => "Opaque",
        t => t,
    };
    f.code("secret_type", "Type", type_);
    f.flag("immutable", "Immutable", b(v, "/immutable"));
    let account = s(
        v,
        "/metadata/annotations/kubernetes.io~1service-account.name",
    );
    f.link(
        "service_account",
        "Service account",
        account,
        obj_ref("serviceaccounts", ns.as_deref(), account),
    );
    d.summary.extend(f.fields);
    let mut keys: Vec<SecretKey> = v
        .get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, value)| SecretKey {
            key: key.clone(),
            size: decoded_len(value.as_str().unwrap_or_default()),
        })
        .collect();
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    d.secret = Some(SecretSummary {
        type_: type_.to_string(),
        keys,
        can_reveal,
    });
    if let Some(applied) = d.annotations.get_mut(LAST_APPLIED) {
        *applied = mask_applied(applied);
    }
}

/// The bytes a base64 value decodes to (estimated from its length if it is not valid base64).
fn decoded_len(encoded: &str) -> usize {
    STANDARD.decode(encoded).map_or_else(
        |_| encoded.trim_end_matches('=').len() * 3 / 4,
        |bytes| bytes.len(),
    )
}

/// The applied configuration with every `data`/`stringData` value replaced; all of it hidden
/// when it cannot be read.
fn mask_applied(text: &str) -> String {
    let Ok(mut applied) = serde_json::from_str::<Value>(text) else {
        return HIDDEN.into();
    };
    for field in ["data", "stringData"] {
        if let Some(map) = applied.get_mut(field).and_then(Value::as_object_mut) {
            for value in map.values_mut() {
                *value = Value::String(HIDDEN.into());
            }
        } else if applied.get(field).is_some() {
            applied[field] = Value::String(HIDDEN.into());
        }
    }
    serde_json::to_string(&applied).unwrap_or_else(|_| HIDDEN.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applied_configuration_of_a_secret_loses_its_values() {
        let text = r#"{"apiVersion":"v1","kind":"Secret","data":{"password":"czNjcjN0"},"stringData":{"token":"plain-token"}}"#;
        let masked = mask_applied(text);
        assert!(!masked.contains("czNjcjN0") && !masked.contains("plain-token"));
        assert!(masked.contains("password") && masked.contains("token"));
        assert_eq!(mask_applied("not json plain-token"), HIDDEN);
    }

    #[test]
    fn sizes_are_of_decoded_values() {
        assert_eq!(decoded_len("czNjcjN0LXNhbmRib3g="), "s3cr3t-sandbox".len());
        assert_eq!(decoded_len(""), 0);
    }
}
