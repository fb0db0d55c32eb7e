//! The StatefulSet controller: pods with stable ordinal names (`db-0`, `db-1`, …) created in order, each
//! only once the previous one is Ready (OrderedReady), removed from the highest ordinal down, and
//! replaced one at a time from the top when the template changes (RollingUpdate); each pod mounts its
//! own claims from the `volumeClaimTemplates` ([`claims`]).

mod claims;

use std::sync::Arc;

use serde_json::{Value, json};

use super::pod_template::{pod_from_template, template_hash};
use super::replicaset::{is_active, is_ready};
use super::{Key, KeyMapper, Reconciler, delete_owned, own_key, owner_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, kinds, owned};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource, Store, WatchEvent, WriteOptions};

const MANAGER: &str = "statefulset-controller";
const REVISION_LABEL: &str = "controller-revision-hash";

fn ordinal(set: &str, pod: &Value) -> Option<usize> {
    object::name(pod)
        .strip_prefix(set)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

fn revision(pod: &Value) -> Option<&str> {
    pod.pointer("/metadata/labels")
        .and_then(|l| l.get(REVISION_LABEL))
        .and_then(Value::as_str)
}

/// Runs every StatefulSet.
pub struct StatefulSetController {
    store: Store,
    recorder: EventRecorder,
}

impl StatefulSetController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        fn pod_owner(e: &WatchEvent) -> Vec<Key> {
            owner_key(e, "StatefulSet")
        }
        vec![
            (kinds::stateful_sets(), own_key),
            (kinds::pods(), pod_owner),
        ]
    }

    fn create_pod(&self, set: &Value, index: usize, update_revision: &str) {
        let name = object::name(set);
        let pod_name = format!("{name}-{index}");
        let template = set
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let index_text = index.to_string();
        let labels = [
            (REVISION_LABEL, update_revision),
            ("statefulset.kubernetes.io/pod-name", pod_name.as_str()),
            ("apps.kubernetes.io/pod-index", index_text.as_str()),
        ];
        let mut pod = pod_from_template(set, &template, "", Some(&pod_name), &labels);
        pod["spec"]["hostname"] = json!(pod_name);
        claims::ensure(&self.store, &self.recorder, set, index);
        claims::mount(set, &mut pod, index);
        if let Some(service) = object::str_at(set, "/spec/serviceName") {
            pod["spec"]["subdomain"] = json!(service);
        }
        match self
            .store
            .create(&kinds::pods(), pod, &WriteOptions::manager(MANAGER))
        {
            Ok(_) => self.recorder.record(
                set,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("create Pod {pod_name} in StatefulSet {name} successful"),
            ),
            Err(e) => self.recorder.record(
                set,
                EventType::Warning,
                "FailedCreate",
                &format!("create Pod {pod_name} in StatefulSet {name} failed error: {e}"),
            ),
        }
    }

    fn delete_pod(&self, set: &Value, pod: &Value) {
        let (name, pod_name) = (object::name(set), object::name(pod));
        delete_owned(
            &self.store,
            &self.recorder,
            set,
            &kinds::pods(),
            pod,
            &DeleteOptions::default(),
            &format!("delete Pod {pod_name} in StatefulSet {name} successful"),
        );
    }

    /// One step towards the desired pods; returns after any change, as the next event continues.
    fn step(&self, set: &Value, pods: &[Arc<Value>], update_revision: &str) {
        let name = object::name(set);
        let want = object::int_at(set, "/spec/replicas").unwrap_or(1).max(0) as usize;
        let parallel = object::str_at(set, "/spec/podManagementPolicy") == Some("Parallel");
        let mut by_ordinal: Vec<Option<&Arc<Value>>> = vec![
            None;
            want.max(
                pods.iter()
                    .filter_map(|p| ordinal(name, p))
                    .max()
                    .map_or(0, |m| m + 1)
            )
        ];
        for pod in pods {
            if let Some(i) = ordinal(name, pod) {
                by_ordinal[i] = Some(pod);
            }
        }
        for (i, slot) in by_ordinal.iter().enumerate().take(want) {
            match slot {
                // The ordinal's previous pod is still terminating: its name is taken until it is
                // gone (its deletion brings the controller back).
                None if self
                    .store
                    .get(
                        &kinds::pods(),
                        Some(object::namespace(set)),
                        &format!("{name}-{i}"),
                    )
                    .is_ok() =>
                {
                    if !parallel {
                        return;
                    }
                }
                None => {
                    self.create_pod(set, i, update_revision);
                    if !parallel {
                        return;
                    }
                }
                Some(pod) if !parallel && !is_ready(pod) => return,
                Some(_) => {}
            }
        }
        if let Some((ordinal, Some(pod))) = by_ordinal
            .iter()
            .enumerate()
            .skip(want)
            .rev()
            .find(|(_, p)| p.is_some())
        {
            claims::hand_over_to_condemned(&self.store, set, pod, ordinal);
            self.delete_pod(set, pod);
            return;
        }
        if object::str_at(set, "/spec/updateStrategy/type") == Some("OnDelete") {
            return;
        }
        // Rolling update from the highest ordinal, one pod at a time, only when all are ready.
        if by_ordinal
            .iter()
            .take(want)
            .all(|p| p.is_some_and(|p| is_ready(p)))
        {
            let stale = by_ordinal
                .iter()
                .take(want)
                .rev()
                .flatten()
                .find(|p| revision(p) != Some(update_revision));
            if let Some(pod) = stale {
                self.delete_pod(set, pod);
            }
        }
    }
}

