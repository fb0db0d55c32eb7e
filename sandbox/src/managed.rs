//! `managedFields` field sets (`FieldsV1`): which fields a manager set.
//!
//! The encoding follows structured-merge-diff: `f:<field>` for object fields, `k:{"name":"x"}` for list items
//! identified by a merge key, `v:<json>` for set-like lists of scalars, and `.` for "the item itself".

use serde_json::{Map, Value, json};

/// Keys that identify list items, most specific first (containers by name, ports by containerPort, …).
const ITEM_KEYS: [&str; 6] = ["name", "containerPort", "port", "uid", "type", "key"];

/// The key of a list item (`k:{...}` element), if the item has one of the usual merge keys.
fn item_key(item: &Value) -> Option<String> {
    let obj = item.as_object()?;
    let key = ITEM_KEYS.iter().find(|k| {
        obj.get(**k)
            .is_some_and(|v| !v.is_null() && !v.is_array() && !v.is_object())
    })?;
    let mut m = Map::new();
    m.insert((*key).to_string(), obj.get(*key)?.clone());
    // The port lists of Services and containers are keyed by port *and* protocol upstream.
    if (*key == "containerPort" || *key == "port")
        && let Some(p) = obj.get("protocol")
    {
        m.insert("protocol".into(), p.clone());
    }
    Some(format!("k:{}", Value::Object(m)))
}

fn set_of(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, child) in o {
                out.insert(format!("f:{k}"), set_of(child));
            }
            Value::Object(out)
        }
        Value::Array(items) if items.iter().all(|i| item_key(i).is_some()) && !items.is_empty() => {
            let mut out = Map::new();
            for item in items {
                let mut inner = set_of(item);
                if let Some(m) = inner.as_object_mut() {
                    m.insert(".".into(), json!({}));
                }
                if let Some(k) = item_key(item) {
                    out.insert(k, inner);
                }
            }
            Value::Object(out)
        }
        Value::Array(items)
            if !items.is_empty() && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
        {
            let out: Map<String, Value> = items
                .iter()
                .map(|i| (format!("v:{i}"), json!({})))
                .collect();
            Value::Object(out)
        }
        _ => json!({}),
    }
}

/// Metadata fields that belong to managers (the rest is server-owned).
const MANAGED_METADATA: [&str; 4] = ["labels", "annotations", "finalizers", "ownerReferences"];

fn strip_server_fields(obj: &Value, skip_status: bool) -> Value {
    let mut out = Map::new();
    for (k, v) in obj.as_object().into_iter().flatten() {
        match k.as_str() {
            "apiVersion" | "kind" => {}
            "status" if skip_status => {}
            "metadata" => {
                let meta: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(mk, _)| MANAGED_METADATA.contains(&mk.as_str()))
                    .map(|(mk, mv)| (mk.clone(), mv.clone()))
                    .collect();
                if !meta.is_empty() {
                    out.insert(k.clone(), Value::Object(meta));
                }
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// The field set of a whole object (a create, or an applied configuration).
pub fn fields_of(obj: &Value, skip_status: bool) -> Value {
    set_of(&strip_server_fields(obj, skip_status))
}

fn diff(old: Option<&Value>, new: &Value) -> Option<Value> {
    if old == Some(new) {
        return None;
    }
    match (old.and_then(Value::as_object), new) {
        (Some(o), Value::Object(n)) => {
            let mut out = Map::new();
            for (k, v) in n {
                if let Some(d) = diff(o.get(k), v) {
                    out.insert(format!("f:{k}"), d);
                }
            }
            Some(Value::Object(out))
        }
        _ => Some(set_of(new)),
    }
}

/// The field set an update changed (what its manager now owns).
pub fn changed_fields(old: &Value, new: &Value, status_only: bool) -> Value {
    let (old, new) = if status_only {
        (
            json!({"status": old.get("status")}),
            json!({"status": new.get("status")}),
        )
    } else {
        (
            strip_server_fields(old, true),
            strip_server_fields(new, true),
        )
    };
    diff(Some(&old), &new).unwrap_or_else(|| json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_keyed_by_name() {
        let set = fields_of(
            &json!({"spec": {"containers": [{"name": "web", "image": "nginx"}]}}),
            true,
        );
        assert_eq!(
            set["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"]["f:image"],
            json!({})
        );
    }

    #[test]
    fn changed_fields_only_lists_what_changed() {
        let old =
            json!({"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 1, "paused": false}});
        let new =
            json!({"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 2, "paused": false}});
        assert_eq!(
            changed_fields(&old, &new, false),
            json!({"f:spec": {"f:replicas": {}}})
        );
    }
}
