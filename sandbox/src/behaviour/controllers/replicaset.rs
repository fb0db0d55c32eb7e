//! The ReplicaSet controller: keeps `spec.replicas` pods alive from the template and reports how many
//! are ready and available.

use std::sync::Arc;

use serde_json::{Value, json};

use super::pod_template::{generate_prefix, pod_from_template};
use super::{Key, Reconciler, delete_owned, own_key, owner_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, kinds, owned};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, Facts, Store, WatchEvent, WriteOptions};

/// Pods that count towards a ReplicaSet: not being deleted and not finished.
pub fn is_active(pod: &Value) -> bool {
    !object::is_deleting(pod)
        && !matches!(
            object::str_at(pod, "/status/phase"),
            Some("Succeeded" | "Failed")
        )
}

/// [`is_active`] from the store's index.
fn counts(pod: &Facts) -> bool {
    !pod.deleting && !matches!(pod.phase.as_deref(), Some("Succeeded" | "Failed"))
}

/// Whether the pod's Ready condition is True (the store's index keeps the same fact).
pub use crate::store::is_ready;

/// Order in which surplus pods go: unscheduled first, then not ready, then the youngest.
fn deletion_rank(pod: &Value) -> (bool, bool, std::cmp::Reverse<String>) {
    (
        object::str_at(pod, "/spec/nodeName").is_some(),
        is_ready(pod),
        std::cmp::Reverse(
            object::str_at(pod, "/metadata/creationTimestamp")
                .unwrap_or_default()
                .to_owned(),
        ),
    )
}

/// Keeps pods counted for every ReplicaSet.
pub struct ReplicaSetController {
    store: Store,
    recorder: EventRecorder,
}

impl ReplicaSetController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), "replicaset-controller"),
            store,
        }
    }

    /// What the controller watches, for [`super::run`].
    pub fn watches() -> Vec<(crate::store::GroupResource, super::KeyMapper)> {
        fn pod_owner(e: &WatchEvent) -> Vec<Key> {
            owner_key(e, "ReplicaSet")
        }
        vec![(kinds::replica_sets(), own_key), (kinds::pods(), pod_owner)]
    }

    /// Creates or deletes pods towards the wanted count, from `have` active ones; whether it
    /// tried to.
    fn scale(&self, rs: &Arc<Value>, have: usize) -> bool {
        let want = object::int_at(rs, "/spec/replicas").unwrap_or(1).max(0) as usize;
        if have < want {
            let template = rs
                .pointer("/spec/template")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let prefix = generate_prefix(rs);
            for _ in have..want {
                let pod = pod_from_template(rs, &template, &prefix, None, &[]);
                match self.store.create(
                    &kinds::pods(),
                    pod,
                    &WriteOptions::manager("replicaset-controller"),
                ) {
                    Ok(created) => {
                        let message = format!("Created pod: {}", object::name(&created));
                        self.recorder
                            .record(rs, EventType::Normal, "SuccessfulCreate", &message);
                    }
                    Err(e) => {
                        self.recorder.record(
                            rs,
                            EventType::Warning,
                            "FailedCreate",
                            &format!("Error creating: {e}"),
                        );
                        break;
                    }
                }
            }
        } else if have > want {
            // Choosing which go needs the pods whole.
            let pods: Vec<Arc<Value>> = owned(&self.store, &kinds::pods(), rs)
                .into_iter()
                .filter(|p| is_active(p))
                .collect();
            let mut victims: Vec<&Arc<Value>> = pods.iter().collect();
            victims.sort_by_key(|p| deletion_rank(p));
            for pod in victims.into_iter().take(pods.len().saturating_sub(want)) {
                delete_owned(
                    &self.store,
                    &self.recorder,
                    rs,
                    &kinds::pods(),
                    pod,
                    &DeleteOptions::default(),
                    &format!("Deleted pod: {}", object::name(pod)),
                );
            }
        }
        have != want
    }

    fn write_status(&self, rs: &Arc<Value>, pods: &[Facts]) {
        let ready = pods.iter().filter(|p| p.ready).count();
        let labels = rs
            .pointer("/spec/template/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let template = LabelSelector::from_map(&labels);
        let fully_labeled = pods
            .iter()
            .filter(|p| template.matches_labels(p.labels.as_deref()))
            .count();
        let status = json!({
            "replicas": pods.len(),
            "fullyLabeledReplicas": fully_labeled,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": object::int_at(rs, "/metadata/generation").unwrap_or(1),
        });
        let _ = self.store.modify(
            &kinds::replica_sets(),
            Some(object::namespace(rs)),
            object::name(rs),
            |stored| {
                stored["status"] = status;
                Ok(())
            },
            &WriteOptions::manager("replicaset-controller"),
        );
    }
}

impl Reconciler for ReplicaSetController {
    fn reconcile(&mut self, key: &Key) {
        let Ok(rs) = self.store.get(&kinds::replica_sets(), Some(&key.0), &key.1) else {
            return;
        };
        if object::is_deleting(&rs) {
            return;
        }
        // From the store's index: parsing every pod of the set on each pod change was most of
        // this controller's cost in a large cluster.
        let active = || -> Vec<Facts> {
            self.store
                .controlled(&kinds::pods(), object::uid(&rs))
                .into_iter()
                .filter(counts)
                .collect()
        };
        let pods = active();
        // Most calls (a pod changed) find the count right: look again only after a change.
        let pods = if self.scale(&rs, pods.len()) {
            active()
        } else {
            pods
        };
        self.write_status(&rs, &pods);
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::replica_sets(), None, &LabelSelector::default())
            .iter()
            // Seeded sets that already match their status need no look at start-up.
            .filter(|rs| {
                let want = object::int_at(rs, "/spec/replicas").unwrap_or(1);
                object::int_at(rs, "/status/readyReplicas") != Some(want)
                    || object::int_at(rs, "/status/replicas") != Some(want)
            })
            .map(|rs| {
                (
                    object::namespace(rs).to_owned(),
                    object::name(rs).to_owned(),
                )
            })
            .collect()
    }
}
