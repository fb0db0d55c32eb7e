//! A workload's rollout history and rollback. A Deployment's revisions are the ReplicaSets it
//! owns (each holds one revision's pod template, numbered by the `deployment.kubernetes.io/revision`
//! annotation); a StatefulSet's or DaemonSet's are the ControllerRevisions it owns (the template
//! in `data`, numbered by `revision`). Rollback replaces the workload's template by the
//! revision's, as `kubectl rollout undo --to-revision` does, and the controller rolls it out as
//! a new revision.

use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams, Patch};
use model::operations::{OperationOutcome, Revision, RolloutHistory, WorkloadRef};
use serde_json::{Value, json};
use uuid::Uuid;

use super::workloads::{DAEMONSETS, DEPLOYMENTS, STATEFULSETS, object, params, paused};
use super::{Operation, actions, invalid};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::{Actor, yaml};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// The label the controller adds to tell its ReplicaSets' pods apart; not part of a revision.
const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// The label StatefulSet and DaemonSet pods carry with their revision.
const REVISION_HASH: &str = "controller-revision-hash";
/// The kinds with a rollout history.
pub const KINDS: [&str; 3] = [DEPLOYMENTS, STATEFULSETS, DAEMONSETS];

/// One revision as read, before it is shown.
struct Stored {
    revision: i64,
    /// The ReplicaSet or ControllerRevision holding it.
    holder: String,
    meta: ObjectMeta,
    template: Value,
    replicas: i32,
}

/// A workload with its revisions.
struct Found {
    /// The template it runs now.
    live: Value,
    /// Whether it has annotations at all (a JSON patch adds the map before a key).
    annotated: bool,
    paused: bool,
    /// The revision it runs now, when known.
    current: Option<i64>,
    revisions: Vec<Stored>,
}

/// The workload's revisions, newest first.
pub async fn history(
    registry: &ClusterRegistry,
    cluster: Uuid,
    workload: &WorkloadRef,
) -> Result<RolloutHistory, ResourceError> {
    Ok(history_of(&read(registry, cluster, workload).await?))
}

/// Rolls the workload back to `revision` (0: the one before the current).
pub async fn rollback(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    workload: &WorkloadRef,
    revision: i64,
) -> Result<OperationOutcome, ResourceError> {
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object(workload),
        &KINDS,
        actions::ROLLBACK,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        if revision < 0 {
            return Err(invalid("revision", "A revision is a positive number (or 0 for the previous one)."));
        }
        let found = read(registry, cluster, workload).await?;
        if found.paused {
            return Err(paused(&op, "roll back"));
        }
        let history = history_of(&found);
        let current = history.revisions.iter().find(|r| r.current).map(|r| r.revision);
        let wanted = if revision == 0 {
            history
                .revisions
                .iter()
                .find(|r| Some(r.revision) < current && !r.current)
                .map(|r| r.revision)
                .ok_or_else(|| invalid("revision", format!("{} has no earlier revision to roll back to.", op.describe())))?
        } else {
            revision
        };
        let Some(chosen) = found.revisions.iter().find(|r| r.revision == wanted) else {
            let known: Vec<String> = history.revisions.iter().map(|r| r.revision.to_string()).collect();
            return Err(invalid(
                "revision",
                format!("{} has no revision {wanted} (it has {}).", op.describe(), known.join(", ")),
            ));
        };
        let template = chosen.template.clone();
        if found.live == template {
            return Err(ResourceError::Refused(model::AppError::new(
                model::ErrorKind::Conflict,
                "workload.rollback_noop",
                format!("{} already runs the template of revision {wanted}.", op.describe()),
            )));
        }
        let mut patch = vec![json!({ "op": "replace", "path": "/spec/template", "value": template })];
        // The revision's change cause follows it, as kubectl's undo copies it.
        if let Some(cause) = chosen.meta.annotations.as_ref().and_then(|a| a.get(CHANGE_CAUSE)) {
            if !found.annotated {
                patch.push(json!({ "op": "add", "path": "/metadata/annotations", "value": {} }));
            }
            patch.push(json!({ "op": "add", "path": "/metadata/annotations/kubernetes.io~1change-cause", "value": cause }));
        }
        let patch: json_patch::Patch =
            serde_json::from_value(Value::Array(patch)).map_err(|e| invalid("revision", e.to_string()))?;
        let api = op.target.api();
        op.call("roll back", api.patch(&op.target.name, &params(), &Patch::<Value>::Json(patch)))
            .await?;
        Ok((current, wanted))
    }
    .await;
    let (from, to) = op
        .finish(
            outcome,
            |(from, to)| json!({ "from_revision": from, "to_revision": to }),
        )
        .await?;
    Ok(OperationOutcome {
        message: match from {
            Some(from) => format!(
                "{} rolled back from revision {from} to the template of revision {to}.",
                op.describe()
            ),
            None => format!(
                "{} rolled back to the template of revision {to}.",
                op.describe()
            ),
        },
    })
}

