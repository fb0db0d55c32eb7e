//! Writing a pod's `status` from its replayed containers: phase, conditions, container statuses with
//! state/lastState/restartCount, in the shapes kubectl and the console read.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::plan::{PodPlan, PodSnapshot};
use super::timeline::{ContainerPlan, Snapshot, State};
use crate::behaviour::noise::{mix, seed_of};

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `nginx:1.27` → `docker.io/library/nginx:1.27`, as the container runtime reports images.
pub fn qualified_image(image: &str) -> String {
    let with_tag = if image
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains(':') || last.contains('@'))
    {
        image.to_owned()
    } else {
        format!("{image}:latest")
    };
    let first = with_tag.split('/').next().unwrap_or_default();
    if !with_tag.contains('/') {
        format!("docker.io/library/{with_tag}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        with_tag
    } else {
        format!("docker.io/{with_tag}")
    }
}

fn state_json(state: &State) -> Value {
    match state {
        State::Waiting { reason, message } => {
            let mut w = json!({ "reason": reason });
            if let Some(m) = message {
                w["message"] = json!(m);
            }
            json!({ "waiting": w })
        }
        State::Running { started } => json!({ "running": { "startedAt": time(started) } }),
        State::Terminated {
            exit_code,
            reason,
            started,
            finished,
        } => json!({ "terminated": {
            "exitCode": exit_code, "reason": reason, "startedAt": time(started), "finishedAt": time(finished),
        }}),
    }
}

fn container_status(plan: &ContainerPlan, snap: &Snapshot, pod_uid: &str) -> Value {
    let image = qualified_image(&plan.image);
    let digest = format!(
        "{:016x}{:016x}",
        mix(seed_of(&image), 1),
        mix(seed_of(&image), 2)
    );
    let mut status = json!({
        "name": plan.name,
        "image": image,
        "imageID": "",
        "ready": snap.ready,
        "restartCount": snap.restart_count,
        "started": matches!(snap.state, State::Running { .. }),
        "state": state_json(&snap.state),
        "lastState": snap.last.as_ref().map_or(json!({}), |r| state_json(&r.as_state())),
    });
    let created = !matches!(snap.state, State::Waiting { .. }) || snap.last.is_some();
    if created {
        let base = image.split([':', '@']).next().unwrap_or(&image).to_owned();
        status["imageID"] = json!(format!("{base}@sha256:{digest}{digest}"));
        let id = mix(
            seed_of(pod_uid) ^ seed_of(&plan.name),
            snap.restart_count as u64,
        );
        status["containerID"] = json!(format!(
            "containerd://{id:016x}{:016x}{id:016x}{:016x}",
            !id,
            id.rotate_left(17)
        ));
    }
    status
}

fn condition(kind: &str, ok: bool, since: &str, reason: Option<&str>) -> Value {
    let mut c = json!({ "type": kind, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": since });
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    c
}

/// The pod phase from its containers.
pub fn phase(snap: &PodSnapshot) -> &'static str {
    if snap
        .init
        .iter()
        .any(|c| c.done.is_some_and(|code| code != 0))
    {
        return "Failed";
    }
    if !snap.initialized {
        return "Pending";
    }
    if !snap.main.is_empty() && snap.main.iter().all(|c| c.done.is_some()) {
        return if snap.main.iter().all(|c| c.done == Some(0)) {
            "Succeeded"
        } else {
            "Failed"
        };
    }
    let started = snap
        .main
        .iter()
        .any(|c| !matches!(c.state, State::Waiting { .. }) || c.last.is_some());
    if started { "Running" } else { "Pending" }
}

/// Identity facts the status carries besides container states.
pub struct Addresses<'a> {
    pub pod_ip: &'a str,
    pub host_ip: &'a str,
}

/// Builds the complete status. `previous` is the stored status, whose PodScheduled condition (written by
/// the scheduler) and transition times are kept when nothing changed.
pub fn pod_status(
    plan: &PodPlan,
    snap: &PodSnapshot,
    pod_uid: &str,
    addresses: &Addresses<'_>,
    previous: Option<&Value>,
) -> Value {
    let phase = phase(snap);
    let ready = phase == "Running" && snap.main.iter().all(|c| c.ready);
    let now = time(&Utc::now());
    let previous_conditions = previous
        .and_then(|p| p.get("conditions"))
        .and_then(Value::as_array);
    let since = |kind: &str, ok: bool| -> String {
        previous_conditions
            .and_then(|cs| {
                cs.iter()
                    .find(|c| c["type"] == kind && c["status"] == if ok { "True" } else { "False" })
            })
            .and_then(|c| c["lastTransitionTime"].as_str())
            .map_or_else(|| now.clone(), str::to_owned)
    };
    let completed = matches!(phase, "Succeeded" | "Failed");
    let not_ready_reason = if completed {
        Some("PodCompleted")
    } else {
        Some("ContainersNotReady")
    };
    let mut conditions = vec![
        condition(
            "PodReadyToStartContainers",
            true,
            &since("PodReadyToStartContainers", true),
            None,
        ),
        condition(
            "Initialized",
            snap.initialized,
            &since("Initialized", snap.initialized),
            (!snap.initialized).then_some("ContainersNotInitialized"),
        ),
        condition(
            "Ready",
            ready,
            &since("Ready", ready),
            if ready { None } else { not_ready_reason },
        ),
        condition(
            "ContainersReady",
            ready,
            &since("ContainersReady", ready),
            if ready { None } else { not_ready_reason },
        ),
    ];
    let scheduled = previous_conditions
        .and_then(|cs| cs.iter().find(|c| c["type"] == "PodScheduled").cloned())
        .unwrap_or_else(|| condition("PodScheduled", true, &now, None));
    conditions.push(scheduled);
    let mut status = json!({
        "phase": phase,
        "conditions": conditions,
        "hostIP": addresses.host_ip,
        "hostIPs": [{ "ip": addresses.host_ip }],
        "podIP": addresses.pod_ip,
        "podIPs": [{ "ip": addresses.pod_ip }],
        "startTime": time(&plan.begin),
        "qosClass": previous.and_then(|p| p.get("qosClass")).cloned().unwrap_or_else(|| json!("BestEffort")),
        "containerStatuses": plan.main.iter().zip(&snap.main).map(|(p, s)| container_status(p, s, pod_uid)).collect::<Vec<_>>(),
    });
    if !plan.init.is_empty() {
        status["initContainerStatuses"] = json!(
            plan.init
                .iter()
                .zip(&snap.init)
                .map(|(p, s)| container_status(p, s, pod_uid))
                .collect::<Vec<_>>()
        );
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_reported_fully_qualified() {
        assert_eq!(qualified_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            qualified_image("bitnami/redis:7"),
            "docker.io/bitnami/redis:7"
        );
        assert_eq!(
            qualified_image("registry.k8s.io/pause:3.10"),
            "registry.k8s.io/pause:3.10"
        );
    }
}
