//! A StatefulSet's `volumeClaimTemplates`: one PersistentVolumeClaim per template and ordinal, named
//! `<template>-<set>-<ordinal>`, created before the pod that mounts it. Claims outlive their pods, so a
//! pod that comes back (after a scale-down and up, or a rolling update) finds its data again; only
//! `persistentVolumeClaimRetentionPolicy` set to `Delete` hands them to the garbage collector, through an
//! ownerReference to the StatefulSet (`whenDeleted`) or to the scaled-down pod (`whenScaled`).

use serde_json::{Map, Value, json};

use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, kinds};
use crate::store::{Store, WriteOptions};

const MANAGER: &str = "statefulset-controller";

fn templates(set: &Value) -> impl Iterator<Item = &Value> {
    set.pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn template_name(template: &Value) -> &str {
    object::str_at(template, "/metadata/name").unwrap_or("data")
}

/// The claim of `template` for pod `ordinal` of `set`: `data-db-0`.
pub fn claim_name(template: &Value, set: &str, ordinal: usize) -> String {
    format!("{}-{set}-{ordinal}", template_name(template))
}

/// Whether `persistentVolumeClaimRetentionPolicy.{when}` is `Delete` (the default is `Retain`).
fn deletes(set: &Value, when: &str) -> bool {
    object::str_at(
        set,
        &format!("/spec/persistentVolumeClaimRetentionPolicy/{when}"),
    ) == Some("Delete")
}

/// An ownerReference that is not a controller reference, as the StatefulSet controller sets on claims.
fn plain_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": owner.get("kind").cloned().unwrap_or(Value::Null),
        "name": object::name(owner),
        "uid": object::uid(owner),
    })
}

/// Points the pod's volumes of the same names at its claims.
pub fn mount(set: &Value, pod: &mut Value, ordinal: usize) {
    let set_name = object::name(set);
    let claims: Vec<Value> = templates(set)
        .map(|t| {
            json!({"name": template_name(t), "persistentVolumeClaim": {"claimName": claim_name(t, set_name, ordinal)}})
        })
        .collect();
    if claims.is_empty() {
        return;
    }
    let spec = &mut pod["spec"];
    let mut volumes: Vec<Value> = spec["volumes"].as_array().cloned().unwrap_or_default();
    for claim in claims {
        volumes.retain(|v| v["name"] != claim["name"]);
        volumes.push(claim);
    }
    spec["volumes"] = Value::Array(volumes);
}

/// Creates the claims of pod `ordinal` that do not exist yet.
pub fn ensure(store: &Store, recorder: &EventRecorder, set: &Value, ordinal: usize) {
    let (ns, set_name) = (object::namespace(set), object::name(set));
    for template in templates(set) {
        let name = claim_name(template, set_name, ordinal);
        if store
            .get(&kinds::persistent_volume_claims(), Some(ns), &name)
            .is_ok()
        {
            continue;
        }
        let mut labels: Map<String, Value> = template
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let selector = set
            .pointer("/spec/selector/matchLabels")
            .and_then(Value::as_object);
        for (k, v) in selector.into_iter().flatten() {
            labels.insert(k.clone(), v.clone());
        }
        let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
        if spec.get("volumeMode").is_none() {
            spec["volumeMode"] = json!("Filesystem");
        }
        let mut claim = json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": spec,
            "status": {"phase": "Pending"},
        });
        if let Some(annotations) = template.pointer("/metadata/annotations") {
            claim["metadata"]["annotations"] = annotations.clone();
        }
        if deletes(set, "whenDeleted") {
            claim["metadata"]["ownerReferences"] = json!([plain_ref(set)]);
        }
        let pod = format!("{set_name}-{ordinal}");
        match store.create(
            &kinds::persistent_volume_claims(),
            claim,
            &WriteOptions::manager(MANAGER),
        ) {
            Ok(_) => recorder.record(
                set,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("create Claim {name} Pod {pod} in StatefulSet {set_name} success"),
            ),
            Err(e) => recorder.record(
                set,
                EventType::Warning,
                "FailedCreate",
                &format!(
                    "create Claim {name} for Pod {pod} in StatefulSet {set_name} failed error: {e}"
                ),
            ),
        }
    }
}

/// Before a scale-down removes `pod`: with `whenScaled: Delete` its claims belong to the pod alone from
/// now on, so they go when it goes.
pub fn hand_over_to_condemned(store: &Store, set: &Value, pod: &Value, ordinal: usize) {
    if !deletes(set, "whenScaled") {
        return;
    }
    let (ns, set_name) = (object::namespace(set), object::name(set));
    let owner = plain_ref(pod);
    for template in templates(set) {
        let _ = store.modify(
            &kinds::persistent_volume_claims(),
            Some(ns),
            &claim_name(template, set_name, ordinal),
            |claim| {
                claim["metadata"]["ownerReferences"] = json!([owner]);
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_mount_their_own_claims_in_place_of_template_volumes() {
        let set = json!({"metadata": {"name": "db"}, "spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}}]}});
        let mut pod = json!({"spec": {"volumes": [{"name": "data", "emptyDir": {}}, {"name": "config", "configMap": {"name": "c"}}]}});
        mount(&set, &mut pod, 2);
        assert_eq!(
            pod["spec"]["volumes"],
            json!([{"name": "config", "configMap": {"name": "c"}}, {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-2"}}])
        );
    }
}
