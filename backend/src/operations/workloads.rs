//! Workload actions: scale (Deployments, StatefulSets, ReplicaSets, through the `scale`
//! subresource), restart (Deployments, StatefulSets, DaemonSets: a new `restartedAt` annotation
//! on the pod template, as `kubectl rollout restart`), pause and resume (Deployments) and a
//! container's image (every workload kind).

use chrono::{SecondsFormat, Utc};
use kube::api::{Patch, PatchParams};
use model::objects::ObjectRef;
use model::operations::{ImageChange, OperationOutcome, WorkloadRef};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Operation, actions, invalid};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::Actor;
use crate::resources::objects::target::FIELD_MANAGER;
use model::names as validate;

pub const DEPLOYMENTS: &str = "deployments.apps";
pub const STATEFULSETS: &str = "statefulsets.apps";
pub const DAEMONSETS: &str = "daemonsets.apps";
pub const REPLICASETS: &str = "replicasets.apps";

/// The annotation `kubectl rollout restart` sets on the pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// The most replicas Capstan sets in one step; more is almost always a typo.
pub const MAX_REPLICAS: i32 = 10_000;

pub(crate) fn object(workload: &WorkloadRef) -> ObjectRef {
    ObjectRef {
        kind: workload.kind.clone(),
        namespace: Some(workload.namespace.clone()),
        name: workload.name.clone(),
    }
}

pub(crate) fn params() -> PatchParams {
    PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..PatchParams::default()
    }
}

/// Sets the desired replica count.
pub async fn scale(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    workload: &WorkloadRef,
    replicas: i32,
) -> Result<OperationOutcome, ResourceError> {
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object(workload),
        &[DEPLOYMENTS, STATEFULSETS, REPLICASETS],
        actions::SCALE,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        if !(0..=MAX_REPLICAS).contains(&replicas) {
            return Err(invalid(
                "replicas",
                format!("Replicas must be a whole number from 0 to {MAX_REPLICAS}."),
            ));
        }
        let api = op.target.api();
        let name = &op.target.name;
        let before = op.call("read", api.get_scale(name)).await?;
        let from = before.spec.and_then(|s| s.replicas).unwrap_or(0);
        let patch = json!({ "spec": { "replicas": replicas } });
        op.call(
            "scale",
            api.patch_scale(name, &params(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok((from, replicas))
    }
    .await;
    let outcome = op
        .finish(outcome, |(from, to)| json!({ "from": from, "to": to }))
        .await?;
    let (from, to) = outcome;
    Ok(OperationOutcome {
        message: if from == to {
            format!("{} already runs {to} replicas.", op.describe())
        } else {
            format!("{} scaled from {from} to {to} replicas.", op.describe())
        },
    })
}

/// Restarts every pod of the workload by a rolling update, as `kubectl rollout restart`.
pub async fn restart(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    workload: &WorkloadRef,
) -> Result<OperationOutcome, ResourceError> {
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object(workload),
        &[DEPLOYMENTS, STATEFULSETS, DAEMONSETS],
        actions::RESTART,
    )
    .await?;
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let outcome = async {
        op.writable()?;
        let api = op.target.api();
        let live = op.call("read", api.get(&op.target.name)).await?;
        if live.data.pointer("/spec/paused") == Some(&Value::Bool(true)) {
            return Err(paused(&op, "restart"));
        }
        let patch = json!({ "spec": { "template": { "metadata": { "annotations": { RESTARTED_AT: at } } } } });
        op.call(
            "restart",
            api.patch(&op.target.name, &params(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok(())
    }
    .await;
    op.finish(outcome, |()| json!({ "restarted_at": at }))
        .await?;
    Ok(OperationOutcome {
        message: format!("{} is restarting its pods.", op.describe()),
    })
}

/// Pauses (or resumes) a Deployment's rollouts: while paused, template changes wait.
pub async fn set_paused(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    workload: &WorkloadRef,
    paused: bool,
) -> Result<OperationOutcome, ResourceError> {
    let action = if paused {
        actions::PAUSE
    } else {
        actions::RESUME
    };
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object(workload),
        &[DEPLOYMENTS],
        action,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        // `null` removes the field, as `kubectl rollout resume` leaves it.
        let value = if paused { json!(true) } else { Value::Null };
        let patch = json!({ "spec": { "paused": value } });
        let api = op.target.api();
        op.call(
            if paused { "pause" } else { "resume" },
            api.patch(&op.target.name, &params(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok(())
    }
    .await;
    op.finish(outcome, |()| json!({})).await?;
    Ok(OperationOutcome {
        message: if paused {
            format!(
                "{} paused: template changes wait until it is resumed.",
                op.describe()
            )
        } else {
            format!("{} resumed.", op.describe())
        },
    })
}

/// Changes the image of one container (or init container) of the pod template.
pub async fn set_image(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    workload: &WorkloadRef,
    change: &ImageChange,
) -> Result<OperationOutcome, ResourceError> {
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &object(workload),
        &[DEPLOYMENTS, STATEFULSETS, DAEMONSETS, REPLICASETS],
        actions::SET_IMAGE,
    )
    .await?;
    let image = change.image.trim();
    let outcome = async {
        op.writable()?;
        validate::validate_image(image).map_err(|m| invalid("image", m))?;
        let api = op.target.api();
        let live = op.call("read", api.get(&op.target.name)).await?;
        // A JSON patch addressed by index, guarded by a test of the container's name: a
        // strategic merge would add a container when the name is wrong.
        let mut found = None;
        for list in ["containers", "initContainers"] {
            let containers = live
                .data
                .pointer(&format!("/spec/template/spec/{list}"))
                .and_then(Value::as_array);
            if let Some(i) = containers.and_then(|cs| {
                cs.iter()
                    .position(|c| c.get("name").and_then(Value::as_str) == Some(&change.container))
            }) {
                let old = containers
                    .and_then(|cs| cs[i].get("image"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                found = Some((format!("/spec/template/spec/{list}/{i}"), old));
                break;
            }
        }
        let Some((path, old)) = found else {
            return Err(invalid(
                "container",
                format!(
                    "{} has no container named {:?}.",
                    op.describe(),
                    change.container
                ),
            ));
        };
        let patch: json_patch::Patch = serde_json::from_value(json!([
            { "op": "test", "path": format!("{path}/name"), "value": change.container },
            { "op": "replace", "path": format!("{path}/image"), "value": image },
        ]))
        .map_err(|e| invalid("image", e.to_string()))?;
        op.call(
            "update",
            api.patch(&op.target.name, &params(), &Patch::<Value>::Json(patch)),
        )
        .await?;
        Ok(old)
    }
    .await;
    let old = op
        .finish(
            outcome,
            |old| json!({ "container": change.container, "from": old, "to": image }),
        )
        .await?;
    Ok(OperationOutcome {
        message: format!(
            "{}: container {} now runs {image} (was {old}).",
            op.describe(),
            change.container
        ),
    })
}

/// The refusal of an action kubectl also refuses on a paused Deployment.
pub(crate) fn paused(op: &Operation<'_>, action: &str) -> ResourceError {
    ResourceError::Refused(model::AppError::new(
        model::ErrorKind::Conflict,
        "workload.paused",
        format!(
            "{} is paused: resume it before you {action} it.",
            op.describe()
        ),
    ))
}
