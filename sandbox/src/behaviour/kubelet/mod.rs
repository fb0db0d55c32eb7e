//! The simulated kubelet: runs the pods bound to every node. One task serves all nodes (a kubelet per
//! node would be 5 000 idle tasks at scale); its per-node state is the image cache and the pod IP counter.
//!
//! It is event driven. A pod is tracked from the moment it is bound until its containers settle (running
//! for good, or finished); each tracked pod has one wake-up at its next state change, held in a heap, so a
//! cluster of 150 000 steady pods costs nothing per tick. Seeded pods that already carry a status are never
//! tracked at all.

pub mod plan;
pub mod status;
mod termination;
pub mod timeline;
pub mod timings;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use self::plan::{PodPlan, plan_pod, replay_pod};
use self::status::{Addresses, pod_status};
use self::timings::Timings;
use super::events::{EventRecorder, EventType};
use super::noise::seed_of;
use super::object::{self, kinds};
use crate::selectors::LabelSelector;
use crate::store::{EventType as Change, Store, WatchEvent, WriteOptions};

type PodKey = (String, String);

struct Tracked {
    uid: String,
    plan: PodPlan,
    pod_ip: String,
    host_ip: String,
    node: String,
    /// Events up to this time have been recorded.
    reported_until: DateTime<Utc>,
    /// Set once the pod is being deleted: when it goes away for good.
    remove_at: Option<DateTime<Utc>>,
    /// The exit code its containers end with: 0 after a graceful stop, 137 when killed at the deadline.
    exit_code: i32,
}

/// The kubelet of every node.
pub struct Kubelet {
    store: Store,
    timings: Timings,
    recorder: EventRecorder,
    tracked: HashMap<PodKey, Tracked>,
    wakeups: BinaryHeap<Reverse<(DateTime<Utc>, PodKey)>>,
    images: HashMap<String, HashSet<String>>,
    next_ip: HashMap<String, u32>,
}

