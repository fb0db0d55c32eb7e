//! Pods as `kubectl get pods` prints them: READY `1/2`, STATUS with the reason kubectl shows
//! (CrashLoopBackOff, Init:0/1, Completed, Terminating, …), RESTARTS, AGE, IP and NODE.

use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::{Obj, arr, col, i, s};

pub(super) fn columns() -> Vec<Column> {
    vec![
        col("ready", "Ready", ColumnType::Number, 0),
        col("status", "Status", ColumnType::Status, 0),
        col("restarts", "Restarts", ColumnType::Number, 0),
        col("age", "Age", ColumnType::Age, 0),
        col("ip", "IP", ColumnType::Text, 1),
        col("node", "Node", ColumnType::Text, 1),
    ]
}

pub(super) fn cells(o: &Obj) -> (Vec<String>, Tone) {
    let summary = summarise(o.data, o.meta.deletion_timestamp.is_some());
    let tone = tone(&summary);
    (
        vec![
            format!("{}/{}", summary.ready, summary.total),
            summary.status,
            summary.restarts.to_string(),
            o.created_cell(),
            s(o.data, "/status/podIP").to_string(),
            s(o.data, "/spec/nodeName").to_string(),
        ],
        tone,
    )
}

/// What the READY, STATUS and RESTARTS columns say about a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodSummary {
    pub ready: usize,
    pub total: usize,
    pub status: String,
    pub restarts: i64,
    /// The pod's phase, for the tone.
    pub phase: String,
}

