//! A Deployment's status from its ReplicaSets: the counts and the Available/Progressing conditions that
//! `kubectl rollout status` reads (it waits for updated == replicas == available at the observed
//! generation).

use serde_json::{Value, json};

use super::{replicas, status_int};
use crate::behaviour::controllers::rollout::resolve;
use crate::behaviour::object;

/// The status for `deploy` whose current ReplicaSet is `current`, among all its `sets`, at time `now`.
/// Conditions keep their transition times while their status does not change.
pub fn deployment_status(
    deploy: &Value,
    current: Option<&Value>,
    sets: &[std::sync::Arc<Value>],
    now: &str,
) -> Value {
    let desired = replicas(deploy);
    let sum = |field: &str| sets.iter().map(|rs| status_int(rs, field)).sum::<i64>();
    let (total, ready, available) = (
        sum("replicas"),
        sum("readyReplicas"),
        sum("availableReplicas"),
    );
    let updated = current.map_or(0, |rs| status_int(rs, "replicas"));
    let unavailable_allowed = resolve(
        deploy.pointer("/spec/strategy/rollingUpdate/maxUnavailable"),
        desired,
        false,
        25,
    );
    let paused = deploy
        .pointer("/spec/paused")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let complete = updated == desired && total == desired && available >= desired;
    let previous = deploy
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let condition = |kind: &str, status: &str, reason: &str, message: String| {
        let same = previous
            .iter()
            .find(|c| c["type"] == kind && c["status"] == status);
        let since = same
            .and_then(|c| c["lastTransitionTime"].as_str())
            .unwrap_or(now);
        let updated_at = match same.filter(|c| c["reason"] == reason) {
            Some(c) => c["lastUpdateTime"].as_str().unwrap_or(now),
            None => now,
        };
        json!({"type": kind, "status": status, "reason": reason, "message": message, "lastTransitionTime": since, "lastUpdateTime": updated_at})
    };
    let rs_name = current.map(object::name).unwrap_or_default();
    let progressing = if paused {
        condition(
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".into(),
        )
    } else if complete {
        condition(
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
        )
    } else {
        condition(
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            format!("ReplicaSet \"{rs_name}\" is progressing."),
        )
    };
    let available_condition = if available >= desired - unavailable_allowed {
        condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
        )
    } else {
        condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
        )
    };
    let mut status = json!({
        "observedGeneration": object::int_at(deploy, "/metadata/generation").unwrap_or(1),
        "replicas": total,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": available,
        "conditions": [available_condition, progressing],
    });
    if total > available || desired > available {
        status["unavailableReplicas"] = json!((total.max(desired) - available).max(0));
    }
    status
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn rs(replicas: i64, available: i64) -> Arc<Value> {
        Arc::new(
            json!({"metadata": {"name": "web-abc"}, "status": {"replicas": replicas, "readyReplicas": available, "availableReplicas": available}}),
        )
    }

    #[test]
    fn a_finished_rollout_reports_complete_counts_and_conditions() {
        let deploy = json!({"metadata": {"generation": 2}, "spec": {"replicas": 3}});
        let current = rs(3, 3);
        let status = deployment_status(
            &deploy,
            Some(&current),
            &[current.clone(), rs(0, 0)],
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(status["observedGeneration"], 2);
        assert_eq!(
            (
                status["updatedReplicas"].as_i64(),
                status["availableReplicas"].as_i64()
            ),
            (Some(3), Some(3))
        );
        assert_eq!(status["conditions"][1]["reason"], "NewReplicaSetAvailable");
        assert!(status.get("unavailableReplicas").is_none());
    }

    #[test]
    fn a_rollout_in_progress_counts_old_and_new_pods() {
        let deploy = json!({"metadata": {"generation": 2}, "spec": {"replicas": 3}});
        let current = rs(1, 0);
        let status = deployment_status(
            &deploy,
            Some(&current),
            &[current.clone(), rs(3, 3)],
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(status["replicas"], 4);
        assert_eq!(status["updatedReplicas"], 1);
        assert_eq!(status["unavailableReplicas"], 1);
        assert_eq!(status["conditions"][1]["reason"], "ReplicaSetUpdated");
    }
}
