//! The pods a log view reads: one pod, or the pods a workload's selector matches.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use model::logs::{ContainerChoice, LogTargets, PodChoice};
use model::objects::ObjectRef;
use serde_json::Value;
use uuid::Uuid;

use crate::clusters::ClusterRegistry;
use crate::operations::workloads::{DAEMONSETS, DEPLOYMENTS, REPLICASETS, STATEFULSETS};
use crate::resources::ResourceError;
use crate::resources::objects::target::Target;

pub const PODS: &str = "pods";
pub const JOBS: &str = "jobs.batch";

/// The kinds whose logs can be read: a pod, or the pods of a workload.
pub const KINDS: [&str; 6] = [
    PODS,
    DEPLOYMENTS,
    STATEFULSETS,
    DAEMONSETS,
    REPLICASETS,
    JOBS,
];

/// The most pods a merged view reads at once (each is one stream per container).
pub const MAX_PODS: usize = 20;

/// What a log request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSubject {
    /// A key of [`KINDS`].
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// The subject resolved: the pods' API and how to find its pods.
pub(crate) struct Resolved {
    pub target: Target,
    pub api: Api<Pod>,
    /// `None` for a single pod; a workload's label selector otherwise.
    pub selector: Option<String>,
}

impl Resolved {
    /// The subject's pods now, oldest first, at most [`MAX_PODS`]; and whether more matched.
    pub async fn pods(
        &self,
        registry: &ClusterRegistry,
        cluster: Uuid,
    ) -> Result<(Vec<Pod>, bool), ResourceError> {
        let Some(selector) = &self.selector else {
            let pod = self
                .target
                .call(
                    registry,
                    cluster,
                    "read",
                    self.api.get_opt(&self.target.name),
                )
                .await?
                .ok_or_else(|| self.target.not_found())?;
            return Ok((vec![pod], false));
        };
        let listing = ListParams::default().labels(selector);
        let mut pods = self
            .target
            .call(
                registry,
                cluster,
                "list the pods of",
                self.api.list(&listing),
            )
            .await?
            .items;
        pods.sort_by(|a, b| {
            (
                a.metadata.creation_timestamp.as_ref().map(|t| t.0),
                &a.metadata.name,
            )
                .cmp(&(
                    b.metadata.creation_timestamp.as_ref().map(|t| t.0),
                    &b.metadata.name,
                ))
        });
        let truncated = pods.len() > MAX_PODS;
        pods.truncate(MAX_PODS);
        Ok((pods, truncated))
    }
}

/// Resolves `subject` in `cluster`: the kind must be one of [`KINDS`] and served, the object must
/// exist, and a workload must have a selector.
pub(crate) async fn resolve(
    registry: &ClusterRegistry,
    cluster: Uuid,
    subject: &LogSubject,
) -> Result<Resolved, ResourceError> {
    if !KINDS.contains(&subject.kind.as_str()) {
        return Err(ResourceError::InvalidRequest(vec![model::FieldError {
            field: "kind".into(),
            message: format!(
                "Logs are read from pods and from the pods of deployments, statefulsets, daemonsets, replicasets and jobs, not from {}.",
                subject.kind
            ),
        }]));
    }
    let target = Target::resolve(
        registry,
        cluster,
        &ObjectRef {
            kind: subject.kind.clone(),
            namespace: Some(subject.namespace.clone()),
            name: subject.name.clone(),
        },
    )
    .await?;
    let api: Api<Pod> = Api::namespaced(target.client.clone(), &subject.namespace);
    if subject.kind == PODS {
        return Ok(Resolved {
            target,
            api,
            selector: None,
        });
    }
    let object = target.fetch_existing(registry, cluster).await?;
    let selector = selector_of(&object).ok_or_else(|| {
        ResourceError::InvalidRequest(vec![model::FieldError {
            field: "name".into(),
            message: format!(
                "{} has no pod selector: it runs no pods.",
                target.describe()
            ),
        }])
    })?;
    Ok(Resolved {
        target,
        api,
        selector: Some(selector),
    })
}

