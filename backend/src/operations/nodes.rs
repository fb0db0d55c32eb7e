//! Node actions: cordon and uncordon (`spec.unschedulable`), label changes (a merge patch: set
//! keys, `null` removes), taint changes (read, edit, write back guarded by the resourceVersion,
//! retried when another writer got there first), and the same changes on many nodes at once
//! with one result per node.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Node;
use kube::api::Patch;
use model::objects::ObjectRef;
use model::operations::{LabelChanges, NodeResult, OperationOutcome, Taint, TaintChanges};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::workloads::params;
use super::{Operation, actions, invalid};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::Actor;
use model::names as validate;

pub const NODES: &str = "nodes";

/// How many nodes one bulk change may name.
pub const MAX_BULK_NODES: usize = 1000;

/// How often a taint change is retried when the node changed meanwhile.
const TAINT_ATTEMPTS: usize = 5;

fn node(name: &str) -> ObjectRef {
    ObjectRef {
        kind: NODES.into(),
        namespace: None,
        name: name.into(),
    }
}

/// Marks the node unschedulable (`cordon`) or schedulable again.
pub async fn set_cordoned(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    name: &str,
    cordoned: bool,
) -> Result<OperationOutcome, ResourceError> {
    let action = if cordoned {
        actions::CORDON
    } else {
        actions::UNCORDON
    };
    let op = Operation::start(registry, actor, cluster, &node(name), &[NODES], action).await?;
    let outcome = async {
        op.writable()?;
        cordon(&op, cordoned).await
    }
    .await;
    op.finish(outcome, |()| json!({})).await?;
    Ok(OperationOutcome {
        message: if cordoned {
            format!(
                "Node {} cordoned: no new pods are scheduled on it.",
                op.target.name
            )
        } else {
            format!(
                "Node {} uncordoned: pods may be scheduled on it again.",
                op.target.name
            )
        },
    })
}

pub(crate) async fn cordon(op: &Operation<'_>, cordoned: bool) -> Result<(), ResourceError> {
    let value = if cordoned { json!(true) } else { Value::Null };
    let patch = json!({ "spec": { "unschedulable": value } });
    op.call(
        if cordoned { "cordon" } else { "uncordon" },
        op.target
            .api()
            .patch(&op.target.name, &params(), &Patch::Merge(&patch)),
    )
    .await?;
    Ok(())
}

/// Checks label changes: valid keys and values, no key both set and removed.
pub fn validate_labels(changes: &LabelChanges) -> Result<(), ResourceError> {
    let mut fields = Vec::new();
    if changes.set.is_empty() && changes.remove.is_empty() {
        fields.push(field("labels", "Add, change or remove at least one label."));
    }
    for (key, value) in &changes.set {
        if let Err(m) = validate::validate_label_key(key) {
            fields.push(field(&format!("set.{key}"), &m));
        } else if let Err(m) = validate::validate_label_value(value) {
            fields.push(field(&format!("set.{key}"), &m));
        }
    }
    for key in &changes.remove {
        if changes.set.contains_key(key) {
            fields.push(field(
                &format!("remove.{key}"),
                &format!("{key} is both set and removed: pick one."),
            ));
        } else if let Err(m) = validate::validate_label_key(key) {
            fields.push(field(&format!("remove.{key}"), &m));
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ResourceError::InvalidRequest(fields))
    }
}

/// Checks taint changes: valid keys and values, no taint both set and removed, no taint set
/// twice.
pub fn validate_taints(changes: &TaintChanges) -> Result<(), ResourceError> {
    let mut fields = Vec::new();
    if changes.set.is_empty() && changes.remove.is_empty() {
        fields.push(field("taints", "Add, change or remove at least one taint."));
    }
    let mut seen = BTreeSet::new();
    for (i, taint) in changes.set.iter().enumerate() {
        let at = format!("set[{i}]");
        if let Err(m) = validate::validate_label_key(&taint.key) {
            fields.push(field(&format!("{at}.key"), &m));
        }
        if let Err(m) = validate::validate_label_value(&taint.value) {
            fields.push(field(&format!("{at}.value"), &m));
        }
        if !seen.insert((taint.key.clone(), taint.effect)) {
            fields.push(field(
                &format!("{at}.key"),
                &format!(
                    "{} with effect {} is given twice.",
                    taint.key,
                    taint.effect.as_str()
                ),
            ));
        }
    }
    for (i, key) in changes.remove.iter().enumerate() {
        if seen.contains(&(key.key.clone(), key.effect)) {
            fields.push(field(
                &format!("remove[{i}].key"),
                &format!(
                    "{} ({}) is both set and removed: pick one.",
                    key.key,
                    key.effect.as_str()
                ),
            ));
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ResourceError::InvalidRequest(fields))
    }
}

fn field(name: &str, message: &str) -> model::FieldError {
    model::FieldError {
        field: name.into(),
        message: message.into(),
    }
}

/// Applies label changes to one node.
pub async fn change_labels(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    name: &str,
    changes: &LabelChanges,
) -> Result<OperationOutcome, ResourceError> {
    validate_labels(changes)?;
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &node(name),
        &[NODES],
        actions::LABELS,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        label(&op, changes).await
    }
    .await;
    op.finish(
        outcome,
        |()| json!({ "set": changes.set, "remove": changes.remove }),
    )
    .await?;
    Ok(OperationOutcome {
        message: format!("Labels of node {} changed.", op.target.name),
    })
}