impl Reconciler for StatefulSetController {
    fn reconcile(&mut self, key: &Key) {
        let Ok(set) = self
            .store
            .get(&kinds::stateful_sets(), Some(&key.0), &key.1)
        else {
            return;
        };
        if object::is_deleting(&set) {
            return;
        }
        let template = set
            .pointer("/spec/template")
            .cloned()
            .unwrap_or(Value::Null);
        let hash = template_hash(&template);
        let update_revision = format!("{}-{hash}", key.1);
        super::revisions::record(&self.store, &set, &hash, &template, MANAGER);
        let active = |pods: Vec<Arc<Value>>| -> Vec<Arc<Value>> {
            pods.into_iter().filter(|p| is_active(p)).collect()
        };
        let pods = active(owned(&self.store, &kinds::pods(), &set));
        self.step(&set, &pods, &update_revision);
        let pods = active(owned(&self.store, &kinds::pods(), &set));
        let ready = pods.iter().filter(|p| is_ready(p)).count();
        let updated = pods
            .iter()
            .filter(|p| revision(p) == Some(update_revision.as_str()))
            .count();
        let current_revision = if updated == pods.len() {
            update_revision.clone()
        } else {
            object::str_at(&set, "/status/currentRevision")
                .unwrap_or(&update_revision)
                .to_owned()
        };
        let status = json!({
            "observedGeneration": object::int_at(&set, "/metadata/generation").unwrap_or(1),
            "replicas": pods.len(),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "currentReplicas": if current_revision == update_revision { updated } else { pods.len() - updated },
            "updatedReplicas": updated,
            "currentRevision": current_revision,
            "updateRevision": update_revision,
            "collisionCount": 0,
        });
        let _ = self.store.modify(
            &kinds::stateful_sets(),
            Some(&key.0),
            &key.1,
            |stored| {
                stored["status"] = status;
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::stateful_sets(), None, &LabelSelector::default())
            .iter()
            .filter(|s| {
                object::int_at(s, "/status/readyReplicas")
                    != Some(object::int_at(s, "/spec/replicas").unwrap_or(1))
            })
            .map(|s| (object::namespace(s).to_owned(), object::name(s).to_owned()))
            .collect()
    }
}
