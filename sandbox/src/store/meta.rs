//! Metadata rules the store applies on every write: names, uids, timestamps, generation, managedFields.

use rand::Rng;
use serde_json::{Map, Value, json};

use crate::error::{Cause, SandboxError};

/// RFC 3339 with second precision and `Z`, as the API server writes timestamps.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A fresh object uid.
pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `generateName` suffix: 5 characters from the API server's alphabet (no vowels, no look-alikes).
pub fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..5)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// `metadata.name`, or empty.
pub fn name_of(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata.namespace`, or empty.
pub fn namespace_of(obj: &Value) -> &str {
    obj.pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata.uid`, or empty.
pub fn uid_of(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The numeric resourceVersion of a stored object (0 if missing or not numeric).
pub fn resource_version_of(obj: &Value) -> u64 {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// `metadata.finalizers` as strings.
pub fn finalizers_of(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .map(|f| {
            f.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The uids in `metadata.ownerReferences`.
pub fn owner_uids(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|refs| {
            refs.iter()
                .filter_map(|r| r.get("uid").and_then(Value::as_str).map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The uid of the owner reference marked `controller`.
pub fn controller_uid(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        .and_then(|r| r.get("uid"))
        .and_then(Value::as_str)
}

/// Whether the object's `Ready` condition is `True` (pods, nodes).
pub fn is_ready(obj: &Value) -> bool {
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// Whether the object carries a deletionTimestamp.
pub fn is_deleting(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
}

/// Mutable `metadata`, created if missing or not an object.
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = json!({});
    }
    let meta = obj
        .as_object_mut()
        .map(|o| o.entry("metadata").or_insert_with(|| json!({})));
    match meta {
        Some(m) => {
            if !m.is_object() {
                *m = json!({});
            }
            m.as_object_mut()
                .unwrap_or_else(|| unreachable!("metadata was just made an object"))
        }
        None => unreachable!("obj was just made an object"),
    }
}

/// Sets `metadata.resourceVersion`.
pub fn set_resource_version(obj: &mut Value, rv: u64) {
    metadata_mut(obj).insert("resourceVersion".into(), Value::String(rv.to_string()));
}

/// Everything but `metadata` and `status`: a change here bumps `metadata.generation`.
fn desired_state(obj: &Value) -> Option<Map<String, Value>> {
    obj.as_object().map(|o| {
        o.iter()
            .filter(|(k, _)| !matches!(k.as_str(), "metadata" | "status" | "apiVersion" | "kind"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    })
}

/// Whether the desired state (spec, data, rules, …) differs.
pub fn desired_state_changed(old: &Value, new: &Value) -> bool {
    desired_state(old) != desired_state(new)
}

/// Equal apart from resourceVersion and managedFields: such a write is a no-op (no new version, no event).
pub fn same_content(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
            m.remove("managedFields");
        }
        v
    };
    strip(old) == strip(new)
}

/// Checks the name rules every object shares, returning 422 causes.
pub fn validate_name(kind: &str, obj: &Value) -> Result<(), SandboxError> {
    let name = name_of(obj);
    let mut causes = Vec::new();
    if name.is_empty() {
        causes.push(Cause::required("metadata.name"));
    } else if name.len() > 253
        || !name.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == ':'
        })
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        causes.push(Cause::invalid(
            "metadata.name",
            name,
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        ));
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(SandboxError::Invalid {
            kind: kind.into(),
            name: name.into(),
            causes,
        })
    }
}

/// Records a write by `manager` in `metadata.managedFields`: one entry per (manager, operation), updated in
/// place. `fields` is the `fieldsV1` set the manager now owns.
pub fn record_manager(
    obj: &mut Value,
    manager: &str,
    operation: &str,
    api_version: &str,
    fields: Value,
) {
    let entry = json!({
        "manager": manager,
        "operation": operation,
        "apiVersion": api_version,
        "time": now(),
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
    });
    let meta = metadata_mut(obj);
    let list = meta.entry("managedFields").or_insert_with(|| json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    if let Some(arr) = list.as_array_mut() {
        let same = |e: &Value| {
            e.get("manager").and_then(Value::as_str) == Some(manager)
                && e.get("operation").and_then(Value::as_str) == Some(operation)
        };
        match arr.iter_mut().find(|e| same(e)) {
            Some(e) => *e = entry,
            None => arr.push(entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_follows_spec_not_metadata_or_status() {
        let a = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 1}, "status": {"x": 1}});
        let b = json!({"metadata": {"labels": {"a": "2"}}, "spec": {"replicas": 1}, "status": {"x": 2}});
        let c = json!({"metadata": {}, "spec": {"replicas": 2}});
        assert!(!desired_state_changed(&a, &b));
        assert!(desired_state_changed(&a, &c));
    }

    #[test]
    fn names_must_be_dns_subdomains() {
        assert!(validate_name("Pod", &json!({"metadata": {"name": "web-1"}})).is_ok());
        assert!(validate_name("Pod", &json!({"metadata": {"name": "Web"}})).is_err());
        assert!(validate_name("Pod", &json!({"metadata": {}})).is_err());
    }
}
