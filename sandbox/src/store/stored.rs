//! How the store keeps an object: its JSON bytes (what clients receive), parsed only when someone needs
//! the tree, plus the few fields lists filter on, so a selector over 150 000 pods parses nothing.
//!
//! A `serde_json::Value` costs about ten times its JSON size (every small map is a B-tree node with room
//! for eleven entries); at 150 000 pods that was 2.3 GiB. Bytes plus an index cost about 2 KiB a pod.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use bytes::Bytes;
use serde_json::{Map, Value};

use super::meta;
use crate::selectors::{FieldSelector, LabelSelector};

/// One stored object.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    json: Bytes,
    /// `metadata.labels`, shared by every object with the same set (a Deployment's pods).
    labels: Option<Arc<Map<String, Value>>>,
    node_name: Option<Box<str>>,
    phase: Option<Box<str>>,
    owners: Box<[Box<str>]>,
    /// The uid of the owner reference marked `controller`.
    controller: Option<Box<str>>,
    /// `metadata.deletionTimestamp` is set.
    deleting: bool,
    /// A `Ready` condition is `True` (pods, nodes).
    ready: bool,
    resource_version: u64,
}

/// What the index knows of an object without parsing it: enough for a controller that counts
/// the pods it owns (a ReplicaSet in a 150 000-pod cluster reconciles on every pod change).
#[derive(Debug, Clone)]
pub struct Facts {
    pub namespace: String,
    pub name: String,
    pub phase: Option<String>,
    pub deleting: bool,
    pub ready: bool,
    pub labels: Option<Arc<Map<String, Value>>>,
}

impl Stored {
    /// Encodes `obj`; labels go through `pool` so equal sets share one map.
    pub(crate) fn new(obj: &Value, pool: &mut LabelPool) -> Self {
        let text = |path: &str| {
            obj.pointer(path)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(Box::from)
        };
        Self {
            // Serialising a Value cannot fail: its keys are strings.
            json: Bytes::from(serde_json::to_vec(obj).unwrap_or_default()),
            labels: obj
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .filter(|l| !l.is_empty())
                .map(|l| pool.share(l)),
            node_name: text("/spec/nodeName"),
            phase: text("/status/phase"),
            owners: meta::owner_uids(obj).into_iter().map(Box::from).collect(),
            controller: meta::controller_uid(obj).map(Box::from),
            deleting: meta::is_deleting(obj),
            ready: meta::is_ready(obj),
            resource_version: meta::resource_version_of(obj),
        }
    }

    /// Whether the object's controller is `owner_uid`.
    pub(crate) fn controlled_by(&self, owner_uid: &str) -> bool {
        self.controller.as_deref() == Some(owner_uid)
    }

    /// The indexed facts of the object stored under `key`.
    pub(crate) fn facts(&self, key: &super::ObjectKey) -> Facts {
        Facts {
            namespace: key.0.clone(),
            name: key.1.clone(),
            phase: self.phase.as_deref().map(String::from),
            deleting: self.deleting,
            ready: self.ready,
            labels: self.labels.clone(),
        }
    }

    /// The object as a tree.
    pub(crate) fn value(&self) -> Arc<Value> {
        // The bytes were written by `new` from a Value, so they always parse.
        Arc::new(serde_json::from_slice(&self.json).unwrap_or(Value::Null))
    }

    /// The object's JSON.
    pub(crate) fn json(&self) -> &Bytes {
        &self.json
    }

    pub(crate) fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// The uids in its ownerReferences.
    pub(crate) fn owners(&self) -> impl Iterator<Item = &str> {
        self.owners.iter().map(|o| &**o)
    }

    /// Whether the object matches both selectors; parses it only for a field the index does not hold.
    pub(crate) fn matches(
        &self,
        key: &super::ObjectKey,
        labels: &LabelSelector,
        fields: &FieldSelector,
    ) -> bool {
        if !labels.is_empty() && !labels.matches_labels(self.labels.as_deref()) {
            return false;
        }
        let mut parsed = None;
        fields.requirements.iter().all(|r| {
            let indexed = match r.path.as_str() {
                "metadata.name" => Some(key.1.as_str()),
                "metadata.namespace" => Some(key.0.as_str()),
                "spec.nodeName" => Some(self.node_name.as_deref().unwrap_or_default()),
                "status.phase" => Some(self.phase.as_deref().unwrap_or_default()),
                _ => None,
            };
            let equal = match indexed {
                Some(v) => v == r.value,
                None => {
                    let obj = parsed.get_or_insert_with(|| self.value());
                    FieldSelector {
                        requirements: vec![crate::selectors::FieldRequirement {
                            negated: false,
                            ..r.clone()
                        }],
                    }
                    .matches(obj)
                }
            };
            equal != r.negated
        })
    }
}

/// Interns label maps: the pods of one ReplicaSet carry identical labels, so they share one map.
#[derive(Debug, Default)]
pub(crate) struct LabelPool {
    sets: HashMap<Box<str>, Weak<Map<String, Value>>>,
    prune_at: usize,
}

impl LabelPool {
    fn share(&mut self, labels: &Map<String, Value>) -> Arc<Map<String, Value>> {
        let key: Box<str> = Value::Object(labels.clone()).to_string().into();
        if let Some(shared) = self.sets.get(&key).and_then(Weak::upgrade) {
            return shared;
        }
        let shared = Arc::new(labels.clone());
        self.sets.insert(key, Arc::downgrade(&shared));
        // Sets nobody uses any more are dropped in batches, so interning stays O(1) amortised.
        if self.sets.len() > self.prune_at {
            self.sets.retain(|_, w| w.strong_count() > 0);
            self.prune_at = (self.sets.len() * 2).max(1024);
        }
        shared
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn equal_label_sets_are_shared_and_selectors_use_the_index() {
        let mut pool = LabelPool::default();
        let pod = |name: &str| {
            json!({"metadata": {"name": name, "namespace": "ns", "labels": {"app": "web"}},
                   "spec": {"nodeName": "n1"}, "status": {"phase": "Running", "podIP": "10.0.0.1"}})
        };
        let (a, b) = (
            Stored::new(&pod("a"), &mut pool),
            Stored::new(&pod("b"), &mut pool),
        );
        let (la, lb) = (a.labels.clone(), b.labels.clone());
        assert!(la.zip(lb).is_some_and(|(x, y)| Arc::ptr_eq(&x, &y)));
        assert_eq!(*a.value(), pod("a"));
        let key = ("ns".to_string(), "a".to_string());
        let labels = LabelSelector::parse("app=web").unwrap_or_default();
        let on_node =
            FieldSelector::parse("spec.nodeName=n1,status.phase!=Failed").unwrap_or_default();
        assert!(a.matches(&key, &labels, &on_node));
        let by_ip = FieldSelector::parse("status.podIP=10.0.0.2").unwrap_or_default();
        assert!(!a.matches(&key, &labels, &by_ip));
        let other = LabelSelector::parse("app=db").unwrap_or_default();
        assert!(!a.matches(&key, &other, &FieldSelector::default()));
    }
}
