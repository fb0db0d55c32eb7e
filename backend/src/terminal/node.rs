//! Node shells, for administrators: Capstan runs a privileged pod on the node that shares the
//! host's PID, network and IPC namespaces, and attaches with `nsenter --target 1 …` into the
//! host. The pod carries [`NODE_SHELL_LABEL`]; it is deleted when the session ends (exit, the
//! browser leaving, 30 minutes idle), and pods left by a Capstan that stopped are swept at
//! start-up ([`sweep`]). `activeDeadlineSeconds` bounds a pod that nobody sweeps.

use std::time::Duration;

use chrono::Utc;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use model::terminal::command_words;
use serde_json::json;
use uuid::Uuid;

use super::{About, Session, actions, exec, field};
use crate::audit::AuditResult;
use crate::clusters::{self, ClusterRegistry, guard};
use crate::resources::ResourceError;
use crate::resources::objects::target::within;
use crate::resources::objects::{Actor, Audited, audit, reason};

/// The label every node-shell pod carries (with the value `"true"`).
pub const NODE_SHELL_LABEL: &str = "capstan.io/node-shell";
/// Where node-shell pods run.
pub const NAMESPACE: &str = "kube-system";
/// The image of the pod: it only needs `nsenter` and `sleep`.
pub const IMAGE: &str = "busybox:1.36";
/// How long the pod may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The cluster kills a node-shell pod after this long even if Capstan never deletes it.
const MAX_LIFETIME_SECONDS: i64 = 12 * 3600;

/// The pod's name: `capstan-shell-` + the node's name (cut) + a random suffix.
fn pod_name(node: &str) -> String {
    use rand::Rng;
    let suffix: String = (0..5)
        .map(|_| char::from(b"bcdfghjklmnpqrstvwxz2456789"[rand::rng().random_range(0..27)]))
        .collect();
    let base: String = node.chars().take(63 - 14 - 6).collect();
    format!(
        "capstan-shell-{}-{suffix}",
        base.trim_end_matches(['-', '.'])
    )
    .replace('.', "-")
}

fn manifest(name: &str, node: &str, user: &str) -> Result<Pod, ResourceError> {
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "labels": {
                NODE_SHELL_LABEL: "true",
                "app.kubernetes.io/managed-by": "capstan",
            },
            "annotations": {"capstan.io/opened-by": user, "capstan.io/opened-at": Utc::now().to_rfc3339()},
        },
        "spec": {
            "nodeName": node,
            "hostPID": true,
            "hostNetwork": true,
            "hostIPC": true,
            "restartPolicy": "Never",
            "terminationGracePeriodSeconds": 0,
            "activeDeadlineSeconds": MAX_LIFETIME_SECONDS,
            "tolerations": [{"operator": "Exists"}],
            "containers": [{
                "name": "shell",
                "image": IMAGE,
                "command": ["sleep", "infinity"],
                "securityContext": {"privileged": true},
                "stdin": true,
                "tty": true,
            }],
        },
    }))
    .map_err(|e| ResourceError::Rejected {
        code: 500,
        message: format!("the node-shell pod could not be described: {e}"),
    })
}

/// Opens a shell on `node`: administrators only, refused on read-only clusters. Audited.
pub async fn open_node(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    node: &str,
    command: &str,
) -> Result<Session, ResourceError> {
    let info = clusters::get(registry, cluster).await?;
    let about = Audited {
        action: actions::NODE_OPEN,
        cluster: &info,
        kind: "nodes",
        namespace: None,
        name: node,
    };
    let opened = start(registry, actor, cluster, &info, node, command).await;
    let (result, detail) = match &opened {
        Ok((pod, command, _)) => (
            AuditResult::Success,
            json!({"pod": pod, "command": command.join(" ")}),
        ),
        Err(e) => (AuditResult::Failure, reason(e)),
    };
    audit(registry, actor, about, result, detail).await?;
    let (pod, command, process) = opened?;
    let client = registry.client(cluster).await?;
    Ok(Session {
        process,
        registry: registry.clone(),
        cluster: info,
        user: actor.user.clone(),
        client: actor.client.clone(),
        about: About {
            close_action: actions::NODE_CLOSE,
            kind: "nodes",
            namespace: None,
            name: node.to_string(),
        },
        container: "shell".into(),
        command,
        started: Utc::now(),
        helper: Some((Api::namespaced(client, NAMESPACE), pod)),
    })
}

