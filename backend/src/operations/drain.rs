//! Draining a node as `kubectl drain` does: cordon it, check every pod on it against the options
//! (DaemonSet pods, pods with emptyDir data, pods no controller manages stop the drain before
//! anything is evicted unless allowed), then evict the rest through the eviction API. A
//! PodDisruptionBudget that refuses an eviction (HTTP 429) is retried until the timeout; the
//! report says which pods went, which a budget held back, and which were still terminating.
//! While it runs, each pod's state is on a board that [`progress`] reads (every half second at
//! most), so the page and scripts can show the drain live.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, EvictParams, ListParams};
use model::objects::ObjectRef;
use model::operations::{DrainOptions, DrainPod, DrainPodState, DrainProgress, DrainReport};
use serde_json::json;
use uuid::Uuid;

use super::nodes::{NODES, cordon};
use super::{Operation, actions, invalid};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::Actor;

/// How long to wait between rounds of evictions and checks.
const ROUND: Duration = Duration::from_millis(500);

/// The drains of this process, running or last ended, by cluster and node. In memory: a drain
/// is watched on the replica that runs it.
static BOARD: LazyLock<Mutex<HashMap<(Uuid, String), DrainProgress>>> =
    LazyLock::new(Mutex::default);

fn board() -> MutexGuard<'static, HashMap<(Uuid, String), DrainProgress>> {
    BOARD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where the drain of `node` stands: running, or the last one's report (since Capstan started).
pub fn progress(cluster: Uuid, node: &str) -> Option<DrainProgress> {
    board().get(&(cluster, node.to_string())).cloned()
}

/// A drain's progress: running until it has its report.
fn progress_of(node: &str, pods: Vec<DrainPod>, report: Option<DrainReport>) -> DrainProgress {
    DrainProgress {
        node: node.to_string(),
        running: report.is_none(),
        pods,
        report,
    }
}

/// Marks a drain of `node` as running, unless one is.
fn claim(cluster: Uuid, node: &str) -> bool {
    let mut board = board();
    let key = (cluster, node.to_string());
    if board.get(&key).is_some_and(|p| p.running) {
        return false;
    }
    board.insert(key, progress_of(node, Vec::new(), None));
    true
}

fn publish(cluster: Uuid, node: &str, pods: Vec<DrainPod>, report: Option<DrainReport>) {
    board().insert((cluster, node.to_string()), progress_of(node, pods, report));
}

/// Drains `name`. The node stays cordoned whatever happens.
pub async fn drain(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    name: &str,
    options: &DrainOptions,
) -> Result<DrainReport, ResourceError> {
    if !(1..=3600).contains(&options.timeout_seconds) {
        return Err(invalid(
            "timeout_seconds",
            "The timeout is 1 to 3600 seconds.",
        ));
    }
    if options.grace_period_seconds.is_some_and(|g| g < 0) {
        return Err(invalid(
            "grace_period_seconds",
            "The grace period is 0 seconds or more.",
        ));
    }
    let object = ObjectRef {
        kind: NODES.into(),
        namespace: None,
        name: name.into(),
    };
    let op = Operation::start(registry, actor, cluster, &object, &[NODES], actions::DRAIN).await?;
    if !claim(cluster, name) {
        return Err(ResourceError::Refused(model::AppError::new(
            model::ErrorKind::Conflict,
            "node.drain_running",
            format!("Node {name} is being drained already; its progress is shown as it goes."),
        )));
    }
    let outcome = async {
        op.writable()?;
        cordon(&op, true).await?;
        run(&op, options).await
    }
    .await;
    match &outcome {
        Ok(report) => publish(cluster, name, report.pods.clone(), Some(report.clone())),
        Err(_) => {
            board().remove(&(cluster, name.to_string()));
        }
    }
    op.finish(outcome, |report| {
        let count = |state| report.pods.iter().filter(|p| p.state == state).count();
        json!({
            "complete": report.complete,
            "evicted": count(DrainPodState::Evicted),
            "blocked": count(DrainPodState::Blocked),
            "failed": count(DrainPodState::Failed) + count(DrainPodState::Refused),
        })
    })
    .await
}

