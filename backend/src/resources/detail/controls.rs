//! The state a kind's actions need on the detail page: a workload's counts, pause flag and
//! container images; a node's schedulability, labels and taints; a CronJob's suspension.

use model::operations::{
    ContainerImage, Controls, CronJobControls, NodeControls, Taint, TaintEffect, WorkloadControls,
};
use serde_json::Value;

/// The controls of `plural` in `group`, read from the object, when the kind has actions.
pub fn of(group: &str, plural: &str, v: &Value) -> Option<Controls> {
    match (group, plural) {
        ("apps", "deployments" | "statefulsets" | "daemonsets" | "replicasets") => {
            Some(Controls::Workload(workload(plural, v)))
        }
        ("", "nodes") => Some(Controls::Node(node(v))),
        ("batch", "cronjobs") => Some(Controls::CronJob(CronJobControls {
            suspended: v.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true),
        })),
        _ => None,
    }
}

fn int(v: &Value, pointer: &str) -> i32 {
    v.pointer(pointer)
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .unwrap_or(0)
}

fn workload(plural: &str, v: &Value) -> WorkloadControls {
    let daemonset = plural == "daemonsets";
    let desired = if daemonset {
        None
    } else {
        // The API defaults an absent `replicas` to 1.
        Some(
            v.pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or(1),
        )
    };
    let (ready, updated, available) = if daemonset {
        (
            int(v, "/status/numberReady"),
            int(v, "/status/updatedNumberScheduled"),
            int(v, "/status/numberAvailable"),
        )
    } else {
        (
            int(v, "/status/readyReplicas"),
            int(v, "/status/updatedReplicas"),
            int(v, "/status/availableReplicas"),
        )
    };
    let generation = v.pointer("/metadata/generation").and_then(Value::as_i64);
    let observed = v
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    let target = desired.unwrap_or_else(|| int(v, "/status/desiredNumberScheduled"));
    let mut containers = Vec::new();
    for (list, init) in [("initContainers", true), ("containers", false)] {
        let found = v
            .pointer(&format!("/spec/template/spec/{list}"))
            .and_then(Value::as_array);
        for c in found.into_iter().flatten() {
            containers.push(ContainerImage {
                name: text(c, "/name"),
                image: text(c, "/image"),
                init,
            });
        }
    }
    WorkloadControls {
        desired,
        ready,
        updated,
        available,
        paused: (plural == "deployments")
            .then(|| v.pointer("/spec/paused").and_then(Value::as_bool) == Some(true)),
        progressing: generation != observed || updated != target || ready != target,
        containers,
    }
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn node(v: &Value) -> NodeControls {
    let labels = v
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let taints = v
        .pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some(Taint {
                key: text(t, "/key"),
                value: text(t, "/value"),
                effect: TaintEffect::parse(t.get("effect")?.as_str()?)?,
            })
        })
        .collect();
    NodeControls {
        unschedulable: v.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true),
        labels,
        taints,
    }
}