/// kubectl's reading of a pod's status (printers.go `printPod`), from its JSON.
pub(crate) fn summarise(pod: &Value, deleting: bool) -> PodSummary {
    let phase = s(pod, "/status/phase").to_string();
    let mut status = match s(pod, "/status/reason") {
        "" => phase.clone(),
        reason => reason.to_string(),
    };
    let init_specs = arr(pod, "/spec/initContainers");
    // Sidecars (init containers that restart always) count as containers of the pod.
    let sidecar = |name: &str| {
        init_specs.iter().any(|c| {
            c.get("name").and_then(Value::as_str) == Some(name)
                && c.get("restartPolicy").and_then(Value::as_str) == Some("Always")
        })
    };
    let sidecars = init_specs
        .iter()
        .filter(|c| c.get("restartPolicy").and_then(Value::as_str) == Some("Always"))
        .count();
    let mut total = arr(pod, "/spec/containers").len() + sidecars;
    let mut ready = 0;
    let mut restarts = 0;
    let mut initializing = false;

    for (index, c) in arr(pod, "/status/initContainerStatuses").iter().enumerate() {
        restarts += i(c, "/restartCount").unwrap_or(0);
        let name = s(c, "/name");
        let terminated = c.pointer("/state/terminated");
        let waiting_reason = s(c, "/state/waiting/reason");
        if terminated.is_some_and(|t| i(t, "/exitCode") == Some(0)) {
            continue;
        }
        if sidecar(name) && c.get("started").and_then(Value::as_bool) == Some(true) {
            if c.get("ready").and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        initializing = true;
        status = if let Some(t) = terminated {
            match s(t, "/reason") {
                "" => match i(t, "/signal").unwrap_or(0) {
                    0 => format!("Init:ExitCode:{}", i(t, "/exitCode").unwrap_or(0)),
                    signal => format!("Init:Signal:{signal}"),
                },
                reason => format!("Init:{reason}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{index}/{}", init_specs.len())
        };
        break;
    }

    let initialized = arr(pod, "/status/conditions").iter().any(|c| {
        c.get("type").and_then(Value::as_str) == Some("Initialized")
            && c.get("status").and_then(Value::as_str) == Some("True")
    });
    if !initializing || initialized {
        let mut has_running = false;
        for c in arr(pod, "/status/containerStatuses").iter().rev() {
            restarts += i(c, "/restartCount").unwrap_or(0);
            let waiting_reason = s(c, "/state/waiting/reason");
            let terminated = c.pointer("/state/terminated");
            if !waiting_reason.is_empty() {
                status = waiting_reason.to_string();
            } else if let Some(t) = terminated {
                status = match s(t, "/reason") {
                    "" => match i(t, "/signal").unwrap_or(0) {
                        0 => format!("ExitCode:{}", i(t, "/exitCode").unwrap_or(0)),
                        signal => format!("Signal:{signal}"),
                    },
                    reason => reason.to_string(),
                };
            } else if c.get("ready").and_then(Value::as_bool) == Some(true)
                && c.pointer("/state/running").is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        // A pod whose last container finished but another still runs is Running, not Completed.
        if status == "Completed" && has_running {
            let pod_ready = arr(pod, "/status/conditions").iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Ready")
                    && c.get("status").and_then(Value::as_str) == Some("True")
            });
            status = if pod_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    if deleting {
        status = if s(pod, "/status/reason") == "NodeLost" {
            "Unknown".into()
        } else if phase == "Succeeded" || phase == "Failed" {
            status
        } else {
            "Terminating".into()
        };
    }
    if status.is_empty() {
        status = "Unknown".into();
    }
    total = total.max(ready);
    PodSummary {
        ready,
        total,
        status,
        restarts,
        phase,
    }
}

/// Good when running and ready, Warning while starting or stopping, Bad on failure.
pub(crate) fn tone(p: &PodSummary) -> Tone {
    match p.status.as_str() {
        "Running" if p.ready == p.total => Tone::Good,
        "Running" | "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating"
        | "NotReady" => Tone::Warning,
        "Completed" | "Succeeded" => Tone::Neutral,
        s if s.starts_with("Init:") && s[5..].contains('/') => Tone::Warning,
        _ => Tone::Bad,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(status: Value) -> Value {
        json!({
            "spec": {"containers": [{"name": "app"}, {"name": "proxy"}]},
            "status": status,
        })
    }

    fn running(name: &str, ready: bool, restarts: i64) -> Value {
        json!({"name": name, "ready": ready, "restartCount": restarts, "state": {"running": {}}})
    }

    #[test]
    fn a_running_ready_pod_is_good() {
        let p = summarise(
            &pod(
                json!({"phase": "Running", "containerStatuses": [running("app", true, 1), running("proxy", true, 2)]}),
            ),
            false,
        );
        assert_eq!((p.ready, p.total, p.restarts), (2, 2, 3));
        assert_eq!(p.status, "Running");
        assert_eq!(tone(&p), Tone::Good);
    }

    #[test]
    fn a_waiting_container_gives_its_reason() {
        let p = summarise(
            &pod(json!({"phase": "Running", "containerStatuses": [
                running("app", true, 0),
                {"name": "proxy", "ready": false, "restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
            ]})),
            false,
        );
        assert_eq!(p.status, "CrashLoopBackOff");
        assert_eq!((p.ready, p.total, p.restarts), (1, 2, 5));
        assert_eq!(tone(&p), Tone::Bad);
        let pulling = summarise(
            &pod(json!({"phase": "Pending", "containerStatuses": [
                {"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff"}}},
            ]})),
            false,
        );
        assert_eq!(pulling.status, "ImagePullBackOff");
        assert_eq!(tone(&pulling), Tone::Bad);
    }

    #[test]
    fn pending_and_creating_pods_are_warnings() {
        let p = summarise(&pod(json!({"phase": "Pending"})), false);
        assert_eq!((p.status.as_str(), p.ready, p.total), ("Pending", 0, 2));
        assert_eq!(tone(&p), Tone::Warning);
        let creating = summarise(
            &pod(json!({"phase": "Pending", "containerStatuses": [
                {"name": "app", "ready": false, "state": {"waiting": {"reason": "ContainerCreating"}}},
            ]})),
            false,
        );
        assert_eq!(creating.status, "ContainerCreating");
        assert_eq!(tone(&creating), Tone::Warning);
    }

    #[test]
    fn terminated_containers_show_reason_or_exit_code() {
        let done = summarise(
            &json!({"spec": {"containers": [{"name": "job"}]}, "status": {"phase": "Succeeded", "containerStatuses": [
                {"name": "job", "ready": false, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
            ]}}),
            false,
        );
        assert_eq!(done.status, "Completed");
        assert_eq!(tone(&done), Tone::Neutral);
        let code = summarise(
            &json!({"spec": {"containers": [{"name": "job"}]}, "status": {"phase": "Failed", "containerStatuses": [
                {"name": "job", "state": {"terminated": {"exitCode": 3}}},
            ]}}),
            false,
        );
        assert_eq!(code.status, "ExitCode:3");
        assert_eq!(tone(&code), Tone::Bad);
    }

    #[test]
    fn init_containers_show_progress_and_failures() {
        let base = |init_status: Value| {
            json!({
                "spec": {"initContainers": [{"name": "migrate"}, {"name": "seed"}], "containers": [{"name": "app"}]},
                "status": {"phase": "Pending", "initContainerStatuses": init_status},
            })
        };
        let progress = summarise(
            &base(json!([
                {"name": "migrate", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                {"name": "seed", "state": {"running": {}}},
            ])),
            false,
        );
        assert_eq!(progress.status, "Init:1/2");
        assert_eq!(tone(&progress), Tone::Warning);
        let failing = summarise(
            &base(json!([
                {"name": "migrate", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
            ])),
            false,
        );
        assert_eq!(failing.status, "Init:CrashLoopBackOff");
        assert_eq!(failing.restarts, 4);
        assert_eq!(tone(&failing), Tone::Bad);
    }

    #[test]
    fn sidecars_count_as_containers() {
        let p = summarise(
            &json!({
                "spec": {"initContainers": [{"name": "mesh", "restartPolicy": "Always"}], "containers": [{"name": "app"}]},
                "status": {"phase": "Running",
                    "conditions": [{"type": "Initialized", "status": "True"}],
                    "initContainerStatuses": [{"name": "mesh", "started": true, "ready": true, "state": {"running": {}}}],
                    "containerStatuses": [running("app", true, 0)]},
            }),
            false,
        );
        assert_eq!((p.ready, p.total, p.status.as_str()), (2, 2, "Running"));
    }

    #[test]
    fn deleted_pods_are_terminating_unless_finished() {
        let p = summarise(
            &pod(json!({"phase": "Running", "containerStatuses": [running("app", true, 0)]})),
            true,
        );
        assert_eq!(p.status, "Terminating");
        assert_eq!(tone(&p), Tone::Warning);
        let lost = summarise(
            &pod(json!({"phase": "Running", "reason": "NodeLost"})),
            true,
        );
        assert_eq!(lost.status, "Unknown");
    }

    #[test]
    fn evicted_pods_show_the_pod_reason() {
        let p = summarise(&pod(json!({"phase": "Failed", "reason": "Evicted"})), false);
        assert_eq!(p.status, "Evicted");
        assert_eq!(tone(&p), Tone::Bad);
    }
}
