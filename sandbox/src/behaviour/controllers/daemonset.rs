//! The DaemonSet controller: one pod on every node the template can run on (nodeSelector, taints against
//! tolerations), bound to its node directly; rolling replacement when the template changes.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, Toleration};
use serde_json::{Value, json};

use super::pod_template::{pod_from_template, template_hash};
use super::replicaset::{is_active, is_ready};
use super::{Key, KeyMapper, Reconciler, delete_owned, own_key, owner_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, kinds, owned};
use crate::behaviour::scheduler::fit::{NodeFacts, tolerates};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource, Store, WatchEvent, WriteOptions};

const MANAGER: &str = "daemonset-controller";
const HASH_LABEL: &str = "controller-revision-hash";

/// Whether a daemon pod with this template belongs on the node. Cordoned nodes still run daemons, as
/// the real controller adds the unschedulable toleration.
fn eligible(template: &Value, node: &NodeFacts) -> bool {
    let selector = template
        .pointer("/spec/nodeSelector")
        .and_then(Value::as_object);
    let selected = selector.is_none_or(|s| {
        s.iter()
            .all(|(k, v)| node.labels.get(k).map(String::as_str) == v.as_str())
    });
    let tolerations: Vec<Toleration> = template
        .pointer("/spec/tolerations")
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .unwrap_or_default();
    let tolerated = node
        .taints
        .iter()
        .filter(|t| t.effect != "PreferNoSchedule")
        .all(|taint| tolerations.iter().any(|t| tolerates(t, taint)));
    selected && tolerated
}

/// Runs every DaemonSet.
pub struct DaemonSetController {
    store: Store,
    recorder: EventRecorder,
}

impl DaemonSetController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        fn pod_owner(e: &WatchEvent) -> Vec<Key> {
            owner_key(e, "DaemonSet")
        }
        fn every_daemon_set(_: &WatchEvent) -> Vec<Key> {
            // A node change can affect any DaemonSet; the marker key asks for a full pass.
            vec![(String::new(), String::new())]
        }
        vec![
            (kinds::daemon_sets(), own_key),
            (kinds::pods(), pod_owner),
            (kinds::nodes(), every_daemon_set),
        ]
    }

    fn sync(&self, ds: &Arc<Value>) {
        let template = ds
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let hash = template_hash(&template);
        super::revisions::record(&self.store, ds, &hash, &template, MANAGER);
        let nodes: Vec<NodeFacts> = self
            .store
            .list(&kinds::nodes(), None, &LabelSelector::default())
            .iter()
            .filter_map(|n| object::typed::<Node>(n))
            .map(|n| NodeFacts::from_node(&n))
            .filter(|n| eligible(&template, n))
            .collect();
        let pods: Vec<Arc<Value>> = owned(&self.store, &kinds::pods(), ds)
            .into_iter()
            .filter(|p| is_active(p))
            .collect();
        let mut by_node: HashMap<String, Arc<Value>> = HashMap::new();
        for pod in &pods {
            let node = object::str_at(pod, "/spec/nodeName")
                .unwrap_or_default()
                .to_owned();
            if by_node.contains_key(&node) || !nodes.iter().any(|n| n.name == node) {
                self.delete(ds, pod);
            } else {
                by_node.insert(node, pod.clone());
            }
        }
        let generation = object::int_at(ds, "/metadata/generation")
            .unwrap_or(1)
            .to_string();
        for node in &nodes {
            if by_node.contains_key(&node.name) {
                continue;
            }
            let labels = [
                (HASH_LABEL, hash.as_str()),
                ("pod-template-generation", generation.as_str()),
            ];
            let mut pod = pod_from_template(
                ds,
                &template,
                &super::pod_template::generate_prefix(ds),
                None,
                &labels,
            );
            pod["spec"]["nodeName"] = json!(node.name);
            match self
                .store
                .create(&kinds::pods(), pod, &WriteOptions::manager(MANAGER))
            {
                Ok(created) => self.recorder.record(
                    ds,
                    EventType::Normal,
                    "SuccessfulCreate",
                    &format!("Created pod: {}", object::name(&created)),
                ),
                Err(e) => self.recorder.record(
                    ds,
                    EventType::Warning,
                    "FailedCreate",
                    &format!("Error creating: {e}"),
                ),
            }
        }
        // Rolling update: replace one out-of-date pod at a time while all others are ready.
        let stale: Vec<&Arc<Value>> = by_node
            .values()
            .filter(|p| {
                p.pointer("/metadata/labels")
                    .and_then(|l| l.get(HASH_LABEL))
                    .and_then(Value::as_str)
                    != Some(hash.as_str())
            })
            .collect();
        if let Some(pod) = stale.first()
            && by_node.values().all(|p| is_ready(p))
        {
            self.delete(ds, pod);
        }
        let pods: Vec<Arc<Value>> = owned(&self.store, &kinds::pods(), ds)
            .into_iter()
            .filter(|p| is_active(p))
            .collect();
        let ready = pods.iter().filter(|p| is_ready(p)).count();
        let updated = pods
            .iter()
            .filter(|p| {
                p.pointer("/metadata/labels")
                    .and_then(|l| l.get(HASH_LABEL))
                    .and_then(Value::as_str)
                    == Some(hash.as_str())
            })
            .count();
        let status = json!({
            "observedGeneration": object::int_at(ds, "/metadata/generation").unwrap_or(1),
            "desiredNumberScheduled": nodes.len(),
            "currentNumberScheduled": pods.len().min(nodes.len()),
            "numberMisscheduled": 0,
            "numberReady": ready,
            "numberAvailable": ready,
            "numberUnavailable": nodes.len().saturating_sub(ready),
            "updatedNumberScheduled": updated,
        });
        let _ = self.store.modify(
            &kinds::daemon_sets(),
            Some(object::namespace(ds)),
            object::name(ds),
            |stored| {
                stored["status"] = status;
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
    }

    fn delete(&self, ds: &Value, pod: &Value) {
        delete_owned(
            &self.store,
            &self.recorder,
            ds,
            &kinds::pods(),
            pod,
            &DeleteOptions::default(),
            &format!("Deleted pod: {}", object::name(pod)),
        );
    }
}

impl Reconciler for DaemonSetController {
    fn reconcile(&mut self, key: &Key) {
        if key.1.is_empty() {
            for k in self.all_keys() {
                self.reconcile(&k);
            }
            return;
        }
        let Ok(ds) = self.store.get(&kinds::daemon_sets(), Some(&key.0), &key.1) else {
            return;
        };
        if !object::is_deleting(&ds) {
            self.sync(&ds);
        }
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::daemon_sets(), None, &LabelSelector::default())
            .iter()
            .map(|d| (object::namespace(d).to_owned(), object::name(d).to_owned()))
            .collect()
    }
}