async fn start(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    info: &model::clusters::ClusterInfo,
    node: &str,
    command: &str,
) -> Result<(String, Vec<String>, kube::api::AttachedProcess), ResourceError> {
    if !actor.user.is_admin {
        return Err(ResourceError::Refused(model::AppError::forbidden(
            "Node shells are for administrators: they give root on the node.",
        )));
    }
    guard::require_writable(info).map_err(ResourceError::Refused)?;
    let program = command_words(command).map_err(|e| ResourceError::InvalidRequest(vec![e]))?;
    let client = registry.client(cluster).await?;
    let nodes: Api<Node> = Api::all(client.clone());
    match within(registry, cluster, nodes.get_opt(node)).await? {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Err(ResourceError::NotFound {
                kind: "Node".into(),
                name: node.into(),
            });
        }
        Err(e) => return Err(field("node", format!("The node cannot be read: {e}"))),
    }
    let pods: Api<Pod> = Api::namespaced(client, NAMESPACE);
    let name = pod_name(node);
    let pod = manifest(&name, node, &actor.user.username)?;
    match within(registry, cluster, pods.create(&PostParams::default(), &pod)).await? {
        Ok(_) => {}
        Err(kube::Error::Api(status)) => {
            return Err(ResourceError::Rejected {
                code: status.code,
                message: format!("The node-shell pod was refused: {}", status.message),
            });
        }
        Err(e) => {
            return Err(field(
                "node",
                format!("The node-shell pod could not be created: {e}"),
            ));
        }
    }
    let ready = wait_running(&pods, &name).await;
    let started = match ready {
        Ok(()) => {
            let mut argv: Vec<String> = ["nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--"]
                .map(String::from)
                .to_vec();
            argv.extend(program);
            exec(registry, cluster, &pods, &name, "shell", argv.clone())
                .await
                .map(|process| (name.clone(), argv, process))
        }
        Err(e) => Err(e),
    };
    if started.is_err() {
        remove(&pods, &name).await;
    }
    started
}

async fn wait_running(pods: &Api<Pod>, name: &str) -> Result<(), ResourceError> {
    let deadline = tokio::time::Instant::now() + START_TIMEOUT;
    loop {
        let pod = pods.get_opt(name).await.ok().flatten();
        let status = pod.as_ref().and_then(|p| p.status.as_ref());
        let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
        let state = status
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first())
            .and_then(|c| c.state.clone());
        if state.as_ref().is_some_and(|s| s.running.is_some()) {
            return Ok(());
        }
        let waiting = state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.clone());
        if phase == "Failed"
            || phase == "Succeeded"
            || waiting.as_deref().is_some_and(|r| r.contains("ImagePull"))
        {
            return Err(field(
                "node",
                format!(
                    "The node-shell pod did not start ({}).",
                    waiting.unwrap_or(phase)
                ),
            ));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(field(
                "node",
                format!(
                    "The node-shell pod did not start within {} s ({}).",
                    START_TIMEOUT.as_secs(),
                    waiting.unwrap_or_else(|| "Pending".into())
                ),
            ));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Deletes a node-shell pod at once (a failure is logged: the sweep or the deadline gets it).
pub(crate) async fn remove(pods: &Api<Pod>, name: &str) {
    let params = DeleteParams {
        grace_period_seconds: Some(0),
        ..DeleteParams::default()
    };
    if let Err(e) = pods.delete(name, &params).await
        && !matches!(&e, kube::Error::Api(s) if s.code == 404)
    {
        tracing::warn!(pod = name, error = %e, "a node-shell pod could not be deleted");
    }
}

/// Deletes every node-shell pod in `cluster` (left by a Capstan that stopped mid-session);
/// returns how many. Run at start-up, when no session can be open.
pub async fn sweep(registry: &ClusterRegistry, cluster: Uuid) -> Result<usize, ResourceError> {
    let client = registry.client(cluster).await?;
    let pods: Api<Pod> = Api::all(client.clone());
    let listed = within(
        registry,
        cluster,
        pods.list(&ListParams::default().labels(&format!("{NODE_SHELL_LABEL}=true"))),
    )
    .await?
    .map_err(|e| field("node", format!("Node-shell pods cannot be listed: {e}")))?;
    let mut removed = 0;
    for pod in listed.items {
        let (Some(name), Some(namespace)) = (pod.metadata.name, pod.metadata.namespace) else {
            continue;
        };
        remove(&Api::namespaced(client.clone(), &namespace), &name).await;
        removed += 1;
    }
    Ok(removed)
}

/// Sweeps every registered cluster that answers, in the background; a cluster that is down is
/// left to the pods' own deadline.
pub fn sweep_all(registry: ClusterRegistry) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Ok(all) = clusters::list(&registry).await else {
            return;
        };
        for info in all {
            let Ok(id) = clusters::parse_id(&info.id) else {
                continue;
            };
            match sweep(&registry, id).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(cluster = %info.name, removed = n, "node-shell pods left by a previous run deleted")
                }
                Err(e) => {
                    tracing::debug!(cluster = %info.name, error = %e, "node-shell sweep skipped")
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_names_fit_and_are_dns_labels() {
        let name = pod_name(&"ip-10-0-0-1.eu-west-1.compute.internal".repeat(3));
        assert!(name.len() <= 63, "{name}");
        assert!(model::names::validate_dns_label(&name).is_ok(), "{name}");
        assert!(name.starts_with("capstan-shell-ip-10-0-0-1-eu-west-1"));
    }
}
