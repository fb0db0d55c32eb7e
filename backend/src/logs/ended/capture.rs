//! Reading an ended pod's logs once and keeping the last part. A pod that finished is read once;
//! a pod that is terminating is followed (the shutdown lines are the ones people want) until its
//! containers stop or the grace period runs out. The reading is the log viewer's own
//! [`Follower`], so a stream that breaks resumes without repeating lines.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use kube::api::Api;
use kube::{Client, Resource};
use model::logs::{LogLine, LogOptions, LogSource, SourceState};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::Limits;
use crate::db::models::ended_pod_logs::NewEndedLog;
use crate::logs::follow::{END_OF_LOG, Follower, Item};
use crate::operations::workloads::{DEPLOYMENTS, REPLICASETS};
use crate::resources::detail::to_chrono;

/// Why a pod's logs are read now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// It succeeded or failed: its containers have stopped.
    Finished,
    /// It is being deleted: its containers may still be writing their last lines.
    Terminating,
}

/// Whether `pod` has ended (or is ending) in a way whose logs are kept.
pub fn trigger(pod: &Pod) -> Option<Trigger> {
    if pod.metadata.deletion_timestamp.is_some() {
        return Some(Trigger::Terminating);
    }
    match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Succeeded" | "Failed") => Some(Trigger::Finished),
        _ => None,
    }
}

/// The pod's controller, `(kind, name)`: only pods of a workload are kept.
pub fn controller(pod: &Pod) -> Option<(String, String)> {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| (o.kind.clone(), o.name.clone()))
}

/// The workload a pod's log page is asked by (resource key and name): a deployment for the pods
/// of its replica sets, else the controller itself.
pub async fn workload(client: &Client, pod: &Pod) -> Option<(String, String)> {
    let (kind, name) = controller(pod)?;
    if kind == "ReplicaSet" {
        return Some(replica_set_owner(client, pod, name).await);
    }
    // A pod's controller is a workload, never a pod.
    let key = crate::logs::pods::key_of_kind(&kind).filter(|k| *k != crate::logs::pods::PODS)?;
    Some((key.to_string(), name))
}

async fn replica_set_owner(client: &Client, pod: &Pod, replica_set: String) -> (String, String) {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let api: Api<ReplicaSet> = Api::namespaced(client.clone(), namespace);
    if let Ok(Some(meta)) = api.get_metadata_opt(&replica_set).await {
        return match meta
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true) && o.kind == "Deployment")
        {
            Some(owner) => (DEPLOYMENTS.to_string(), owner.name.clone()),
            None => (REPLICASETS.to_string(), replica_set),
        };
    }
    // The replica set is gone too: a deployment names its replica sets `<name>-<template hash>`.
    let hash = pod
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("pod-template-hash"));
    match hash.and_then(|h| replica_set.strip_suffix(&format!("-{h}"))) {
        Some(deployment) => (DEPLOYMENTS.to_string(), deployment.to_string()),
        None => (REPLICASETS.to_string(), replica_set),
    }
}

/// What the pod says of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerFacts {
    pub name: String,
    pub init: bool,
    /// It ran at least once, so the cluster may hold a log.
    pub started: bool,
    pub running: bool,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Every container of `pod`, init containers first, with its last exit.
