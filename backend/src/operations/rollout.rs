//! A Deployment's rollout history, read from the ReplicaSets it owns (each holds one revision's
//! pod template in the `deployment.kubernetes.io/revision` annotation), and rollback to one of
//! them: the Deployment's template is replaced by the revision's, as `kubectl rollout undo
//! --to-revision` does, and the controller rolls it out as a new revision.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::api::{Api, ListParams, Patch};
use model::operations::{OperationOutcome, Revision, RolloutHistory, WorkloadRef};
use serde_json::{Value, json};
use uuid::Uuid;

use super::workloads::{DEPLOYMENTS, object, params, paused};
use super::{Operation, actions, invalid};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::target::within;
use crate::resources::objects::{Actor, yaml};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// The label the controller adds to tell its ReplicaSets' pods apart; not part of a revision.
const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The Deployment's revisions, newest first.
pub async fn history(
    registry: &ClusterRegistry,
    cluster: Uuid,
    workload: &WorkloadRef,
) -> Result<RolloutHistory, ResourceError> {
    let (deployment, sets) = read(registry, cluster, workload).await?;
    Ok(history_of(&deployment, &sets))
}

/// Rolls the Deployment back to `revision` (0: the one before the current).
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
        &[DEPLOYMENTS],
        actions::ROLLBACK,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        if revision < 0 {
            return Err(invalid("revision", "A revision is a positive number (or 0 for the previous one)."));
        }
        let (deployment, sets) = read(registry, cluster, workload).await?;
        if deployment.spec.as_ref().and_then(|s| s.paused) == Some(true) {
            return Err(paused(&op, "roll back"));
        }
        let history = history_of(&deployment, &sets);
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
        let Some(set) = sets.iter().find(|rs| revision_of(rs) == Some(wanted)) else {
            let known: Vec<String> = history.revisions.iter().map(|r| r.revision.to_string()).collect();
            return Err(invalid(
                "revision",
                format!("{} has no revision {wanted} (it has {}).", op.describe(), known.join(", ")),
            ));
        };
        let template = template_of(set);
        let live = serde_json::to_value(deployment.spec.as_ref().map(|s| &s.template))
            .unwrap_or(Value::Null);
        if live == template {
            return Err(ResourceError::Refused(model::AppError::new(
                model::ErrorKind::Conflict,
                "workload.rollback_noop",
                format!("{} already runs the template of revision {wanted}.", op.describe()),
            )));
        }
        let mut patch = vec![json!({ "op": "replace", "path": "/spec/template", "value": template })];
        // The revision's change cause follows it, as kubectl's undo copies it.
        if let Some(cause) = set.metadata.annotations.as_ref().and_then(|a| a.get(CHANGE_CAUSE)) {
            if deployment.metadata.annotations.is_none() {
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

/// The Deployment and the ReplicaSets it controls.
async fn read(
    registry: &ClusterRegistry,
    cluster: Uuid,
    workload: &WorkloadRef,
) -> Result<(Deployment, Vec<ReplicaSet>), ResourceError> {
    let target =
        crate::resources::objects::target::Target::resolve(registry, cluster, &object(workload))
            .await?;
    if target.entry.info.key != DEPLOYMENTS {
        return Err(invalid("kind", "Rollout history is kept for Deployments."));
    }
    let namespace = target.namespace.clone().unwrap_or_default();
    let deployments: Api<Deployment> = Api::namespaced(target.client.clone(), &namespace);
    let deployment = match within(registry, cluster, deployments.get(&target.name)).await? {
        Ok(d) => d,
        Err(e) => return Err(target.failure(registry, cluster, "read", &e).await),
    };
    let uid = deployment.metadata.uid.clone().unwrap_or_default();
    // The selector narrows the list; ownership decides.
    let selector = deployment
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.as_ref())
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let sets: Api<ReplicaSet> = Api::namespaced(target.client.clone(), &namespace);
    let listed = match within(
        registry,
        cluster,
        sets.list(&ListParams::default().labels(&selector)),
    )
    .await?
    {
        Ok(list) => list.items,
        Err(e) => {
            return Err(target
                .failure(registry, cluster, "list the ReplicaSets of", &e)
                .await);
        }
    };
    let owned = listed
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.uid == uid && o.controller == Some(true))
        })
        .collect();
    Ok((deployment, owned))
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
    let mut template = serde_json::to_value(set.spec.as_ref().and_then(|s| s.template.as_ref()))
        .unwrap_or(Value::Null);
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH);
    }
    template
}

fn history_of(deployment: &Deployment, sets: &[ReplicaSet]) -> RolloutHistory {
    let current = deployment
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse::<i64>().ok());
    let mut revisions: Vec<Revision> = sets
        .iter()
        .filter_map(|set| {
            let revision = revision_of(set)?;
            let template = template_of(set);
            let images = template
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
            Some(Revision {
                revision,
                replica_set: set.metadata.name.clone().unwrap_or_default(),
                created_at: set
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .and_then(crate::resources::detail::to_chrono),
                images,
                change_cause: set
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(CHANGE_CAUSE))
                    .cloned(),
                replicas: set.status.as_ref().map_or(0, |s| s.replicas),
                current: Some(revision) == current,
                template: yaml::render(&template),
            })
        })
        .collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
    RolloutHistory {
        revisions,
        paused: deployment.spec.as_ref().and_then(|s| s.paused) == Some(true),
    }
}