/// The workload, what it runs now, and its revisions.
async fn read(
    registry: &ClusterRegistry,
    cluster: Uuid,
    workload: &WorkloadRef,
) -> Result<Found, ResourceError> {
    let target =
        crate::resources::objects::target::Target::resolve(registry, cluster, &object(workload))
            .await?;
    let kind = target.entry.info.key.clone();
    if !KINDS.contains(&kind.as_str()) {
        return Err(invalid(
            "kind",
            "Rollout history is kept for Deployments, StatefulSets and DaemonSets.",
        ));
    }
    let namespace = target.namespace.clone().unwrap_or_default();
    let client = target.client.clone();
    // The workload's metadata, template, selector and pause state.
    let (meta, template, selector, paused) = if kind == DEPLOYMENTS {
        let api: Api<Deployment> = Api::namespaced(client.clone(), &namespace);
        let d = target
            .call(registry, cluster, "read", api.get(&target.name))
            .await?;
        let spec = d.spec.unwrap_or_default();
        (
            d.metadata,
            spec.template,
            spec.selector,
            spec.paused == Some(true),
        )
    } else if kind == STATEFULSETS {
        let api: Api<StatefulSet> = Api::namespaced(client.clone(), &namespace);
        let s = target
            .call(registry, cluster, "read", api.get(&target.name))
            .await?;
        let spec = s.spec.unwrap_or_default();
        (s.metadata, spec.template, spec.selector, false)
    } else {
        let api: Api<DaemonSet> = Api::namespaced(client.clone(), &namespace);
        let d = target
            .call(registry, cluster, "read", api.get(&target.name))
            .await?;
        let spec = d.spec.unwrap_or_default();
        (d.metadata, spec.template, spec.selector, false)
    };
    let live = canonical(&template);
    // Only a Deployment numbers the revision it runs.
    let current = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|_| kind == DEPLOYMENTS);
    let annotated = meta.annotations.is_some();
    let uid = meta.uid.unwrap_or_default();
    // The selector narrows the lists; ownership decides.
    let selector = selector
        .match_labels
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let listing = ListParams::default().labels(&selector);
    let owns = |meta: &ObjectMeta| {
        meta.owner_references
            .iter()
            .flatten()
            .any(|o| o.uid == uid && o.controller == Some(true))
    };
    let mut revisions = Vec::new();
    if kind == DEPLOYMENTS {
        let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), &namespace);
        let listed = target
            .call(
                registry,
                cluster,
                "list the ReplicaSets of",
                sets.list(&listing),
            )
            .await?
            .items;
        for set in listed.into_iter().filter(|rs| owns(&rs.metadata)) {
            let Some(revision) = revision_of(&set) else {
                continue;
            };
            revisions.push(Stored {
                revision,
                holder: set.metadata.name.clone().unwrap_or_default(),
                template: template_of(&set),
                replicas: set.status.as_ref().map_or(0, |s| s.replicas),
                meta: set.metadata,
            });
        }
    } else {
        let api: Api<ControllerRevision> = Api::namespaced(client.clone(), &namespace);
        let listed = target
            .call(
                registry,
                cluster,
                "list the revisions of",
                api.list(&listing),
            )
            .await?
            .items;
        let pods: Api<Pod> = Api::namespaced(client.clone(), &namespace);
        let pods = target
            .call(registry, cluster, "list the pods of", pods.list(&listing))
            .await?
            .items;
        for revision in listed.into_iter().filter(|r| owns(&r.metadata)) {
            let holder = revision.metadata.name.clone().unwrap_or_default();
            let template = revision
                .data
                .as_ref()
                .and_then(|d| d.0.pointer("/spec/template"))
                .cloned()
                .and_then(|t| serde_json::from_value::<PodTemplateSpec>(t).ok())
                .map(|t| canonical(&t))
                .unwrap_or(Value::Null);
            // A StatefulSet's pods name the whole revision, a DaemonSet's only its hash.
            let hash = holder.rsplit('-').next().unwrap_or_default().to_string();
            let replicas = pods
                .iter()
                .filter(|p| owns(&p.metadata))
                .filter(|p| {
                    p.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(REVISION_HASH))
                        .is_some_and(|h| *h == holder || *h == hash)
                })
                .count();
            revisions.push(Stored {
                revision: revision.revision,
                holder,
                template,
                replicas: i32::try_from(replicas).unwrap_or(i32::MAX),
                meta: revision.metadata,
            });
        }
    }
    // Without a revision number on the workload, the revision running its template is current.
    let current = current.or_else(|| {
        revisions
            .iter()
            .filter(|r| r.template == live)
            .map(|r| r.revision)
            .max()
    });
    Ok(Found {
        live,
        annotated,
        paused,
        current,
        revisions,
    })
}

/// A pod template as the typed client writes it, so templates compare by content.
fn canonical(template: &PodTemplateSpec) -> Value {
    serde_json::to_value(template).unwrap_or(Value::Null)
}

fn revision_of(set: &ReplicaSet) -> Option<i64> {
    set.metadata
        .annotations
        .as_ref()?
        .get(REVISION)?
        .parse()
        .ok()
}

/// The ReplicaSet's pod template without the controller's hash label, as JSON.
fn template_of(set: &ReplicaSet) -> Value {
    let mut template = set
        .spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .map(canonical)
        .unwrap_or(Value::Null);
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH);
    }
    template
}

fn history_of(found: &Found) -> RolloutHistory {
    let mut revisions: Vec<Revision> = found
        .revisions
        .iter()
        .map(|stored| {
            let images = stored
                .template
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map(|cs| {
                    cs.iter()
                        .map(|c| {
                            format!(
                                "{}={}",
                                c.get("name").and_then(Value::as_str).unwrap_or_default(),
                                c.get("image").and_then(Value::as_str).unwrap_or_default()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Revision {
                revision: stored.revision,
                replica_set: stored.holder.clone(),
                created_at: stored
                    .meta
                    .creation_timestamp
                    .as_ref()
                    .and_then(crate::resources::detail::to_chrono),
                images,
                change_cause: stored
                    .meta
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(CHANGE_CAUSE))
                    .cloned(),
                replicas: stored.replicas,
                current: Some(stored.revision) == found.current,
                template: yaml::render(&stored.template),
            }
        })
        .collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
    RolloutHistory {
        revisions,
        paused: found.paused,
    }
}
