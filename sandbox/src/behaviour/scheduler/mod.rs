//! The scheduler: binds pending pods to nodes with room, like kube-scheduler's default profile reduced
//! to what users notice: resource fit, nodeSelector, taints and tolerations, cordon, least-allocated
//! spreading, a `PodScheduled=False/Unschedulable` condition and a FailedScheduling event when nothing
//! fits. It also plays the taint manager: a `NoExecute` taint evicts pods that do not tolerate it.
//!
//! Node usage is kept incrementally from pod events, so a bind never rescans the cluster's pods.

pub mod fit;
pub mod resources;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use self::fit::{
    NodeFacts, PodNeeds, Resources, failure_message, load_score, misfits, requests_of, tolerates,
};
use super::events::{EventRecorder, EventType};
use super::object::{self, kinds, now_rfc3339};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, EventType as Change, Store, WatchEvent, WriteOptions};

type PodKey = (String, String);

/// How often pods that fit nowhere are tried again even if nothing seemed to change.
const RETRY_UNSCHEDULABLE: Duration = Duration::from_secs(5);

/// The default scheduler.
pub struct Scheduler {
    store: Store,
    recorder: EventRecorder,
    nodes: HashMap<String, NodeFacts>,
    used: HashMap<String, Resources>,
    /// Pods counted on a node, with what they requested.
    placed: HashMap<PodKey, (String, Resources)>,
    by_node: HashMap<String, HashSet<PodKey>>,
    pending: BTreeSet<PodKey>,
    /// Pods that fit nowhere, with the message last reported (to report again only when it changes).
    unschedulable: HashMap<PodKey, String>,
}

