//! The endpoints controllers: for every Service with a selector, an Endpoints object and an
//! EndpointSlice listing the IPs of the selected pods, ready ones as ready and the rest as not ready.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::replicaset::is_ready;
use super::{Key, KeyMapper, Reconciler, own_key};
use crate::behaviour::object::{self, controller_ref, kinds};
use crate::selectors::LabelSelector;
use crate::store::{GroupResource, Store, WatchEvent, WriteOptions};

const MANAGER: &str = "endpoint-controller";
const SLICE_MANAGER: &str = "endpointslice-controller.k8s.io";

fn selector_of(service: &Value) -> Option<LabelSelector> {
    let map = service
        .pointer("/spec/selector")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())?;
    Some(LabelSelector::from_map(map))
}

/// The container port a service port's `targetPort` names (or its number).
fn target_port(port: &Value, pod: &Value) -> i64 {
    match &port["targetPort"] {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(name) => pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
            .find(|p| p["name"] == name.as_str())
            .and_then(|p| p["containerPort"].as_i64())
            .unwrap_or(0),
        _ => port["port"].as_i64().unwrap_or(0),
    }
}

fn target_ref(pod: &Value) -> Value {
    json!({"kind": "Pod", "namespace": object::namespace(pod), "name": object::name(pod), "uid": object::uid(pod)})
}

/// Keeps Endpoints and EndpointSlices of every Service current.
pub struct EndpointsController {
    store: Store,
}

impl EndpointsController {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        fn services_of_namespace(e: &WatchEvent) -> Vec<Key> {
            // The namespace's services are found at reconcile time: the marker asks for all of them.
            vec![(e.namespace().to_owned(), String::new())]
        }
        vec![
            (kinds::services(), own_key),
            (kinds::pods(), services_of_namespace),
        ]
    }

    fn sync(&self, service: &Value) {
        let Some(selector) = selector_of(service) else {
            return;
        };
        let ns = object::namespace(service);
        let name = object::name(service);
        let pods: Vec<Arc<Value>> = self
            .store
            .list(&kinds::pods(), Some(ns), &selector)
            .into_iter()
            .filter(|p| {
                object::str_at(p, "/status/podIP").is_some_and(|ip| !ip.is_empty())
                    && object::str_at(p, "/status/phase") == Some("Running")
            })
            .collect();
        let ports: Vec<Value> = service
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let address = |pod: &Value| json!({"ip": object::str_at(pod, "/status/podIP"), "nodeName": object::str_at(pod, "/spec/nodeName"), "targetRef": target_ref(pod)});
        let (ready, not_ready): (Vec<&Arc<Value>>, Vec<&Arc<Value>>) = pods
            .iter()
            .partition(|p| is_ready(p) && !object::is_deleting(p));
        let sample = pods.first().map(|p| (**p).clone()).unwrap_or(Value::Null);
        let endpoint_ports: Vec<Value> = ports
            .iter()
            .map(|p| json!({"name": p["name"].as_str().unwrap_or_default(), "port": target_port(p, &sample), "protocol": p["protocol"].as_str().unwrap_or("TCP")}))
            .collect();
        let mut subset = Map::new();
        if !ready.is_empty() {
            subset.insert(
                "addresses".into(),
                json!(ready.iter().map(|p| address(p)).collect::<Vec<_>>()),
            );
        }
        if !not_ready.is_empty() {
            subset.insert(
                "notReadyAddresses".into(),
                json!(not_ready.iter().map(|p| address(p)).collect::<Vec<_>>()),
            );
        }
        subset.insert("ports".into(), json!(endpoint_ports));
        let subsets = if pods.is_empty() {
            json!([])
        } else {
            json!([subset])
        };
        let labels = service
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or_else(|| json!({}));
        self.upsert(
            &kinds::endpoints(),
            ns,
            name,
            json!({
                "apiVersion": "v1", "kind": "Endpoints",
                "metadata": {"name": name, "namespace": ns, "labels": labels},
                "subsets": subsets,
            }),
            MANAGER,
            |stored, fresh| stored["subsets"] = fresh["subsets"].clone(),
        );

        let endpoints: Vec<Value> = pods
            .iter()
            .map(|p| {
                let ok = is_ready(p) && !object::is_deleting(p);
                json!({
                    "addresses": [object::str_at(p, "/status/podIP")],
                    "conditions": {"ready": ok, "serving": ok, "terminating": object::is_deleting(p)},
                    "nodeName": object::str_at(p, "/spec/nodeName"),
                    "targetRef": target_ref(p),
                })
            })
            .collect();
        let mut slice_labels = labels.as_object().cloned().unwrap_or_default();
        slice_labels.insert("kubernetes.io/service-name".into(), json!(name));
        slice_labels.insert(
            "endpointslice.kubernetes.io/managed-by".into(),
            json!(SLICE_MANAGER),
        );
        let slice_name = format!(
            "{name}-{}",
            &super::pod_template::template_hash(&json!(object::uid(service)))[..5]
        );
        self.upsert(&kinds::endpoint_slices(), ns, &slice_name, json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": slice_name, "namespace": ns, "labels": slice_labels, "ownerReferences": [controller_ref(service)]},
            "addressType": "IPv4",
            "endpoints": endpoints,
            "ports": endpoint_ports,
        }), SLICE_MANAGER, |stored, fresh| {
            stored["endpoints"] = fresh["endpoints"].clone();
            stored["ports"] = fresh["ports"].clone();
        });
    }

    /// Creates the object, or rewrites its changing part; the store skips writes that change nothing.
    fn upsert(
        &self,
        kind: &GroupResource,
        ns: &str,
        name: &str,
        fresh: Value,
        manager: &str,
        update: impl FnOnce(&mut Value, &Value),
    ) {
        let opts = WriteOptions::manager(manager);
        if self.store.get(kind, Some(ns), name).is_ok() {
            let _ = self.store.modify(
                kind,
                Some(ns),
                name,
                |stored| {
                    update(stored, &fresh);
                    Ok(())
                },
                &opts,
            );
        } else {
            let _ = self.store.create(kind, fresh, &opts);
        }
    }
}

impl Reconciler for EndpointsController {
    fn reconcile(&mut self, key: &Key) {
        if key.1.is_empty() {
            for service in
                self.store
                    .list(&kinds::services(), Some(&key.0), &LabelSelector::default())
            {
                self.sync(&service);
            }
            return;
        }
        if let Ok(service) = self.store.get(&kinds::services(), Some(&key.0), &key.1) {
            self.sync(&service);
        }
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::services(), None, &LabelSelector::default())
            .iter()
            .map(|s| (object::namespace(s).to_owned(), object::name(s).to_owned()))
            .collect()
    }
}