impl Kubelet {
    pub fn new(store: Store, timings: Timings) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), "kubelet"),
            store,
            timings,
            tracked: HashMap::new(),
            wakeups: BinaryHeap::new(),
            images: HashMap::new(),
            next_ip: HashMap::new(),
        }
    }

    /// Runs until the store goes away.
    pub async fn run(mut self) {
        let Ok(mut changes) = self.store.subscribe(&kinds::pods()) else {
            return;
        };
        self.resync();
        loop {
            let next = self.wakeups.peek().map(|Reverse((t, _))| *t);
            let sleep = next.map_or(Duration::from_secs(3600), |t| {
                (t - Utc::now()).to_std().unwrap_or_default()
            });
            tokio::select! {
                change = changes.recv() => match change {
                    Ok(event) => self.on_change(&event),
                    Err(RecvError::Lagged(_)) => self.resync(),
                    Err(RecvError::Closed) => return,
                },
                () = tokio::time::sleep(sleep) => self.wake_due(),
            }
        }
    }

    /// Picks up every bound pod that no kubelet has started yet (start-up, or after missing events).
    fn resync(&mut self) {
        for pod in self
            .store
            .list(&kinds::pods(), None, &LabelSelector::default())
        {
            self.consider(&pod);
        }
    }

    fn on_change(&mut self, event: &WatchEvent) {
        let pod = &event.object;
        let key = (
            object::namespace(pod).to_owned(),
            object::name(pod).to_owned(),
        );
        if event.event_type == Change::Deleted {
            if self
                .tracked
                .get(&key)
                .is_some_and(|t| t.uid == object::uid(pod))
            {
                self.tracked.remove(&key);
            }
            return;
        }
        self.consider(pod);
    }

    fn consider(&mut self, pod: &Arc<Value>) {
        let Some(node) = object::str_at(pod, "/spec/nodeName").filter(|n| !n.is_empty()) else {
            return;
        };
        let key = (
            object::namespace(pod).to_owned(),
            object::name(pod).to_owned(),
        );
        let known = self
            .tracked
            .get(&key)
            .is_some_and(|t| t.uid == object::uid(pod));
        if object::is_deleting(pod) {
            self.begin_termination(pod, key, known);
            return;
        }
        if known || pod.pointer("/status/startTime").is_some() {
            // Our own status writes come back here, as do seeded pods that already run.
            return;
        }
        self.start_pod(pod, key, node.to_owned());
    }

    fn start_pod(&mut self, pod: &Value, key: PodKey, node: String) {
        let Some(typed) = object::typed::<Pod>(pod) else {
            return;
        };
        let now = Utc::now();
        let images = self.images.entry(node.clone()).or_default();
        let plan = plan_pod(&typed, now, images, &self.timings);
        let (pod_ip, host_ip) = self.addresses(&node);
        self.tracked.insert(
            key.clone(),
            Tracked {
                uid: object::uid(pod).to_owned(),
                plan,
                pod_ip,
                host_ip,
                node,
                reported_until: now - TimeDelta::seconds(1),
                remove_at: None,
                exit_code: 0,
            },
        );
        self.evaluate(&key);
    }

    /// The pod gets the next free address of its node's pod CIDR; the host IP is the node's InternalIP.
    fn addresses(&mut self, node: &str) -> (String, String) {
        let node_obj = self.store.get(&kinds::nodes(), None, node).ok();
        let host_ip = node_obj
            .as_deref()
            .and_then(|n| n.pointer("/status/addresses"))
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|a| a["type"] == "InternalIP"))
            .and_then(|a| a["address"].as_str())
            .unwrap_or("10.0.0.1")
            .to_owned();
        let cidr_base = node_obj
            .as_deref()
            .and_then(|n| object::str_at(n, "/spec/podCIDR"))
            .and_then(|c| c.rsplit_once('.').map(|(base, _)| base.to_owned()))
            .unwrap_or_else(|| format!("10.244.{}", seed_of(node) % 250));
        let counter = self.next_ip.entry(node.to_owned()).or_insert(1);
        *counter = *counter % 253 + 1;
        (format!("{cidr_base}.{}", *counter + 1), host_ip)
    }

    fn wake_due(&mut self) {
        let now = Utc::now();
        while let Some(Reverse((at, _))) = self.wakeups.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((_, key))) = self.wakeups.pop() else {
                break;
            };
            match self.tracked.get(&key).and_then(|t| t.remove_at) {
                Some(remove_at) if remove_at <= now => self.finish_termination(&key),
                Some(_) => {}
                None => self.evaluate(&key),
            }
        }
    }

    /// Replays the pod to now, writes its status and events, and schedules the next change.
    fn evaluate(&mut self, key: &PodKey) {
        let now = Utc::now();
        let Some(tracked) = self.tracked.get(key) else {
            return;
        };
        let Ok(pod) = self.store.get(&kinds::pods(), Some(&key.0), &key.1) else {
            self.tracked.remove(key);
            return;
        };
        if object::uid(&pod) != tracked.uid {
            self.tracked.remove(key);
            return;
        }
        let snap = replay_pod(&tracked.plan, &key.1, now, &self.timings);
        let addresses = Addresses {
            pod_ip: &tracked.pod_ip,
            host_ip: &tracked.host_ip,
        };
        let status = pod_status(
            &tracked.plan,
            &snap,
            &tracked.uid,
            &addresses,
            pod.get("status"),
        );
        let uid = tracked.uid.clone();
        let written = self.store.modify(
            &kinds::pods(),
            Some(&key.0),
            &key.1,
            |stored| {
                if object::uid(stored) != uid {
                    return Err(crate::SandboxError::BadRequest("pod was replaced".into()));
                }
                stored["status"] = status;
                Ok(())
            },
            &WriteOptions::manager("kubelet"),
        );
        let pod = written.unwrap_or(pod);
        let since = tracked.reported_until;
        let node = tracked.node.clone();
        let containers = tracked
            .plan
            .init
            .iter()
            .chain(&tracked.plan.main)
            .map(|c| c.name.clone());
        let snaps = snap.init.iter().chain(&snap.main);
        for (name, container) in containers.zip(snaps) {
            for e in container.events.iter().filter(|e| e.at > since) {
                let event_type = if e.warning {
                    EventType::Warning
                } else {
                    EventType::Normal
                };
                let path = format!("spec.containers{{{name}}}");
                self.recorder.record_detailed(
                    &pod,
                    event_type,
                    e.reason,
                    &e.message,
                    Some(&path),
                    Some(&node),
                    e.at,
                );
            }
        }
        if let Some(t) = self.tracked.get_mut(key) {
            t.reported_until = now;
        }
        match snap.next_change {
            Some(at) => self.wakeups.push(Reverse((at, key.clone()))),
            // Settled: nothing will change until the pod is deleted, which arrives as an event.
            None => {
                self.tracked.remove(key);
            }
        }
    }
}
