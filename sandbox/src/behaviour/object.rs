//! Small accessors over stored objects (wire-form JSON) and the resource keys behaviour code uses, so
//! controllers read like the Kubernetes code they imitate instead of like JSON plumbing.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::store::{GroupResource, Store};

/// Resource keys, created on demand (they are two short strings).
pub mod kinds {
    use crate::store::GroupResource;

    pub fn pods() -> GroupResource {
        GroupResource::core("pods")
    }
    pub fn nodes() -> GroupResource {
        GroupResource::core("nodes")
    }
    pub fn events() -> GroupResource {
        GroupResource::core("events")
    }
    pub fn services() -> GroupResource {
        GroupResource::core("services")
    }
    pub fn endpoints() -> GroupResource {
        GroupResource::core("endpoints")
    }
    pub fn namespaces() -> GroupResource {
        GroupResource::core("namespaces")
    }
    pub fn endpoint_slices() -> GroupResource {
        GroupResource::new("discovery.k8s.io", "endpointslices")
    }
    pub fn deployments() -> GroupResource {
        GroupResource::new("apps", "deployments")
    }
    pub fn replica_sets() -> GroupResource {
        GroupResource::new("apps", "replicasets")
    }
    pub fn stateful_sets() -> GroupResource {
        GroupResource::new("apps", "statefulsets")
    }
    pub fn daemon_sets() -> GroupResource {
        GroupResource::new("apps", "daemonsets")
    }
    pub fn controller_revisions() -> GroupResource {
        GroupResource::new("apps", "controllerrevisions")
    }
    pub fn jobs() -> GroupResource {
        GroupResource::new("batch", "jobs")
    }
    pub fn cron_jobs() -> GroupResource {
        GroupResource::new("batch", "cronjobs")
    }
    pub fn persistent_volume_claims() -> GroupResource {
        GroupResource::core("persistentvolumeclaims")
    }
    pub fn persistent_volumes() -> GroupResource {
        GroupResource::core("persistentvolumes")
    }
    pub fn storage_classes() -> GroupResource {
        GroupResource::new("storage.k8s.io", "storageclasses")
    }
    pub fn hpas() -> GroupResource {
        GroupResource::new("autoscaling", "horizontalpodautoscalers")
    }
}

/// `metadata.name`.
pub fn name(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata.namespace` (empty for cluster-scoped objects).
pub fn namespace(obj: &Value) -> &str {
    obj.pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata.uid`.
pub fn uid(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Whether the object has a deletionTimestamp.
pub fn is_deleting(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
}

/// A string at a JSON pointer.
pub fn str_at<'a>(obj: &'a Value, pointer: &str) -> Option<&'a str> {
    obj.pointer(pointer).and_then(Value::as_str)
}

/// An integer at a JSON pointer.
pub fn int_at(obj: &Value, pointer: &str) -> Option<i64> {
    obj.pointer(pointer).and_then(Value::as_i64)
}

/// Deserialises a typed view of the object (e.g. `k8s_openapi` `Pod`), or `None` if it does not fit.
pub fn typed<T: DeserializeOwned>(obj: &Value) -> Option<T> {
    serde_json::from_value(obj.clone()).ok()
}

/// The controller ownerReference (`controller: true`) pointing at `owner`.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": owner.get("kind").cloned().unwrap_or(Value::Null),
        "name": name(owner),
        "uid": uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

pub use crate::store::controller_uid;

/// Objects of type `key` controlled by `owner`, through the store's owner index (no scan).
pub fn owned(store: &Store, key: &GroupResource, owner: &Value) -> Vec<Arc<Value>> {
    let owner_uid = uid(owner);
    store
        .dependents_of(owner_uid)
        .iter()
        .filter(|r| &r.resource == key)
        .filter_map(|r| {
            store
                .get(
                    key,
                    Some(&r.namespace)
                        .filter(|n| !n.is_empty())
                        .map(String::as_str),
                    &r.name,
                )
                .ok()
        })
        .filter(|o| controller_uid(o) == Some(owner_uid))
        .collect()
}

/// The current time in the API's timestamp format.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Parses an API timestamp.
pub fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
