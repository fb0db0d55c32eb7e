//! Strategic merge patch (`application/strategic-merge-patch+json`) and the merge used by server-side
//! apply: like a JSON merge patch, except that lists with a patch merge key (containers by `name`, ports by
//! `containerPort`, …) are merged item by item, and the `$patch`, `$retainKeys`,
//! `$deleteFromPrimitiveList/…` and `$setElementOrder/…` directives kubectl sends are honoured.

use serde_json::{Map, Value};

/// The merge key of a list field, from the Kubernetes types' `patchMergeKey` tags.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        "topologySpreadConstraints" => Some("topologyKey"),
        // Container ports merge by containerPort, Service ports by port.
        "ports" if items.iter().any(|i| i.get("containerPort").is_some()) => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}

/// Lists of scalars merged as sets rather than replaced.
fn is_primitive_set(field: &str) -> bool {
    field == "finalizers"
}

/// Applies a strategic merge patch to `target` in place.
pub fn patch(target: &mut Value, patch: &Value) {
    merge_value(target, patch, None);
}

fn merge_value(target: &mut Value, patch: &Value, _field: Option<&str>) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut clean = p.clone();
        clean.remove("$patch");
        *target = Value::Object(clean);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(t) = target.as_object_mut() else {
        return;
    };
    if let Some(keep) = p.get("$retainKeys").and_then(Value::as_array) {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        t.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, v) in p {
        if k == "$patch" || k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(list), Some(remove)) =
                (t.get_mut(field).and_then(Value::as_array_mut), v.as_array())
            {
                list.retain(|x| !remove.contains(x));
            }
            continue;
        }
        match v {
            Value::Null => {
                t.remove(k);
            }
            Value::Array(items) => {
                let merged = match t.get(k).and_then(Value::as_array) {
                    Some(existing) => merge_list(k, existing, items),
                    None => items
                        .iter()
                        .filter(|i| !is_delete_directive(i))
                        .cloned()
                        .map(strip_directives)
                        .collect(),
                };
                t.insert(k.clone(), Value::Array(merged));
            }
            Value::Object(_) => {
                let slot = t.entry(k.clone()).or_insert(Value::Null);
                merge_value(slot, v, Some(k));
            }
            _ => {
                t.insert(k.clone(), v.clone());
            }
        }
    }
}

fn is_delete_directive(item: &Value) -> bool {
    item.get("$patch").and_then(Value::as_str) == Some("delete")
}

fn strip_directives(mut item: Value) -> Value {
    if let Some(o) = item.as_object_mut() {
        o.retain(|k, _| !k.starts_with('$'));
    }
    item
}

fn merge_list(field: &str, existing: &[Value], patch: &[Value]) -> Vec<Value> {
    if is_primitive_set(field) {
        let mut out = existing.to_vec();
        for v in patch {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        return out;
    }
    let Some(key) = merge_key(field, patch) else {
        return patch.to_vec();
    };
    if patch
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return patch
            .iter()
            .filter(|i| i.get("$patch").is_none())
            .cloned()
            .collect();
    }
    let mut out = existing.to_vec();
    for item in patch {
        let id = item.get(key);
        let pos = id.and_then(|id| out.iter().position(|e| e.get(key) == Some(id)));
        match (pos, is_delete_directive(item)) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => merge_value(&mut out[i], item, Some(field)),
            (None, false) => out.push(strip_directives(item.clone())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name() {
        let mut pod = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        patch(
            &mut pod,
            &json!({"spec": {"containers": [{"name": "b", "image": "z"}]}}),
        );
        assert_eq!(
            pod["spec"]["containers"],
            json!([{"name": "a", "image": "x"}, {"name": "b", "image": "z"}])
        );
    }

    #[test]
    fn delete_directive_removes_an_item_and_null_removes_a_field() {
        let mut pod = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        patch(
            &mut pod,
            &json!({"metadata": {"labels": {"a": null}}, "spec": {"containers": [{"name": "a", "$patch": "delete"}], "$setElementOrder/containers": [{"name": "b"}]}}),
        );
        assert_eq!(
            pod,
            json!({"metadata": {"labels": {"b": "2"}}, "spec": {"containers": [{"name": "b"}]}})
        );
    }

    #[test]
    fn lists_without_merge_keys_are_replaced() {
        let mut obj = json!({"spec": {"args": ["a", "b"]}});
        patch(&mut obj, &json!({"spec": {"args": ["c"]}}));
        assert_eq!(obj["spec"]["args"], json!(["c"]));
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let mut obj = json!({"metadata": {"finalizers": ["a"]}});
        patch(&mut obj, &json!({"metadata": {"finalizers": ["a", "b"]}}));
        assert_eq!(obj["metadata"]["finalizers"], json!(["a", "b"]));
    }
}
