//! Pods from templates: the `pod-template-hash` that names ReplicaSets, and the defaults the API server
//! would add to a pod a controller creates (the store applies no defaulting for trusted writers).

use serde_json::{Map, Value, json};

use crate::behaviour::noise::seed_of;
use crate::behaviour::object::{controller_ref, name, namespace};

/// The label that ties a ReplicaSet and its pods to one template of a Deployment.
pub const TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

/// Renders a value with object keys sorted, so equal templates hash equally whatever the key order.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(key);
                out.push(':');
                canonical(&map[key], out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A template's hash in the API server's alphabet (no vowels), e.g. `7d9f8b6c5d`.
pub fn template_hash(template: &Value) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut text = String::new();
    let mut without_hash = template.clone();
    if let Some(labels) = without_hash
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(TEMPLATE_HASH_LABEL);
    }
    canonical(&without_hash, &mut text);
    let mut h = seed_of(&text);
    (0..10)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize] as char;
            h /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// Whether two templates are the same ignoring the hash label (how a Deployment finds its current RS).
pub fn same_template(a: &Value, b: &Value) -> bool {
    template_hash(a) == template_hash(b)
}

/// A new pod for `owner` from `template`, named `{generate_name}{random}` unless `fixed_name` is given.
pub fn pod_from_template(
    owner: &Value,
    template: &Value,
    generate_name: &str,
    fixed_name: Option<&str>,
    extra_labels: &[(&str, &str)],
) -> Value {
    let mut metadata = template
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if !metadata.is_object() {
        metadata = json!({});
    }
    let mut labels = metadata
        .get("labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in extra_labels {
        labels.insert((*k).to_owned(), json!(v));
    }
    metadata["labels"] = Value::Object(labels);
    metadata["namespace"] = json!(namespace(owner));
    metadata["ownerReferences"] = json!([controller_ref(owner)]);
    match fixed_name {
        Some(n) => metadata["name"] = json!(n),
        None => metadata["generateName"] = json!(generate_name),
    }
    let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    apply_pod_defaults(&mut spec);
    let qos = qos_class(&spec);
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": spec,
        "status": { "phase": "Pending", "qosClass": qos },
    })
}

/// The defaults the API server fills in on pod creation.
pub fn apply_pod_defaults(spec: &mut Value) {
    let Some(s) = spec.as_object_mut() else {
        return;
    };
    let defaults: [(&str, Value); 6] = [
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("serviceAccountName", json!("default")),
        ("securityContext", json!({})),
    ];
    for (k, v) in defaults {
        s.entry(k).or_insert(v);
    }
    for list in ["containers", "initContainers"] {
        for c in s
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(c) = c.as_object_mut() {
                let latest = c.get("image").and_then(Value::as_str).is_some_and(|i| {
                    !i.rsplit('/').next().unwrap_or(i).contains(':') || i.ends_with(":latest")
                });
                c.entry("imagePullPolicy").or_insert(json!(if latest {
                    "Always"
                } else {
                    "IfNotPresent"
                }));
                c.entry("terminationMessagePath")
                    .or_insert(json!("/dev/termination-log"));
                c.entry("terminationMessagePolicy").or_insert(json!("File"));
                c.entry("resources").or_insert(json!({}));
            }
        }
    }
}

/// Guaranteed, Burstable or BestEffort, from the containers' requests and limits.
pub fn qos_class(spec: &Value) -> &'static str {
    let containers = spec
        .get("containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let get = |c: &Value, part: &str| {
        c.pointer(&format!("/resources/{part}"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(Map::new)
    };
    let any_set = containers
        .iter()
        .any(|c| !get(c, "requests").is_empty() || !get(c, "limits").is_empty());
    if !any_set {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        let limits = get(c, "limits");
        let requests = get(c, "requests");
        ["cpu", "memory"].iter().all(|r| {
            limits.contains_key(*r) && requests.get(*r).is_none_or(|q| Some(q) == limits.get(*r))
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// `{owner}-` for generated names, shortened so the final name stays within 63 characters.
pub fn generate_prefix(owner: &Value) -> String {
    let base = name(owner);
    let cut = base.len().min(57);
    format!("{}-", &base[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_key_order_and_the_hash_label() {
        let a = json!({"metadata": {"labels": {"app": "web", "tier": "front"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        let b = json!({"spec": {"containers": [{"image": "nginx", "name": "c"}]}, "metadata": {"labels": {"tier": "front", "app": "web", "pod-template-hash": "x"}}});
        assert_eq!(template_hash(&a), template_hash(&b));
        assert_eq!(template_hash(&a).len(), 10);
        let c = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx:2"}]}});
        assert_ne!(template_hash(&a), template_hash(&c));
    }

    #[test]
    fn qos_follows_requests_and_limits() {
        assert_eq!(
            qos_class(&json!({"containers": [{"name": "a"}]})),
            "BestEffort"
        );
        assert_eq!(
            qos_class(
                &json!({"containers": [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]})
            ),
            "Guaranteed"
        );
        assert_eq!(
            qos_class(&json!({"containers": [{"resources": {"requests": {"cpu": "1"}}}]})),
            "Burstable"
        );
    }
}
