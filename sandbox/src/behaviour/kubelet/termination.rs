//! Graceful termination: a pod with a deletionTimestamp gets Killing events, its containers stop (at
//! once for a process that honours SIGTERM, at the grace deadline with exit 137 for a shell running
//! `sleep`), its status shows them terminated, and the kubelet then removes it with grace period 0.

use std::cmp::Reverse;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

use super::plan::PodPlan;
use super::{Kubelet, PodKey, Tracked, timeline};
use crate::behaviour::events::EventType;
use crate::behaviour::object::{self, kinds};
use crate::behaviour::program::program_for;
use crate::store::{DeleteOptions, WriteOptions};

/// The status of a pod whose running containers just stopped with `exit_code` at `at`.
pub fn terminated_status(status: &Value, exit_code: i32, at: DateTime<Utc>) -> Value {
    let mut status = status.clone();
    let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let reason = if exit_code == 0 { "Completed" } else { "Error" };
    let mut all_zero = true;
    for c in status["containerStatuses"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        if let Some(started) = c.pointer("/state/running/startedAt").cloned() {
            c["state"] = json!({"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": started, "finishedAt": at}});
        }
        all_zero &= c
            .pointer("/state/terminated/exitCode")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            == 0;
        c["ready"] = json!(false);
        c["started"] = json!(false);
    }
    for condition in status["conditions"].as_array_mut().into_iter().flatten() {
        if condition["type"] == "Ready" || condition["type"] == "ContainersReady" {
            condition["status"] = json!("False");
            condition["reason"] = json!("PodCompleted");
            condition["lastTransitionTime"] = json!(at);
        }
    }
    status["phase"] = json!(if all_zero { "Succeeded" } else { "Failed" });
    status
}

impl Kubelet {
    /// A pod got a deletionTimestamp: stop its containers, then remove it once they are down or the grace
    /// period is over.
    pub(super) fn begin_termination(&mut self, pod: &Arc<Value>, key: PodKey, known: bool) {
        let grace = object::int_at(pod, "/metadata/deletionGracePeriodSeconds")
            .or_else(|| object::int_at(pod, "/spec/terminationGracePeriodSeconds"))
            .unwrap_or(30)
            .max(0) as u64;
        if known
            && let Some(tracked) = self.tracked.get_mut(&key)
            && let Some(at) = tracked.remove_at
        {
            // Already stopping. A second delete can only shorten the grace period
            // (`kubectl delete --grace-period=1` after a long one), so pull the deadline in if it did.
            let scaled = self.timings.scaled(Duration::from_secs(grace));
            let deadline = Utc::now() + TimeDelta::from_std(scaled).unwrap_or_default();
            if deadline < at {
                tracked.remove_at = Some(deadline);
                self.wakeups.push(Reverse((deadline, key)));
            }
            return;
        }
        let phase = object::str_at(pod, "/status/phase").unwrap_or("Pending");
        let containers = object::typed::<Pod>(pod)
            .and_then(|p| p.spec)
            .map(|s| s.containers)
            .unwrap_or_default();
        let stubborn = containers.iter().any(|c| {
            let (command, args) = (
                c.command.as_deref().unwrap_or_default(),
                c.args.as_deref().unwrap_or_default(),
            );
            program_for(c.image.as_deref().unwrap_or_default(), command, args).ignores_sigterm
        });
        let (wait, exit_code) = if matches!(phase, "Succeeded" | "Failed") || grace == 0 {
            (Duration::ZERO, 0)
        } else if stubborn {
            (self.timings.scaled(Duration::from_secs(grace)), 137)
        } else {
            (
                self.timings.graceful_exit().min(Duration::from_secs(grace)),
                0,
            )
        };
        let node = object::str_at(pod, "/spec/nodeName")
            .unwrap_or_default()
            .to_owned();
        if phase == "Running" {
            for c in &containers {
                let path = format!("spec.containers{{{}}}", c.name);
                let message = format!("Stopping container {}", c.name);
                self.recorder.record_detailed(
                    pod,
                    EventType::Normal,
                    "Killing",
                    &message,
                    Some(&path),
                    Some(&node),
                    Utc::now(),
                );
            }
        }
        let remove_at = Utc::now() + TimeDelta::from_std(wait).unwrap_or_default();
        let entry = self.tracked.entry(key.clone()).or_insert_with(|| Tracked {
            uid: object::uid(pod).to_owned(),
            plan: PodPlan {
                begin: Utc::now(),
                restart: timeline::Restart::Never,
                init: Vec::new(),
                main: Vec::new(),
            },
            pod_ip: String::new(),
            host_ip: String::new(),
            node,
            reported_until: Utc::now(),
            remove_at: None,
            exit_code,
        });
        entry.remove_at = Some(remove_at);
        entry.exit_code = exit_code;
        self.wakeups.push(Reverse((remove_at, key)));
    }

    /// The containers are down: show them terminated, then remove the pod for good (grace period 0).
    pub(super) fn finish_termination(&mut self, key: &PodKey) {
        let Some(tracked) = self.tracked.remove(key) else {
            return;
        };
        let uid = tracked.uid.clone();
        let _ = self.store.modify(
            &kinds::pods(),
            Some(&key.0),
            &key.1,
            |pod| {
                if object::uid(pod) != uid {
                    return Err(crate::SandboxError::BadRequest("pod was replaced".into()));
                }
                if pod.get("status").is_some_and(Value::is_object) {
                    pod["status"] =
                        terminated_status(&pod["status"], tracked.exit_code, Utc::now());
                }
                Ok(())
            },
            &WriteOptions::manager("kubelet"),
        );
        let opts = DeleteOptions {
            grace_period_seconds: Some(0),
            precondition_uid: Some(tracked.uid),
            ..DeleteOptions::default()
        };
        // Gone already, replaced by a new pod of the same name, or held by a finalizer: nothing more to do.
        let _ = self
            .store
            .delete(&kinds::pods(), Some(&key.0), &key.1, &opts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopped_containers_show_terminated_and_the_pod_finished() {
        let status = json!({
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "web", "ready": true, "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}],
        });
        let killed = terminated_status(&status, 137, Utc::now());
        assert_eq!(killed["phase"], "Failed");
        assert_eq!(
            killed["containerStatuses"][0]["state"]["terminated"]["exitCode"],
            137
        );
        assert_eq!(killed["conditions"][0]["status"], "False");
        assert_eq!(
            terminated_status(&status, 0, Utc::now())["phase"],
            "Succeeded"
        );
    }
}