async fn label(op: &Operation<'_>, changes: &LabelChanges) -> Result<(), ResourceError> {
    let mut labels = Map::new();
    for (k, v) in &changes.set {
        labels.insert(k.clone(), json!(v));
    }
    for k in &changes.remove {
        labels.insert(k.clone(), Value::Null);
    }
    let patch = json!({ "metadata": { "labels": labels } });
    op.call(
        "label",
        op.target
            .api()
            .patch(&op.target.name, &params(), &Patch::Merge(&patch)),
    )
    .await?;
    Ok(())
}

/// Applies taint changes to one node.
pub async fn change_taints(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    name: &str,
    changes: &TaintChanges,
) -> Result<OperationOutcome, ResourceError> {
    validate_taints(changes)?;
    let op = Operation::start(
        registry,
        actor,
        cluster,
        &node(name),
        &[NODES],
        actions::TAINTS,
    )
    .await?;
    let outcome = async {
        op.writable()?;
        taint(&op, changes).await
    }
    .await;
    op.finish(
        outcome,
        |()| json!({ "set": changes.set, "remove": changes.remove }),
    )
    .await?;
    Ok(OperationOutcome {
        message: format!("Taints of node {} changed.", op.target.name),
    })
}

async fn taint(op: &Operation<'_>, changes: &TaintChanges) -> Result<(), ResourceError> {
    let nodes: kube::Api<Node> = kube::Api::all(op.target.client.clone());
    for attempt in 1..=TAINT_ATTEMPTS {
        let live = op.call("read", nodes.get(&op.target.name)).await?;
        let version = live.metadata.resource_version.clone().unwrap_or_default();
        let current: Vec<Value> = live
            .spec
            .and_then(|s| s.taints)
            .unwrap_or_default()
            .into_iter()
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null))
            .collect();
        let taints = apply_taints(current, changes);
        let patch = json!({
            "metadata": { "resourceVersion": version },
            "spec": { "taints": taints },
        });
        let written = op
            .call(
                "taint",
                op.target
                    .api()
                    .patch(&op.target.name, &params(), &Patch::Merge(&patch)),
            )
            .await;
        match written {
            Err(ResourceError::Rejected { code: 409, .. }) if attempt < TAINT_ATTEMPTS => continue,
            Err(e) => return Err(e),
            Ok(_) => return Ok(()),
        }
    }
    Ok(())
}

/// The node's taints after `changes`: removed ones dropped, set ones replacing the taint with
/// the same key and effect (or appended).
fn apply_taints(current: Vec<Value>, changes: &TaintChanges) -> Vec<Value> {
    let same = |t: &Value, key: &str, effect: &str| {
        t.get("key").and_then(Value::as_str) == Some(key)
            && t.get("effect").and_then(Value::as_str) == Some(effect)
    };
    let mut taints: Vec<Value> = current
        .into_iter()
        .filter(|t| {
            !changes
                .remove
                .iter()
                .any(|r| same(t, &r.key, r.effect.as_str()))
        })
        .collect();
    for Taint { key, value, effect } in &changes.set {
        let mut taint = json!({ "key": key, "effect": effect.as_str() });
        if !value.is_empty() {
            taint["value"] = json!(value);
        }
        match taints.iter_mut().find(|t| same(t, key, effect.as_str())) {
            Some(existing) => *existing = taint,
            None => taints.push(taint),
        }
    }
    taints
}

/// One change to many nodes.
#[derive(Debug, Clone)]
pub enum BulkChange {
    Cordon(bool),
    Labels(LabelChanges),
    Taints(TaintChanges),
}

/// Applies `change` to every node in `names`, one after another, and says how each went. The
/// request is refused as a whole only when it is malformed; a node that fails does not stop
/// the others.
pub async fn bulk(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    names: &[String],
    change: &BulkChange,
) -> Result<Vec<NodeResult>, ResourceError> {
    if names.is_empty() {
        return Err(invalid("nodes", "Pick at least one node."));
    }
    if names.len() > MAX_BULK_NODES {
        return Err(invalid(
            "nodes",
            format!("Pick at most {MAX_BULK_NODES} nodes at once."),
        ));
    }
    match change {
        BulkChange::Labels(c) => validate_labels(c)?,
        BulkChange::Taints(c) => validate_taints(c)?,
        BulkChange::Cordon(_) => {}
    }
    let mut unique = BTreeSet::new();
    let mut results = Vec::with_capacity(names.len());
    for name in names {
        if !unique.insert(name.as_str()) {
            continue;
        }
        let done = match change {
            BulkChange::Cordon(c) => set_cordoned(registry, actor, cluster, name, *c).await,
            BulkChange::Labels(c) => change_labels(registry, actor, cluster, name, c).await,
            BulkChange::Taints(c) => change_taints(registry, actor, cluster, name, c).await,
        };
        results.push(match done {
            Ok(outcome) => NodeResult {
                node: name.clone(),
                ok: true,
                message: outcome.message,
            },
            // The audit log must hold; without it nothing more is done.
            Err(ResourceError::Database(e)) => return Err(ResourceError::Database(e)),
            Err(e) => NodeResult {
                node: name.clone(),
                ok: false,
                message: model::AppError::from(e).message,
            },
        });
    }
    Ok(results)
}
