//! CustomResourceDefinitions: a CRD written through the API registers its resource type (REST paths,
//! discovery, printer columns) at once and gets the `Established` status kubectl waits for; deleting it
//! removes the type and its objects.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::store::{GroupResource, PrinterColumn, ResourceType, Store, WriteOptions};

fn is_crd(rt: &ResourceType) -> bool {
    rt.group == "apiextensions.k8s.io" && rt.plural == "customresourcedefinitions"
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The resource type a CRD defines, or `None` if the CRD is incomplete.
pub fn resource_type_of(crd: &Value) -> Option<ResourceType> {
    let spec = crd.get("spec")?;
    let group = spec.get("group")?.as_str()?;
    let names = spec.get("names")?;
    let plural = names.get("plural")?.as_str()?;
    let kind = names.get("kind")?.as_str()?;
    let versions: Vec<&Value> = spec
        .get("versions")?
        .as_array()?
        .iter()
        .filter(|v| v.get("served") != Some(&json!(false)))
        .collect();
    let storage = versions
        .iter()
        .find(|v| v.get("storage") == Some(&json!(true)))
        .or(versions.first())?;
    let storage_name = storage.get("name")?.as_str()?.to_string();
    let mut served: Vec<String> = vec![storage_name.clone()];
    served.extend(
        versions
            .iter()
            .filter_map(|v| v.get("name").and_then(Value::as_str))
            .filter(|n| *n != storage_name)
            .map(String::from),
    );
    let namespaced = spec.get("scope").and_then(Value::as_str) != Some("Cluster");
    let mut rt = ResourceType::new(group, &storage_name, plural, kind, namespaced);
    rt.versions = served;
    rt.singular = names
        .get("singular")
        .and_then(Value::as_str)
        .map_or_else(|| kind.to_lowercase(), String::from);
    rt.short_names = strs(names.get("shortNames"));
    rt.categories = strs(names.get("categories"));
    if storage.pointer("/subresources/status").is_some() {
        rt.subresources.push("status".into());
    }
    if storage.pointer("/subresources/scale").is_some() {
        rt.subresources.push("scale".into());
    }
    rt.printer_columns = storage
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)
        .map(|cols| {
            cols.iter()
                .map(|c| PrinterColumn {
                    name: c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    type_: c
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("string")
                        .into(),
                    json_path: c
                        .get("jsonPath")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0),
                    description: c
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(rt)
}

/// Called after every successful create/update/patch through the API.
pub fn after_write(store: &Store, rt: &ResourceType, obj: &Arc<Value>) {
    if !is_crd(rt) {
        return;
    }
    let Some(defined) = resource_type_of(obj) else {
        return;
    };
    let names = obj.pointer("/spec/names").cloned().unwrap_or(Value::Null);
    store.register(defined.clone());
    let crds = GroupResource::new("apiextensions.k8s.io", "customresourcedefinitions");
    let established = obj
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|c| c.get("type") == Some(&json!("Established")))
        });
    if established {
        return;
    }
    let now = crate::store::now();
    let status = json!({
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now},
        ],
        "acceptedNames": names,
        "storedVersions": [defined.version],
    });
    let _ = store.modify(
        &crds,
        None,
        crate::store::name_of(obj),
        |o| {
            o["status"] = status;
            Ok(())
        },
        &WriteOptions::manager("apiextensions-apiserver"),
    );
}

/// Called after an object is gone for good.
pub fn after_delete(store: &Store, rt: &ResourceType, obj: &Value) {
    if is_crd(rt)
        && let Some(defined) = resource_type_of(obj)
    {
        store.unregister(&defined.group_resource());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crd_defines_its_type_and_columns() {
        let crd = json!({"spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
                          "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]}]}});
        let rt = resource_type_of(&crd).expect("type");
        assert_eq!(
            (rt.group.as_str(), rt.plural.as_str(), rt.kind.as_str()),
            ("example.com", "widgets", "Widget")
        );
        assert!(rt.has_status());
        assert_eq!(rt.printer_columns[0].json_path, ".spec.size");
    }
}
