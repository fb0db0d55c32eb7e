//! Which run of which container a log request reads: the container named (or the only one), its current
//! run or, with `previous`, the one before the last restart; with the API server's error messages when
//! that cannot be answered.

use serde_json::Value;

use super::window::RunLog;
use crate::SandboxError;
use crate::behaviour::noise::seed_of;
use crate::behaviour::object::{self, parse_time};
use crate::behaviour::program::program_for;

fn names(pod: &Value, list: &str) -> Vec<String> {
    pod.pointer(&format!("/spec/{list}"))
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Resolves the `container` parameter: required when the pod has several containers.
pub fn container_name(pod: &Value, requested: Option<&str>) -> Result<String, SandboxError> {
    let main = names(pod, "containers");
    let init = names(pod, "initContainers");
    let pod_name = object::name(pod);
    match requested.filter(|c| !c.is_empty()) {
        Some(c) if main.iter().chain(&init).any(|n| n == c) => Ok(c.to_owned()),
        Some(c) => Err(SandboxError::BadRequest(format!(
            "container {c} is not valid for pod {pod_name}"
        ))),
        None if main.len() == 1 => Ok(main[0].clone()),
        None => {
            let mut message = format!(
                "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                main.join(" ")
            );
            if !init.is_empty() {
                message.push_str(&format!(
                    " or one of the init containers: [{}]",
                    init.join(" ")
                ));
            }
            Err(SandboxError::BadRequest(message))
        }
    }
}

fn spec_of<'a>(pod: &'a Value, container: &str) -> Option<&'a Value> {
    ["containers", "initContainers"]
        .iter()
        .filter_map(|list| {
            pod.pointer(&format!("/spec/{list}"))
                .and_then(Value::as_array)
        })
        .flatten()
        .find(|c| c["name"] == container)
}

fn status_of<'a>(pod: &'a Value, container: &str) -> Option<&'a Value> {
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|list| {
            pod.pointer(&format!("/status/{list}"))
                .and_then(Value::as_array)
        })
        .flatten()
        .find(|c| c["name"] == container)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The run a log request reads.
pub fn run_for(pod: &Value, container: &str, previous: bool) -> Result<RunLog, SandboxError> {
    let pod_name = object::name(pod);
    let spec = spec_of(pod, container).ok_or_else(|| {
        SandboxError::BadRequest(format!(
            "container {container} is not valid for pod {pod_name}"
        ))
    })?;
    let program = program_for(
        spec["image"].as_str().unwrap_or_default(),
        &strings(spec.get("command")),
        &strings(spec.get("args")),
    );
    let status = status_of(pod, container);
    let restarts = status
        .and_then(|s| s["restartCount"].as_i64())
        .unwrap_or(0)
        .max(0) as u64;
    let state = status.map(|s| &s["state"]);
    let last = status
        .map(|s| &s["lastState"]["terminated"])
        .filter(|t| t.is_object());
    let waiting_reason = state.and_then(|s| s["waiting"]["reason"].as_str());
    let seed = seed_of(object::uid(pod)) ^ seed_of(container);
    let run =
        |seed_index: u64, started: Option<&Value>, finished: Option<&Value>| -> Option<RunLog> {
            Some(RunLog {
                seed: seed ^ seed_index.wrapping_mul(0x9E37_79B9),
                component: container.to_owned(),
                program: program.clone(),
                started: parse_time(started?.as_str()?)?,
                finished: finished.and_then(Value::as_str).and_then(parse_time),
            })
        };
    if previous {
        // While backing off, the last terminated run is both "current" and "previous", as on a kubelet.
        let index = if waiting_reason.is_some() {
            restarts
        } else {
            restarts.saturating_sub(1)
        };
        return last
            .and_then(|t| run(index, t.get("startedAt"), t.get("finishedAt")))
            .ok_or_else(|| {
                SandboxError::BadRequest(format!(
                    "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
                ))
            });
    }
    if let Some(running) = state.map(|s| &s["running"]).filter(|r| r.is_object()) {
        return run(restarts, running.get("startedAt"), None)
            .ok_or_else(|| SandboxError::Internal("container start time unreadable".into()));
    }
    if let Some(done) = state.map(|s| &s["terminated"]).filter(|t| t.is_object()) {
        return run(restarts, done.get("startedAt"), done.get("finishedAt"))
            .ok_or_else(|| SandboxError::Internal("container times unreadable".into()));
    }
    if let Some(t) = last {
        return run(restarts, t.get("startedAt"), t.get("finishedAt"))
            .ok_or_else(|| SandboxError::Internal("container times unreadable".into()));
    }
    let why = match waiting_reason {
        Some("ImagePullBackOff" | "ErrImagePull") => "trying and failing to pull image".to_owned(),
        Some(reason) => reason.to_owned(),
        None => "ContainerCreating".to_owned(),
    };
    Err(SandboxError::BadRequest(format!(
        "container \"{container}\" in pod \"{pod_name}\" is waiting to start: {why}"
    )))
}