impl Scheduler {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), "default-scheduler"),
            store,
            nodes: HashMap::new(),
            used: HashMap::new(),
            placed: HashMap::new(),
            by_node: HashMap::new(),
            pending: BTreeSet::new(),
            unschedulable: HashMap::new(),
        }
    }

    /// Runs until the store goes away.
    pub async fn run(mut self) {
        let (Ok(mut pods), Ok(mut nodes)) = (
            self.store.subscribe(&kinds::pods()),
            self.store.subscribe(&kinds::nodes()),
        ) else {
            return;
        };
        self.resync();
        let mut retry = tokio::time::interval(RETRY_UNSCHEDULABLE);
        loop {
            tokio::select! {
                change = pods.recv() => match change {
                    Ok(event) => self.on_pod(&event),
                    Err(RecvError::Lagged(_)) => self.resync(),
                    Err(RecvError::Closed) => return,
                },
                change = nodes.recv() => match change {
                    Ok(event) => self.on_node(&event),
                    Err(RecvError::Lagged(_)) => self.resync(),
                    Err(RecvError::Closed) => return,
                },
                _ = retry.tick() => self.retry_unschedulable(),
            }
            self.schedule_pending();
        }
    }

    /// Rebuilds all bookkeeping from the store.
    fn resync(&mut self) {
        self.nodes.clear();
        self.used.clear();
        self.placed.clear();
        self.by_node.clear();
        self.pending.clear();
        for node in self
            .store
            .list(&kinds::nodes(), None, &LabelSelector::default())
        {
            if let Some(typed) = object::typed::<Node>(&node) {
                let facts = NodeFacts::from_node(&typed);
                self.nodes.insert(facts.name.clone(), facts);
            }
        }
        for pod in self
            .store
            .list(&kinds::pods(), None, &LabelSelector::default())
        {
            self.account(&pod);
        }
    }

    fn on_pod(&mut self, event: &WatchEvent) {
        let pod = &event.object;
        let key = (
            object::namespace(pod).to_owned(),
            object::name(pod).to_owned(),
        );
        if event.event_type == Change::Deleted {
            self.release(&key);
            self.pending.remove(&key);
            if self.unschedulable.remove(&key).is_none() {
                // Room was freed: pods waiting for it may fit now.
                self.retry_unschedulable();
            }
            return;
        }
        self.account(pod);
    }

    /// Counts a bound pod on its node, or queues an unbound one.
    fn account(&mut self, pod: &Value) {
        let key = (
            object::namespace(pod).to_owned(),
            object::name(pod).to_owned(),
        );
        let finished = matches!(
            object::str_at(pod, "/status/phase"),
            Some("Succeeded" | "Failed")
        );
        match object::str_at(pod, "/spec/nodeName").filter(|n| !n.is_empty()) {
            Some(_) if finished => {
                self.release(&key);
                self.retry_unschedulable();
            }
            Some(node) => {
                if self.placed.get(&key).is_none_or(|(n, _)| n != node) {
                    self.release(&key);
                    let requests = requests_of(pod);
                    self.used.entry(node.to_owned()).or_default().add(&requests);
                    self.by_node
                        .entry(node.to_owned())
                        .or_default()
                        .insert(key.clone());
                    self.placed.insert(key, (node.to_owned(), requests));
                }
            }
            None if object::is_deleting(pod) => {}
            None => {
                let ours = object::str_at(pod, "/spec/schedulerName")
                    .is_none_or(|s| s == "default-scheduler");
                if ours && !self.unschedulable.contains_key(&key) {
                    self.pending.insert(key);
                }
            }
        }
    }

    fn release(&mut self, key: &PodKey) {
        if let Some((node, requests)) = self.placed.remove(key) {
            if let Some(used) = self.used.get_mut(&node) {
                used.subtract(&requests);
            }
            if let Some(pods) = self.by_node.get_mut(&node) {
                pods.remove(key);
            }
        }
    }

    fn on_node(&mut self, event: &WatchEvent) {
        let name = object::name(&event.object).to_owned();
        if event.event_type == Change::Deleted {
            self.nodes.remove(&name);
            return;
        }
        let Some(typed) = object::typed::<Node>(&event.object) else {
            return;
        };
        let facts = NodeFacts::from_node(&typed);
        self.evict_intolerant(&facts);
        self.nodes.insert(name, facts);
        self.retry_unschedulable();
    }

    fn retry_unschedulable(&mut self) {
        self.pending.extend(self.unschedulable.keys().cloned());
    }

    /// The taint manager's job: pods on a node with a `NoExecute` taint they do not tolerate are deleted.
    fn evict_intolerant(&mut self, node: &NodeFacts) {
        let no_execute: Vec<_> = node
            .taints
            .iter()
            .filter(|t| t.effect == "NoExecute")
            .collect();
        if no_execute.is_empty() {
            return;
        }
        let on_node: Vec<PodKey> = self
            .by_node
            .get(&node.name)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        for (ns, name) in on_node {
            let Ok(pod) = self.store.get(&kinds::pods(), Some(&ns), &name) else {
                continue;
            };
            let tolerations = object::typed::<Pod>(&pod)
                .and_then(|p| p.spec)
                .and_then(|s| s.tolerations)
                .unwrap_or_default();
            if no_execute
                .iter()
                .all(|taint| tolerations.iter().any(|t| tolerates(t, taint)))
            {
                continue;
            }
            self.recorder.record(
                &pod,
                EventType::Normal,
                "TaintManagerEviction",
                &format!("Marking for deletion Pod {ns}/{name}"),
            );
            let _ = self
                .store
                .delete(&kinds::pods(), Some(&ns), &name, &DeleteOptions::default());
        }
    }

    fn schedule_pending(&mut self) {
        while let Some(key) = self.pending.pop_first() {
            let Ok(pod) = self.store.get(&kinds::pods(), Some(&key.0), &key.1) else {
                continue;
            };
            if object::str_at(&pod, "/spec/nodeName").is_some_and(|n| !n.is_empty())
                || object::is_deleting(&pod)
            {
                continue;
            }
            let Some(typed) = object::typed::<Pod>(&pod) else {
                continue;
            };
            let needs = PodNeeds::from_pod(&typed);
            let mut best: Option<(f64, &str)> = None;
            let mut rejections = Vec::new();
            let none = Resources::default();
            for node in self.nodes.values() {
                let used = self.used.get(&node.name).unwrap_or(&none);
                let reasons = misfits(&needs, node, used);
                if reasons.is_empty() {
                    let score = load_score(&needs, node, used);
                    if best.is_none_or(|(s, n)| score < s || (score == s && node.name.as_str() < n))
                    {
                        best = Some((score, &node.name));
                    }
                } else {
                    rejections.push(reasons);
                }
            }
            match best.map(|(_, n)| n.to_owned()) {
                Some(node) => self.bind(&pod, &key, &node),
                None => {
                    let message = failure_message(self.nodes.len(), &rejections);
                    self.mark_unschedulable(&pod, key, message);
                }
            }
        }
    }

    fn bind(&mut self, pod: &Value, key: &PodKey, node: &str) {
        let uid = object::uid(pod).to_owned();
        let now = now_rfc3339();
        let bound = self.store.modify(
            &kinds::pods(),
            Some(&key.0),
            &key.1,
            |stored| {
                if object::uid(stored) != uid {
                    return Err(crate::SandboxError::BadRequest("pod was replaced".into()));
                }
                stored["spec"]["nodeName"] = json!(node);
                set_scheduled_condition(stored, json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
                Ok(())
            },
            &WriteOptions::manager("default-scheduler"),
        );
        self.unschedulable.remove(key);
        if let Ok(bound) = bound {
            self.account(&bound);
            self.recorder.record(
                &bound,
                EventType::Normal,
                "Scheduled",
                &format!("Successfully assigned {}/{} to {node}", key.0, key.1),
            );
        }
    }

    fn mark_unschedulable(&mut self, pod: &Value, key: PodKey, message: String) {
        if self.unschedulable.get(&key) == Some(&message) {
            return;
        }
        let now = now_rfc3339();
        let condition = json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": now, "reason": "Unschedulable", "message": message});
        let _ = self.store.modify(
            &kinds::pods(),
            Some(&key.0),
            &key.1,
            |stored| {
                if stored.pointer("/status/phase").is_none() {
                    stored["status"]["phase"] = json!("Pending");
                }
                set_scheduled_condition(stored, condition);
                Ok(())
            },
            &WriteOptions::manager("default-scheduler"),
        );
        self.recorder
            .record(pod, EventType::Warning, "FailedScheduling", &message);
        self.unschedulable.insert(key, message);
    }
}

fn set_scheduled_condition(pod: &mut Value, condition: Value) {
    if !pod.get("status").is_some_and(Value::is_object) {
        pod["status"] = json!({});
    }
    let conditions = &mut pod["status"]["conditions"];
    if !conditions.is_array() {
        *conditions = json!([]);
    }
    if let Some(list) = conditions.as_array_mut() {
        list.retain(|c| c["type"] != "PodScheduled");
        list.push(condition);
    }
}