async fn run(op: &Operation<'_>, options: &DrainOptions) -> Result<DrainReport, ResourceError> {
    let cluster = op.cluster;
    let node = op.target.name.clone();
    let all: Api<Pod> = Api::all(op.target.client.clone());
    let on_node = ListParams::default().fields(&format!("spec.nodeName={node}"));
    let pods = op.call("list the pods of", all.list(&on_node)).await?.items;

    let mut report: Vec<DrainPod> = Vec::new();
    let mut to_evict: Vec<(String, String, String)> = Vec::new();
    for pod in &pods {
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let entry = |state, message: &str| DrainPod {
            namespace: namespace.clone(),
            name: pod_name.clone(),
            state,
            message: message.into(),
        };
        match classify(pod, options) {
            Verdict::Skip(why) => report.push(entry(DrainPodState::Skipped, why)),
            Verdict::Refuse(why) => report.push(entry(DrainPodState::Refused, why)),
            Verdict::Evict => to_evict.push((namespace.clone(), pod_name.clone(), uid)),
        }
    }
    if report.iter().any(|p| p.state == DrainPodState::Refused) {
        let refused = report
            .iter()
            .filter(|p| p.state == DrainPodState::Refused)
            .count();
        return Ok(DrainReport {
            node: node.clone(),
            complete: false,
            message: format!(
                "Node {node} is cordoned, but nothing was evicted: {refused} pod(s) need an option to be evicted (see each pod)."
            ),
            pods: report,
        });
    }

    let params = EvictParams {
        delete_options: Some(DeleteParams {
            grace_period_seconds: options
                .grace_period_seconds
                .and_then(|g| u32::try_from(g).ok()),
            ..DeleteParams::default()
        }),
        ..EvictParams::default()
    };
    // (namespace, name) → (uid, state, message): Waiting, Terminating (eviction accepted),
    // Blocked or Failed (to try again).
    let mut pending: BTreeMap<(String, String), (String, DrainPodState, String)> = to_evict
        .into_iter()
        .map(|(ns, name, uid)| {
            (
                (ns, name),
                (uid, DrainPodState::Waiting, "not evicted yet".into()),
            )
        })
        .collect();
    let mut gone: Vec<DrainPod> = Vec::new();
    let snapshot = |pending: &BTreeMap<(String, String), (String, DrainPodState, String)>,
                    gone: &[DrainPod]| {
        let mut pods = report.clone();
        pods.extend(
            pending
                .iter()
                .map(|((namespace, name), (_, state, message))| DrainPod {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    state: *state,
                    message: message.clone(),
                }),
        );
        pods.extend(gone.iter().cloned());
        pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        pods
    };
    publish(cluster, &node, snapshot(&pending, &gone), None);
    let deadline = Instant::now() + Duration::from_secs(options.timeout_seconds);
    loop {
        let mut finished = Vec::new();
        for ((namespace, name), (uid, state, message)) in &mut pending {
            let api: Api<Pod> = Api::namespaced(op.target.client.clone(), namespace);
            if *state != DrainPodState::Terminating {
                match op.call("evict", api.evict(name, &params)).await {
                    Ok(_) => {
                        *state = DrainPodState::Terminating;
                        *message = "evicted, terminating".into();
                    }
                    Err(ResourceError::Rejected {
                        code: 429,
                        message: why,
                    }) => {
                        *state = DrainPodState::Blocked;
                        *message = why;
                        continue;
                    }
                    Err(ResourceError::NotFound { .. }) => {
                        finished.push((namespace.clone(), name.clone()));
                        continue;
                    }
                    Err(e) => {
                        *state = DrainPodState::Failed;
                        *message = model::AppError::from(e).message;
                        continue;
                    }
                }
            }
            // Gone, or replaced by a pod of the same name (StatefulSets).
            let live = op.call("read", api.get_opt(name)).await?;
            if live.is_none_or(|p| p.metadata.uid.as_deref() != Some(uid.as_str())) {
                finished.push((namespace.clone(), name.clone()));
            }
        }
        for key in finished {
            pending.remove(&key);
            gone.push(DrainPod {
                namespace: key.0,
                name: key.1,
                state: DrainPodState::Evicted,
                message: "evicted".into(),
            });
        }
        publish(cluster, &node, snapshot(&pending, &gone), None);
        if pending.is_empty() || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(ROUND).await;
    }

    let left = pending.len();
    for ((namespace, name), (_, state, message)) in pending {
        let (state, message) = match state {
            DrainPodState::Terminating => (
                DrainPodState::Failed,
                "evicted, but still terminating when the drain timed out".to_string(),
            ),
            DrainPodState::Waiting => (
                DrainPodState::Failed,
                "not evicted before the drain timed out".to_string(),
            ),
            other => (other, message),
        };
        report.push(DrainPod {
            namespace,
            name,
            state,
            message,
        });
    }
    let evicted = gone.len();
    report.extend(gone);
    report.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let blocked = report
        .iter()
        .filter(|p| p.state == DrainPodState::Blocked)
        .count();
    let message = if left == 0 {
        format!("Node {node} drained: {evicted} pod(s) evicted.")
    } else if blocked > 0 {
        format!(
            "Node {node} is cordoned but not drained: {blocked} pod(s) are held by a PodDisruptionBudget ({evicted} evicted)."
        )
    } else {
        format!(
            "Node {node} is cordoned but not drained: {left} pod(s) did not leave in time ({evicted} evicted)."
        )
    };
    Ok(DrainReport {
        node,
        complete: left == 0,
        pods: report,
        message,
    })
}

enum Verdict {
    Skip(&'static str),
    Refuse(&'static str),
    Evict,
}

fn classify(pod: &Pod, options: &DrainOptions) -> Verdict {
    let annotations = pod.metadata.annotations.as_ref();
    if annotations.is_some_and(|a| a.contains_key("kubernetes.io/config.mirror")) {
        return Verdict::Skip("a static (mirror) pod: the kubelet keeps it");
    }
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    let finished = matches!(phase, Some("Succeeded" | "Failed"));
    let controller = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    if controller.is_some_and(|c| c.kind == "DaemonSet") {
        return if options.ignore_daemonsets {
            Verdict::Skip("a DaemonSet pod: left in place")
        } else {
            Verdict::Refuse("a DaemonSet pod: allow \"ignore DaemonSets\" to drain past it")
        };
    }
    if controller.is_none() && !finished && !options.force {
        return Verdict::Refuse(
            "no controller manages it, so it would not come back: allow \"force\" to delete it",
        );
    }
    let empty_dir = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .is_some_and(|vs| vs.iter().any(|v| v.empty_dir.is_some()));
    if empty_dir && !finished && !options.delete_emptydir_data {
        return Verdict::Refuse(
            "it keeps data in an emptyDir volume: allow \"delete emptyDir data\" to evict it",
        );
    }
    Verdict::Evict
}
