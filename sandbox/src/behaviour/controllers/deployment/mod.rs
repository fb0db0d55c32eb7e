//! The Deployment controller: one ReplicaSet per pod template (named by `pod-template-hash`), numbered by
//! `deployment.kubernetes.io/revision`; rolling updates within maxSurge/maxUnavailable, Recreate, pause,
//! history limits, and the status fields and conditions `kubectl rollout status` waits on.

mod annotations;
mod status;

use std::sync::Arc;

use serde_json::{Map, Value, json};

use self::annotations::{DESIRED_REPLICAS, MAX_REPLICAS, REVISION, new_replica_set_annotations};
use self::status::deployment_status;
use super::pod_template::{TEMPLATE_HASH_LABEL, template_hash};
use super::rollout::{SetCounts, resolve, rolling_step};
use super::{Key, KeyMapper, Reconciler, own_key, owner_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, controller_ref, kinds, now_rfc3339, owned};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource, Store, WatchEvent, WriteOptions};

const MANAGER: &str = "deployment-controller";

fn revision_of(rs: &Value) -> i64 {
    rs.pointer("/metadata/annotations")
        .and_then(|a| a.get(REVISION))
        .and_then(Value::as_str)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn replicas(obj: &Value) -> i64 {
    object::int_at(obj, "/spec/replicas").unwrap_or(1)
}

fn status_int(obj: &Value, field: &str) -> i64 {
    object::int_at(obj, &format!("/status/{field}")).unwrap_or(0)
}

/// Rolls out every Deployment.
pub struct DeploymentController {
    store: Store,
    recorder: EventRecorder,
}

impl DeploymentController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        fn rs_owner(e: &WatchEvent) -> Vec<Key> {
            owner_key(e, "Deployment")
        }
        vec![
            (kinds::deployments(), own_key),
            (kinds::replica_sets(), rs_owner),
        ]
    }

    fn set_replicas(&self, deploy: &Value, rs: &Value, to: i64) {
        let from = replicas(rs);
        let desired = replicas(deploy);
        let surge = resolve(
            deploy.pointer("/spec/strategy/rollingUpdate/maxSurge"),
            desired,
            true,
            25,
        );
        let written = self.store.modify(
            &kinds::replica_sets(),
            Some(object::namespace(rs)),
            object::name(rs),
            |stored| {
                stored["spec"]["replicas"] = json!(to);
                let annotations = &mut stored["metadata"]["annotations"];
                if !annotations.is_object() {
                    *annotations = json!({});
                }
                annotations[DESIRED_REPLICAS] = json!(desired.to_string());
                annotations[MAX_REPLICAS] = json!((desired + surge).to_string());
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
        if written.is_ok() && from != to {
            let verb = if to > from { "up" } else { "down" };
            let message = format!(
                "Scaled {verb} replica set {} from {from} to {to}",
                object::name(rs)
            );
            self.recorder
                .record(deploy, EventType::Normal, "ScalingReplicaSet", &message);
        }
    }

    fn create_replica_set(
        &self,
        deploy: &Value,
        hash: &str,
        revision: i64,
        count: i64,
    ) -> Option<Arc<Value>> {
        let mut template = deploy
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        template["metadata"]["labels"][TEMPLATE_HASH_LABEL] = json!(hash);
        let mut selector = deploy
            .pointer("/spec/selector")
            .cloned()
            .unwrap_or_else(|| json!({}));
        selector["matchLabels"][TEMPLATE_HASH_LABEL] = json!(hash);
        let mut labels = template
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or_else(|| json!({}));
        labels[TEMPLATE_HASH_LABEL] = json!(hash);
        let desired = replicas(deploy);
        let surge = resolve(
            deploy.pointer("/spec/strategy/rollingUpdate/maxSurge"),
            desired,
            true,
            25,
        );
        let mut annotations = new_replica_set_annotations(deploy, &Map::new(), revision);
        annotations.insert(DESIRED_REPLICAS.into(), json!(desired.to_string()));
        annotations.insert(MAX_REPLICAS.into(), json!((desired + surge).to_string()));
        let rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": format!("{}-{hash}", object::name(deploy)),
                "namespace": object::namespace(deploy),
                "labels": labels,
                "annotations": annotations,
                "ownerReferences": [controller_ref(deploy)],
            },
            "spec": {
                "replicas": count,
                "minReadySeconds": deploy.pointer("/spec/minReadySeconds").cloned().unwrap_or(json!(0)),
                "selector": selector,
                "template": template,
            },
        });
        let created = self
            .store
            .create(&kinds::replica_sets(), rs, &WriteOptions::manager(MANAGER))
            .ok()?;
        if count > 0 {
            let message = format!(
                "Scaled up replica set {} from 0 to {count}",
                object::name(&created)
            );
            self.recorder
                .record(deploy, EventType::Normal, "ScalingReplicaSet", &message);
        }
        Some(created)
    }

    /// Brings the new ReplicaSet's annotations (the Deployment's own, `revision`) up to date.
    fn sync_annotations(&self, deploy: &Value, rs: &Arc<Value>, revision: i64) -> Arc<Value> {
        let annotations = |obj: &Value| {
            obj.pointer("/metadata/annotations")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let current = annotations(rs);
        if new_replica_set_annotations(deploy, &current, revision) == current {
            return rs.clone();
        }
        self.store
            .modify(
                &kinds::replica_sets(),
                Some(object::namespace(rs)),
                object::name(rs),
                |stored| {
                    let wanted =
                        new_replica_set_annotations(deploy, &annotations(stored), revision);
                    stored["metadata"]["annotations"] = Value::Object(wanted);
                    Ok(())
                },
                &WriteOptions::manager(MANAGER),
            )
            .unwrap_or_else(|_| rs.clone())
    }

    /// Moves the rollout one step; returns the current ReplicaSet (if any) and the old ones.
    fn roll(&self, deploy: &Value, sets: &[Arc<Value>]) -> (Option<Arc<Value>>, Vec<Arc<Value>>) {
        let hash = template_hash(deploy.pointer("/spec/template").unwrap_or(&Value::Null));
        let (mut current, mut olds): (Vec<Arc<Value>>, Vec<Arc<Value>>) =
            sets.iter().cloned().partition(|rs| {
                rs.pointer("/metadata/labels")
                    .and_then(|l| l.get(TEMPLATE_HASH_LABEL))
                    .and_then(Value::as_str)
                    == Some(hash.as_str())
            });
        olds.sort_by_key(|rs| revision_of(rs));
        let desired = replicas(deploy);
        let paused = deploy
            .pointer("/spec/paused")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let max_revision = sets.iter().map(|rs| revision_of(rs)).max().unwrap_or(0);
        // A template seen before (rollback) becomes the newest revision again.
        let mut current = current.pop().map(|rs| {
            let revision = revision_of(&rs);
            let revision = if revision < max_revision {
                max_revision + 1
            } else {
                revision
            };
            self.sync_annotations(deploy, &rs, revision)
        });
        if paused {
            return (current, olds);
        }
        let recreate = object::str_at(deploy, "/spec/strategy/type") == Some("Recreate");
        let olds_active = olds
            .iter()
            .any(|rs| replicas(rs) > 0 || status_int(rs, "replicas") > 0);
        if recreate {
            for rs in &olds {
                if replicas(rs) > 0 {
                    self.set_replicas(deploy, rs, 0);
                }
            }
            if olds_active {
                return (current, olds);
            }
            match &current {
                Some(rs) if replicas(rs) != desired => self.set_replicas(deploy, rs, desired),
                Some(_) => {}
                None => current = self.create_replica_set(deploy, &hash, max_revision + 1, desired),
            }
            return (current, olds);
        }
        let surge = resolve(
            deploy.pointer("/spec/strategy/rollingUpdate/maxSurge"),
            desired,
            true,
            25,
        );
        let unavailable = resolve(
            deploy.pointer("/spec/strategy/rollingUpdate/maxUnavailable"),
            desired,
            false,
            25,
        );
        let counts = |rs: &Value| SetCounts {
            replicas: replicas(rs),
            available: status_int(rs, "availableReplicas").min(replicas(rs)),
        };
        let new_counts = current.as_deref().map_or(
            SetCounts {
                replicas: 0,
                available: 0,
            },
            counts,
        );
        let old_counts: Vec<SetCounts> = olds.iter().map(|rs| counts(rs)).collect();
        let (new_target, old_targets) =
            rolling_step(desired, surge, unavailable, new_counts, &old_counts);
        match &current {
            Some(rs) => {
                if replicas(rs) != new_target {
                    self.set_replicas(deploy, rs, new_target);
                }
            }
            None => current = self.create_replica_set(deploy, &hash, max_revision + 1, new_target),
        }
        for (rs, target) in olds.iter().zip(old_targets) {
            if replicas(rs) != target {
                self.set_replicas(deploy, rs, target);
            }
        }
        (current, olds)
    }

    /// Deletes retired ReplicaSets beyond `revisionHistoryLimit` (default 10), oldest first.
    fn prune_history(&self, deploy: &Value, olds: &[Arc<Value>]) {
        let limit = object::int_at(deploy, "/spec/revisionHistoryLimit")
            .unwrap_or(10)
            .max(0) as usize;
        let retired: Vec<&Arc<Value>> = olds
            .iter()
            .filter(|rs| replicas(rs) == 0 && status_int(rs, "replicas") == 0)
            .collect();
        for rs in retired.iter().take(retired.len().saturating_sub(limit)) {
            let _ = self.store.delete(
                &kinds::replica_sets(),
                Some(object::namespace(rs)),
                object::name(rs),
                &DeleteOptions::default(),
            );
        }
    }

    fn write_status(&self, deploy: &Value, current: Option<&Arc<Value>>, sets: &[Arc<Value>]) {
        let status = deployment_status(deploy, current.map(|rs| &**rs), sets, &now_rfc3339());
        let revision = current.map(|rs| revision_of(rs)).unwrap_or(0);
        let _ = self.store.modify(
            &kinds::deployments(),
            Some(object::namespace(deploy)),
            object::name(deploy),
            |stored| {
                stored["status"] = status;
                if revision > 0 {
                    if !stored["metadata"]["annotations"].is_object() {
                        stored["metadata"]["annotations"] = json!({});
                    }
                    stored["metadata"]["annotations"][REVISION] = json!(revision.to_string());
                }
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
    }
}

impl Reconciler for DeploymentController {
    fn reconcile(&mut self, key: &Key) {
        let Ok(deploy) = self.store.get(&kinds::deployments(), Some(&key.0), &key.1) else {
            return;
        };
        if object::is_deleting(&deploy) {
            return;
        }
        let sets = owned(&self.store, &kinds::replica_sets(), &deploy);
        let (_, olds) = self.roll(&deploy, &sets);
        self.prune_history(&deploy, &olds);
        // Read back what the step wrote so the status reflects it.
        let sets = owned(&self.store, &kinds::replica_sets(), &deploy);
        let hash = template_hash(deploy.pointer("/spec/template").unwrap_or(&Value::Null));
        let current = sets.iter().find(|rs| {
            rs.pointer("/metadata/labels")
                .and_then(|l| l.get(TEMPLATE_HASH_LABEL))
                .and_then(Value::as_str)
                == Some(hash.as_str())
        });
        self.write_status(&deploy, current, &sets);
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::deployments(), None, &LabelSelector::default())
            .iter()
            .filter(|d| {
                // Settled deployments (seeded at scale) need no start-up pass.
                object::int_at(d, "/status/observedGeneration")
                    != object::int_at(d, "/metadata/generation")
                    || object::int_at(d, "/status/availableReplicas") != Some(replicas(d))
            })
            .map(|d| (object::namespace(d).to_owned(), object::name(d).to_owned()))
            .collect()
    }
}
