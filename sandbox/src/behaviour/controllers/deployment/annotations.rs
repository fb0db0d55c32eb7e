//! The annotations the Deployment controller keeps on its ReplicaSets, as kube-controller-manager does
//! (`SetNewReplicaSetAnnotations`): the new ReplicaSet carries the Deployment's own annotations, so a
//! `kubernetes.io/change-cause` set on the Deployment is what `kubectl rollout history` shows for that
//! revision, and a ReplicaSet brought back by a rollback keeps the revisions it held before in
//! `deployment.kubernetes.io/revision-history`.

use serde_json::{Map, Value, json};

/// The revision a ReplicaSet (and its Deployment) stands for.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// Earlier revisions of a ReplicaSet that a rollback made current again, comma separated.
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// `spec.replicas` of the Deployment when the ReplicaSet was last scaled.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// `spec.replicas` plus maxSurge at that time.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";

/// Deployment annotations that are not copied: the controller's own bookkeeping and kubectl's
/// last-applied state (kubectl's `rollout undo` copies the others back from a ReplicaSet).
const NOT_COPIED: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

fn revision_in(annotations: &Map<String, Value>) -> Option<i64> {
    annotations
        .get(REVISION)
        .and_then(Value::as_str)
        .and_then(|r| r.parse().ok())
}

/// The annotations of `deploy`'s new ReplicaSet, which has `current` now, once it stands for `revision`.
/// A revision is only ever raised; raising one the ReplicaSet already had (a rollback) appends the old
/// number to its revision history.
pub fn new_replica_set_annotations(
    deploy: &Value,
    current: &Map<String, Value>,
    revision: i64,
) -> Map<String, Value> {
    let mut out = current.clone();
    let own = deploy
        .pointer("/metadata/annotations")
        .and_then(Value::as_object);
    for (key, value) in own.into_iter().flatten() {
        if !NOT_COPIED.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        }
    }
    match revision_in(current) {
        Some(old) if old >= revision => {}
        Some(old) => {
            let history = current
                .get(REVISION_HISTORY)
                .and_then(Value::as_str)
                .unwrap_or_default();
            let history = if history.is_empty() {
                old.to_string()
            } else {
                format!("{history},{old}")
            };
            out.insert(REVISION_HISTORY.into(), json!(history));
            out.insert(REVISION.into(), json!(revision.to_string()));
        }
        None => {
            out.insert(REVISION.into(), json!(revision.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_change_cause_is_copied_but_bookkeeping_is_not() {
        let deploy = json!({"metadata": {"annotations": {
            "kubernetes.io/change-cause": "bump to 1.26",
            REVISION: "7",
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
        }}});
        let out = new_replica_set_annotations(&deploy, &Map::new(), 3);
        assert_eq!(out["kubernetes.io/change-cause"], "bump to 1.26");
        assert_eq!(out[REVISION], "3");
        assert!(!out.contains_key("kubectl.kubernetes.io/last-applied-configuration"));
    }

    #[test]
    fn a_rollback_raises_the_revision_and_remembers_the_old_ones() {
        let deploy = json!({"metadata": {}});
        let once = new_replica_set_annotations(&deploy, &map(json!({REVISION: "1"})), 4);
        assert_eq!(
            (once[REVISION].as_str(), once[REVISION_HISTORY].as_str()),
            (Some("4"), Some("1"))
        );
        let twice = new_replica_set_annotations(&deploy, &once, 6);
        assert_eq!(twice[REVISION_HISTORY], "1,4");
        let same = new_replica_set_annotations(&deploy, &twice, 6);
        assert_eq!(same, twice, "a settled ReplicaSet needs no write");
    }
}