/// A workload's `spec.selector` as a label-selector string (`matchLabels` and `matchExpressions`).
pub fn selector_of(object: &Value) -> Option<String> {
    let selector = object.pointer("/spec/selector")?;
    let mut terms: Vec<String> = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some(format!("{k}={}", v.as_str()?)))
        .collect();
    for expression in selector["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let key = expression["key"].as_str()?;
        let values = || {
            expression["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        };
        terms.push(match expression["operator"].as_str()? {
            "In" => format!("{key} in ({})", values()),
            "NotIn" => format!("{key} notin ({})", values()),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        });
    }
    // An empty selector would match every pod of the namespace: never what a workload runs.
    (!terms.is_empty()).then(|| terms.join(","))
}

/// A pod as the pickers show it.
pub fn choice(pod: &Pod) -> PodChoice {
    let status = pod.status.as_ref();
    let statuses = |init: bool| {
        let list = if init {
            status.and_then(|s| s.init_container_statuses.as_ref())
        } else {
            status.and_then(|s| s.container_statuses.as_ref())
        };
        list.cloned().unwrap_or_default()
    };
    let spec = pod.spec.as_ref();
    let mut containers = Vec::new();
    for (init, list) in [
        (
            true,
            spec.and_then(|s| s.init_containers.clone())
                .unwrap_or_default(),
        ),
        (
            false,
            spec.map(|s| s.containers.clone()).unwrap_or_default(),
        ),
    ] {
        let known = statuses(init);
        for c in list {
            let state = known.iter().find(|s| s.name == c.name);
            containers.push(ContainerChoice {
                running: state
                    .and_then(|s| s.state.as_ref())
                    .is_some_and(|s| s.running.is_some()),
                restarts: state.map_or(0, |s| s.restart_count),
                name: c.name,
                init,
            });
        }
    }
    PodChoice {
        name: pod.metadata.name.clone().unwrap_or_default(),
        node: spec.and_then(|s| s.node_name.clone()),
        phase: status
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into()),
        containers,
    }
}

/// The pods and containers a log page offers for `subject`.
pub async fn targets(
    registry: &ClusterRegistry,
    cluster: Uuid,
    subject: &LogSubject,
) -> Result<LogTargets, ResourceError> {
    let (resolved, ended) = futures::join!(
        resolve(registry, cluster, subject),
        super::ended::list(registry.db(), cluster, subject)
    );
    // Kept logs are extra: when they cannot be read the live ones still show.
    let ended = ended.unwrap_or_else(|err| {
        tracing::warn!(%cluster, error = %err, "cannot list kept logs");
        Vec::new()
    });
    let resolved = match resolved {
        Ok(resolved) => resolved,
        // The object is gone but logs of its pods were kept: offer those.
        Err(ResourceError::NotFound { .. }) if !ended.is_empty() => {
            return Ok(LogTargets {
                title: format!("{} {}", display_kind(&subject.kind), subject.name),
                pods: Vec::new(),
                truncated: false,
                ended,
            });
        }
        Err(err) => return Err(err),
    };
    let (pods, truncated) = resolved.pods(registry, cluster).await?;
    Ok(LogTargets {
        title: resolved.target.describe(),
        pods: pods.iter().map(choice).collect(),
        truncated,
        ended,
    })
}

/// The Kubernetes kind of each of [`KINDS`]: how titles name them, and how a pod's owner
/// reference names its workload.
const KIND_NAMES: [(&str, &str); 6] = [
    (PODS, "Pod"),
    (DEPLOYMENTS, "Deployment"),
    (STATEFULSETS, "StatefulSet"),
    (DAEMONSETS, "DaemonSet"),
    (REPLICASETS, "ReplicaSet"),
    (JOBS, "Job"),
];

/// How a title names a kind of [`KINDS`].
fn display_kind(key: &str) -> &'static str {
    KIND_NAMES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Job", |(_, kind)| kind)
}

/// The key of [`KINDS`] for a Kubernetes kind (`StatefulSet` → `statefulsets.apps`).
pub fn key_of_kind(kind: &str) -> Option<&'static str> {
    KIND_NAMES
        .iter()
        .find(|(_, k)| *k == kind)
        .map(|(key, _)| *key)
}

/// The containers of `pod` to read: the one asked for (which must exist), or every regular
/// container.
pub fn containers_to_read(
    pod: &PodChoice,
    container: Option<&str>,
) -> Result<Vec<String>, ResourceError> {
    match container {
        Some(name) => {
            if pod.containers.iter().any(|c| c.name == name) {
                Ok(vec![name.to_string()])
            } else {
                Err(ResourceError::InvalidRequest(vec![model::FieldError {
                    field: "container".into(),
                    message: format!(
                        "Pod {} has no container {name:?}; it has {}.",
                        pod.name,
                        pod.containers
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }]))
            }
        }
        None => Ok(pod
            .containers
            .iter()
            .filter(|c| !c.init)
            .map(|c| c.name.clone())
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn selectors_render_both_forms() {
        let object = json!({"spec": {"selector": {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["a", "b"]},
                {"key": "canary", "operator": "DoesNotExist"}
            ]
        }}});
        assert_eq!(
            selector_of(&object).as_deref(),
            Some("app=web,tier in (a,b),!canary")
        );
        assert_eq!(selector_of(&json!({"spec": {"selector": {}}})), None);
        assert_eq!(selector_of(&json!({"spec": {}})), None);
    }
}