pub fn facts(pod: &Pod) -> Vec<ContainerFacts> {
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    let named = |init: bool| -> Vec<String> {
        match spec {
            Some(s) if init => s
                .init_containers
                .iter()
                .flatten()
                .map(|c| c.name.clone())
                .collect(),
            Some(s) => s.containers.iter().map(|c| c.name.clone()).collect(),
            None => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for init in [true, false] {
        let statuses: &[ContainerStatus] = match status {
            Some(s) if init => s.init_container_statuses.as_deref().unwrap_or_default(),
            Some(s) => s.container_statuses.as_deref().unwrap_or_default(),
            None => &[],
        };
        for name in named(init) {
            let known = statuses.iter().find(|s| s.name == name);
            out.push(fact(name, init, known));
        }
    }
    out
}

fn fact(name: String, init: bool, status: Option<&ContainerStatus>) -> ContainerFacts {
    let mut fact = ContainerFacts {
        name,
        init,
        started: false,
        running: false,
        exit_code: None,
        reason: None,
        started_at: None,
        finished_at: None,
    };
    let Some(status) = status else {
        return fact;
    };
    let state = status.state.as_ref();
    let last = status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref());
    if let Some(running) = state.and_then(|s| s.running.as_ref()) {
        fact.started = true;
        fact.running = true;
        fact.started_at = running.started_at.as_ref().and_then(to_chrono);
    } else if let Some(done) = state.and_then(|s| s.terminated.as_ref()).or(last) {
        fact.started = true;
        fact.exit_code = Some(done.exit_code);
        fact.reason = done.reason.clone();
        fact.started_at = done.started_at.as_ref().and_then(to_chrono);
        fact.finished_at = done.finished_at.as_ref().and_then(to_chrono);
    } else if let Some(waiting) = state.and_then(|s| s.waiting.as_ref()) {
        fact.reason = waiting.reason.clone();
    }
    fact.started |= status.restart_count > 0;
    fact
}

/// The newest lines of a log within a byte budget: older lines fall out as new ones come.
#[derive(Debug)]
pub struct Tail {
    lines: VecDeque<String>,
    bytes: usize,
    cap: usize,
    /// Whether lines were dropped (or the cluster had more than was asked for).
    pub cut: bool,
}

impl Tail {
    pub fn new(cap: usize) -> Self {
        Self {
            lines: VecDeque::new(),
            bytes: 0,
            cap,
            cut: false,
        }
    }

    pub fn push(&mut self, line: String) {
        self.bytes += line.len() + 1;
        self.lines.push_back(line);
        while self.bytes > self.cap {
            let Some(old) = self.lines.pop_front() else {
                break;
            };
            self.bytes -= old.len() + 1;
            self.cut = true;
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn into_text(self) -> String {
        let mut text = String::with_capacity(self.bytes);
        for line in self.lines {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }
}

/// A line as stored: the cluster's timestamp, a space, the text (as `kubectl logs --timestamps`).
fn stored(line: LogLine) -> String {
    match line.at {
        Some(at) => format!("{at} {}", line.text),
        None => line.text,
    }
}

/// How many lines to ask for so the byte budget is likely filled (log lines average well over
/// 40 bytes).
pub fn tail_lines(limits: &Limits) -> i64 {
    (limits.container_bytes / 40).clamp(500, model::logs::MAX_TAIL_LINES as usize) as i64
}

/// One container's log: the kept text, or why there is none.
pub async fn read_container(
    api: Api<Pod>,
    pod: &str,
    container: &str,
    follow: bool,
    limits: &Limits,
    deadline: Duration,
) -> (Tail, Option<String>) {
    let asked = tail_lines(limits);
    let follower = Follower {
        api,
        source: LogSource {
            pod: pod.to_string(),
            container: container.to_string(),
        },
        options: LogOptions {
            container: Some(container.to_string()),
            follow,
            tail_lines: Some(asked),
            timestamps: true,
            ..LogOptions::default()
        },
    };
    let (tx, mut rx) = mpsc::channel(256);
    let mut tail = Tail::new(limits.container_bytes);
    let mut ended: Option<String> = None;
    let mut read = 0usize;
    let collect = async {
        while let Some(item) = rx.recv().await {
            match item {
                Item::Line(line) => {
                    read += 1;
                    tail.push(stored(line));
                }
                Item::State(_, SourceState::Ended { reason }) => ended = Some(reason),
                Item::State(..) => {}
            }
        }
    };
    // At the deadline both halves are dropped: the follower stops, what was read stays.
    let _ = tokio::time::timeout(deadline, futures::future::join(follower.run(tx), collect)).await;
    if read as i64 >= asked {
        tail.cut = true;
    }
    let note = match ended {
        Some(reason) if tail.is_empty() && reason != END_OF_LOG => Some(reason),
        _ => None,
    };
    (tail, note)
}

/// How long a terminating pod is followed: its grace period and a margin, at most ten minutes.
pub fn follow_deadline(pod: &Pod) -> Duration {
    let grace = pod
        .metadata
        .deletion_grace_period_seconds
        .or_else(|| {
            pod.spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds)
        })
        .unwrap_or(30)
        .clamp(0, 570) as u64;
    Duration::from_secs(grace + 30)
}

/// How long reading a finished pod's container may take.
pub const READ_DEADLINE: Duration = Duration::from_secs(60);

/// The pod and where it was seen ending, for the rows.
pub struct Ended {
    pub cluster: Uuid,
    pub pod: Pod,
    pub workload: Option<(String, String)>,
    pub ended_at: DateTime<Utc>,
}

/// The rows to keep for a pod: one per container, with its log (or why none) and its last exit
/// as `latest` (the newest view of the pod) says. A container still running in `latest` was
/// stopped by the deletion.
pub fn rows(
    ended: &Ended,
    latest: &Pod,
    logs: Vec<(String, Tail, Option<String>)>,
) -> Vec<NewEndedLog> {
    let meta = ended.pod.meta();
    let owner = controller(&ended.pod).map(|(kind, name)| format!("{kind}/{name}"));
    let mut logs = logs;
    facts(latest)
        .into_iter()
        .map(|fact| {
            let (text, cut, note) = match logs.iter().position(|(name, ..)| *name == fact.name) {
                Some(i) => {
                    let (_, tail, note) = logs.swap_remove(i);
                    let cut = tail.cut;
                    (tail.into_text(), cut, note)
                }
                None => (
                    String::new(),
                    false,
                    Some("The container never started, so it wrote no log.".to_string()),
                ),
            };
            let reason = match (&fact.reason, fact.running) {
                (None, true) if latest.metadata.deletion_timestamp.is_some() => {
                    Some("Deleted".to_string())
                }
                (reason, _) => reason.clone(),
            };
            NewEndedLog {
                cluster_id: ended.cluster,
                namespace: meta.namespace.clone().unwrap_or_default(),
                pod_name: meta.name.clone().unwrap_or_default(),
                pod_uid: meta.uid.clone().unwrap_or_default(),
                node_name: ended.pod.spec.as_ref().and_then(|s| s.node_name.clone()),
                owner: owner.clone(),
                workload_kind: ended.workload.as_ref().map(|(k, _)| k.clone()),
                workload_name: ended.workload.as_ref().map(|(_, n)| n.clone()),
                bytes: i32::try_from(text.len()).unwrap_or(i32::MAX),
                log: text,
                container: fact.name,
                init_container: fact.init,
                exit_code: fact.exit_code,
                reason,
                started_at: fact.started_at,
                finished_at: fact.finished_at,
                ended_at: ended.ended_at,
                truncated: cut,
                note,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn finished_and_terminating_pods_trigger() {
        let running = pod(json!({"metadata": {"name": "a"}, "status": {"phase": "Running"}}));
        assert_eq!(trigger(&running), None);
        let failed = pod(json!({"metadata": {"name": "a"}, "status": {"phase": "Failed"}}));
        assert_eq!(trigger(&failed), Some(Trigger::Finished));
        let going = pod(
            json!({"metadata": {"name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z"},
            "status": {"phase": "Running"}}),
        );
        assert_eq!(trigger(&going), Some(Trigger::Terminating));
    }

    #[test]
    fn facts_read_the_last_exit_of_each_container() {
        let p = pod(json!({
            "metadata": {"name": "a"},
            "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "web"}, {"name": "side"}, {"name": "never"}]},
            "status": {
                "initContainerStatuses": [{"name": "init", "image": "i", "imageID": "", "ready": false, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
                "containerStatuses": [
                    {"name": "web", "image": "i", "imageID": "", "ready": false, "restartCount": 3,
                     "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                     "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}},
                    {"name": "side", "image": "i", "imageID": "", "ready": true, "restartCount": 0,
                     "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}},
                    {"name": "never", "image": "i", "imageID": "", "ready": false, "restartCount": 0,
                     "state": {"waiting": {"reason": "ImagePullBackOff"}}}
                ]
            }
        }));
        let f = facts(&p);
        let names: Vec<&str> = f.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["init", "web", "side", "never"]);
        assert!(f[0].init && f[0].started && f[0].exit_code == Some(0));
        assert_eq!(
            (f[1].exit_code, f[1].reason.as_deref()),
            (Some(137), Some("OOMKilled"))
        );
        assert!(f[2].running && f[2].started_at.is_some());
        assert!(!f[3].started);
        assert_eq!(f[3].reason.as_deref(), Some("ImagePullBackOff"));
    }

    #[test]
    fn the_tail_keeps_the_newest_lines_within_its_budget() {
        let mut tail = Tail::new(20);
        for line in ["aaaa", "bbbb", "cccc", "dddd", "eeee"] {
            tail.push(line.to_string());
        }
        assert!(tail.cut);
        assert_eq!(tail.len(), 4);
        assert_eq!(tail.into_text(), "bbbb\ncccc\ndddd\neeee\n");
        let mut small = Tail::new(100);
        small.push("one".into());
        assert!(!small.cut);
    }

    #[test]
    fn a_deleted_pods_running_container_says_so() {
        let p = pod(json!({
            "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1",
                "deletionTimestamp": "2026-01-01T00:00:00Z",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d", "uid": "r", "controller": true}]},
            "spec": {"nodeName": "node-1", "containers": [{"name": "web"}, {"name": "side"}]},
            "status": {"containerStatuses": [
                {"name": "web", "image": "i", "imageID": "", "ready": true, "restartCount": 0,
                 "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}]}
        }));
        let ended = Ended {
            cluster: Uuid::nil(),
            pod: p.clone(),
            workload: Some((DEPLOYMENTS.into(), "web".into())),
            ended_at: Utc::now(),
        };
        let mut tail = Tail::new(1000);
        tail.push("2026-01-01T00:00:01Z bye".into());
        let rows = rows(&ended, &p, vec![("web".into(), tail, None)]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].reason.as_deref(), Some("Deleted"));
        assert_eq!(rows[0].log, "2026-01-01T00:00:01Z bye\n");
        assert_eq!(rows[0].owner.as_deref(), Some("ReplicaSet/web-7d"));
        assert_eq!(rows[0].node_name.as_deref(), Some("node-1"));
        assert!(rows[1].note.is_some() && rows[1].log.is_empty());
    }

    #[test]
    fn only_the_controller_counts() {
        let p = pod(json!({"metadata": {"name": "a", "ownerReferences": [
            {"apiVersion": "v1", "kind": "Node", "name": "n", "uid": "x"},
            {"apiVersion": "batch/v1", "kind": "Job", "name": "backup", "uid": "y", "controller": true}]}}));
        assert_eq!(controller(&p), Some(("Job".into(), "backup".into())));
        assert_eq!(
            controller(&pod(json!({"metadata": {"name": "bare"}}))),
            None
        );
    }
}
