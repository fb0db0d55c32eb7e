//! Server-side defaults the API server fills in, so `kubectl get -o yaml` and controllers see the same
//! fields as on a real cluster (restartPolicy, imagePullPolicy, Deployment strategy, Service cluster IPs…).
//! A default is only written where the field is absent, so applying defaults again is harmless.

use serde_json::{Map, Value, json};

use crate::store::ResourceType;

fn set(obj: &mut Map<String, Value>, key: &str, value: Value) {
    obj.entry(key.to_string()).or_insert(value);
}

fn obj_at<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Map<String, Value>> {
    let mut cur = v;
    for p in path {
        cur = cur.get_mut(*p)?;
    }
    cur.as_object_mut()
}

fn image_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        return "IfNotPresent";
    }
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        _ => "IfNotPresent",
    }
}

fn pod_spec(spec: &mut Map<String, Value>) {
    set(spec, "restartPolicy", json!("Always"));
    set(spec, "dnsPolicy", json!("ClusterFirst"));
    set(spec, "schedulerName", json!("default-scheduler"));
    set(spec, "terminationGracePeriodSeconds", json!(30));
    set(spec, "securityContext", json!({}));
    set(spec, "enableServiceLinks", json!(true));
    for list in ["containers", "initContainers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let Some(c) = c.as_object_mut() else { continue };
            let policy =
                image_pull_policy(c.get("image").and_then(Value::as_str).unwrap_or_default());
            set(c, "imagePullPolicy", json!(policy));
            set(c, "terminationMessagePath", json!("/dev/termination-log"));
            set(c, "terminationMessagePolicy", json!("File"));
            set(c, "resources", json!({}));
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                if let Some(p) = c.get_mut(probe).and_then(Value::as_object_mut) {
                    set(p, "timeoutSeconds", json!(1));
                    set(p, "periodSeconds", json!(10));
                    set(p, "successThreshold", json!(1));
                    set(p, "failureThreshold", json!(3));
                }
            }
            for p in c
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_object_mut() {
                    set(p, "protocol", json!("TCP"));
                }
            }
        }
    }
}

fn template(obj: &mut Value, path: &[&str]) {
    if let Some(spec) = obj_at(obj, path) {
        pod_spec(spec);
    }
}

/// FNV-1a: a stable hash, so allocated IPs and ports do not change between runs.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A cluster IP from the default service range 10.96.0.0/12, derived from the name so it is stable.
fn cluster_ip(ns: &str, name: &str) -> String {
    let h = stable_hash(&format!("{ns}/{name}"));
    format!("10.96.{}.{}", (h >> 8) % 256, (h % 253) + 2)
}

/// Defaults the API server derives from a new object's uid, once the store has assigned it: a Job without
/// `spec.manualSelector` gets a selector on `batch.kubernetes.io/controller-uid` and the matching labels on
/// its pod template (the Job registry's `generateSelector`), so the Job is complete from its creation on.
pub fn with_identity(rt: &ResourceType, obj: &mut Value) {
    if (rt.group.as_str(), rt.plural.as_str()) != ("batch", "jobs")
        || obj.pointer("/spec/manualSelector") == Some(&json!(true))
    {
        return;
    }
    let uid = obj.pointer("/metadata/uid").cloned().unwrap_or_default();
    let name = obj.pointer("/metadata/name").cloned().unwrap_or_default();
    let Some(spec) = obj_at(obj, &["spec"]) else {
        return;
    };
    let mut labels = spec
        .get("template")
        .and_then(|t| t.pointer("/metadata/labels"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, value) in [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("job-name", &name),
    ] {
        labels.insert(key.into(), value.clone());
    }
    spec.insert(
        "selector".into(),
        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}),
    );
    let template = spec.entry("template").or_insert_with(|| json!({}));
    if let Some(t) = template.as_object_mut() {
        let metadata = t.entry("metadata").or_insert_with(|| json!({}));
        metadata["labels"] = Value::Object(labels);
    }
}

/// `stringData` is write-only, as the API server treats it: each value is stored base64-encoded
/// under `data` (winning over a key of the same name there) and `stringData` itself is dropped.
fn fold_string_data(secret: &mut Map<String, Value>) {
    use base64::Engine;
    let Some(Value::Object(plain)) = secret.remove("stringData") else {
        return;
    };
    let data = secret.entry("data").or_insert_with(|| json!({}));
    if !data.is_object() {
        *data = json!({});
    }
    if let Some(data) = data.as_object_mut() {
        for (key, value) in plain {
            if let Value::String(text) = value {
                let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                data.insert(key, Value::String(encoded));
            }
        }
    }
}

/// Fills in defaults for `rt` in `obj`.
pub fn apply(rt: &ResourceType, obj: &mut Value) {
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("", "pods") => {
            template(obj, &["spec"]);
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "serviceAccountName", json!("default"));
            }
        }
        ("apps", "deployments") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "replicas", json!(1));
                set(spec, "revisionHistoryLimit", json!(10));
                set(spec, "progressDeadlineSeconds", json!(600));
                let strategy = spec.entry("strategy").or_insert_with(|| json!({}));
                if strategy.get("type").is_none() && strategy.is_object() {
                    strategy["type"] = json!("RollingUpdate");
                }
                if strategy.get("type") == Some(&json!("RollingUpdate"))
                    && strategy.get("rollingUpdate").is_none()
                {
                    strategy["rollingUpdate"] = json!({"maxSurge": "25%", "maxUnavailable": "25%"});
                }
            }
            template(obj, &["spec", "template", "spec"]);
        }
        ("apps", "replicasets") | ("", "replicationcontrollers") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "replicas", json!(1));
            }
            template(obj, &["spec", "template", "spec"]);
        }
        ("apps", "statefulsets") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "replicas", json!(1));
                set(spec, "podManagementPolicy", json!("OrderedReady"));
                set(spec, "revisionHistoryLimit", json!(10));
                set(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                );
            }
            template(obj, &["spec", "template", "spec"]);
        }
        ("apps", "daemonsets") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "revisionHistoryLimit", json!(10));
                set(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
                );
            }
            template(obj, &["spec", "template", "spec"]);
        }
        ("batch", "jobs") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                if !spec.contains_key("completions") && !spec.contains_key("parallelism") {
                    spec.insert("completions".into(), json!(1));
                }
                set(spec, "parallelism", json!(1));
                set(spec, "backoffLimit", json!(6));
                set(spec, "completionMode", json!("NonIndexed"));
                set(spec, "suspend", json!(false));
            }
            template(obj, &["spec", "template", "spec"]);
        }
        ("", "persistentvolumeclaims") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "volumeMode", json!("Filesystem"));
            }
        }
        ("", "persistentvolumes") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
                set(spec, "volumeMode", json!("Filesystem"));
            }
        }
        ("storage.k8s.io", "storageclasses") => {
            if let Some(class) = obj.as_object_mut() {
                set(class, "reclaimPolicy", json!("Delete"));
                set(class, "volumeBindingMode", json!("Immediate"));
            }
        }
        ("batch", "cronjobs") => {
            if let Some(spec) = obj_at(obj, &["spec"]) {
                set(spec, "concurrencyPolicy", json!("Allow"));
                set(spec, "suspend", json!(false));
                set(spec, "successfulJobsHistoryLimit", json!(3));
                set(spec, "failedJobsHistoryLimit", json!(1));
            }
            template(obj, &["spec", "jobTemplate", "spec", "template", "spec"]);
        }
        ("", "services") => service(obj),
        ("", "secrets") => {
            if let Some(o) = obj.as_object_mut() {
                set(o, "type", json!("Opaque"));
                fold_string_data(o);
            }
        }
        _ => {}
    }
}

fn service(obj: &mut Value) {
    let ns = crate::store::namespace_of(obj).to_string();
    let name = crate::store::name_of(obj).to_string();
    let Some(spec) = obj_at(obj, &["spec"]) else {
        return;
    };
    set(spec, "type", json!("ClusterIP"));
    set(spec, "sessionAffinity", json!("None"));
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    if kind != "ExternalName" {
        set(spec, "clusterIP", json!(cluster_ip(&ns, &name)));
        let ip = spec.get("clusterIP").cloned().unwrap_or(Value::Null);
        set(spec, "clusterIPs", json!([ip]));
        set(spec, "ipFamilies", json!(["IPv4"]));
        set(spec, "ipFamilyPolicy", json!("SingleStack"));
        set(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    for (i, p) in spec
        .get_mut("ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(p) = p.as_object_mut() else { continue };
        set(p, "protocol", json!("TCP"));
        let port = p.get("port").cloned().unwrap_or(Value::Null);
        set(p, "targetPort", port);
        if kind == "NodePort" || kind == "LoadBalancer" {
            let h = stable_hash(&format!("{ns}/{name}/{i}"));
            set(p, "nodePort", json!(30000 + (h % 2768)));
        }
    }
}

/// The status an object starts with when created through the API.
pub fn initial_status(rt: &ResourceType, obj: &mut Value) {
    let Some(o) = obj.as_object_mut() else { return };
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("", "pods") => {
            o.insert("status".into(), json!({"phase": "Pending"}));
        }
        ("", "namespaces") => {
            o.insert("status".into(), json!({"phase": "Active"}));
            o.entry("spec")
                .or_insert_with(|| json!({"finalizers": ["kubernetes"]}));
        }
        ("", "services") => {
            o.insert("status".into(), json!({"loadBalancer": {}}));
        }
        ("", "persistentvolumeclaims") => {
            o.insert("status".into(), json!({"phase": "Pending"}));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_data_is_stored_base64_under_data() {
        let mut secret =
            json!({"data": {"a": "eA==", "b": "eQ=="}, "stringData": {"b": "new", "c": "plain"}});
        let o = secret.as_object_mut().expect("object");
        fold_string_data(o);
        assert_eq!(
            secret,
            json!({"data": {"a": "eA==", "b": "bmV3", "c": "cGxhaW4="}})
        );
    }

    #[test]
    fn pull_policy_depends_on_the_tag() {
        assert_eq!(image_pull_policy("nginx"), "Always");
        assert_eq!(image_pull_policy("nginx:latest"), "Always");
        assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(image_pull_policy("registry:5000/app"), "Always");
    }
}
