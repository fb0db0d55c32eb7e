//! The series of the Prometheus endpoint, one render function per family: cAdvisor's container usage,
//! kube-state-metrics' pod, node and deployment state, with their upstream names and labels.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::api::pod_usage;
use super::usage::ContainerUsage;
use crate::behaviour::object::{self, parse_time};
use crate::behaviour::quantity::{cpu_millis, whole_units};

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `{a="x",b="y"}`.
fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

pub type Render = fn(&Value, DateTime<Utc>, &mut String);

pub struct Family {
    pub name: &'static str,
    pub kind: &'static str,
    pub help: &'static str,
    pub render: Render,
}

fn container_cpu(pod: &Value, t: DateTime<Utc>, out: &mut String) {
    if object::str_at(pod, "/status/phase") != Some("Running") {
        return;
    }
    let (ns, name, node) = (
        object::namespace(pod),
        object::name(pod),
        object::str_at(pod, "/spec/nodeName").unwrap_or_default(),
    );
    for c in pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let container = c["name"].as_str().unwrap_or_default();
        let started = pod
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .and_then(|s| s.iter().find(|s| s["name"] == container))
            .and_then(|s| s.pointer("/state/running/startedAt"))
            .and_then(Value::as_str)
            .and_then(parse_time)
            .unwrap_or(t);
        let total =
            ContainerUsage::for_container(object::uid(pod), c).cpu_seconds_total(started, t);
        let image = c["image"].as_str().unwrap_or_default();
        let l = labels(&[
            ("container", container),
            ("image", image),
            ("namespace", ns),
            ("node", node),
            ("pod", name),
        ]);
        let _ = writeln!(out, "container_cpu_usage_seconds_total{l} {total:.6}");
    }
}

fn container_memory(pod: &Value, t: DateTime<Utc>, out: &mut String) {
    if object::str_at(pod, "/status/phase") != Some("Running") {
        return;
    }
    let (ns, name, node) = (
        object::namespace(pod),
        object::name(pod),
        object::str_at(pod, "/spec/nodeName").unwrap_or_default(),
    );
    for (container, _, bytes) in pod_usage(pod, t) {
        let l = labels(&[
            ("container", &container),
            ("namespace", ns),
            ("node", node),
            ("pod", name),
        ]);
        let _ = writeln!(out, "container_memory_working_set_bytes{l} {bytes}");
    }
}

fn pod_phase(pod: &Value, _: DateTime<Utc>, out: &mut String) {
    let phase = object::str_at(pod, "/status/phase").unwrap_or("Pending");
    for candidate in ["Pending", "Running", "Succeeded", "Failed", "Unknown"] {
        let l = labels(&[
            ("namespace", object::namespace(pod)),
            ("phase", candidate),
            ("pod", object::name(pod)),
            ("uid", object::uid(pod)),
        ]);
        let _ = writeln!(
            out,
            "kube_pod_status_phase{l} {}",
            u8::from(candidate == phase)
        );
    }
}

fn pod_info(pod: &Value, _: DateTime<Utc>, out: &mut String) {
    let owner = pod.pointer("/metadata/ownerReferences/0");
    let l = labels(&[
        (
            "created_by_kind",
            owner.and_then(|o| o["kind"].as_str()).unwrap_or("<none>"),
        ),
        (
            "created_by_name",
            owner.and_then(|o| o["name"].as_str()).unwrap_or("<none>"),
        ),
        (
            "host_ip",
            object::str_at(pod, "/status/hostIP").unwrap_or_default(),
        ),
        ("namespace", object::namespace(pod)),
        (
            "node",
            object::str_at(pod, "/spec/nodeName").unwrap_or_default(),
        ),
        ("pod", object::name(pod)),
        (
            "pod_ip",
            object::str_at(pod, "/status/podIP").unwrap_or_default(),
        ),
        ("uid", object::uid(pod)),
    ]);
    let _ = writeln!(out, "kube_pod_info{l} 1");
}

fn pod_restarts(pod: &Value, _: DateTime<Utc>, out: &mut String) {
    for s in pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let l = labels(&[
            ("container", s["name"].as_str().unwrap_or_default()),
            ("namespace", object::namespace(pod)),
            ("pod", object::name(pod)),
            ("uid", object::uid(pod)),
        ]);
        let _ = writeln!(
            out,
            "kube_pod_container_status_restarts_total{l} {}",
            s["restartCount"].as_i64().unwrap_or(0)
        );
    }
}

fn node_condition(node: &Value, _: DateTime<Utc>, out: &mut String) {
    for c in node
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (kind, status) = (
            c["type"].as_str().unwrap_or_default(),
            c["status"].as_str().unwrap_or("Unknown"),
        );
        for candidate in ["true", "false", "unknown"] {
            let l = labels(&[
                ("condition", kind),
                ("node", object::name(node)),
                ("status", candidate),
            ]);
            let _ = writeln!(
                out,
                "kube_node_status_condition{l} {}",
                u8::from(status.eq_ignore_ascii_case(candidate))
            );
        }
    }
}

fn node_allocatable(node: &Value, _: DateTime<Utc>, out: &mut String) {
    for (resource, quantity) in node
        .pointer("/status/allocatable")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let q = quantity.as_str().unwrap_or_default();
        let (unit, value) = match resource.as_str() {
            "cpu" => ("core", cpu_millis(q) as f64 / 1000.0),
            "memory" | "ephemeral-storage" => ("byte", whole_units(q) as f64),
            _ => ("integer", whole_units(q) as f64),
        };
        let resource = resource.replace(['.', '/', '-'], "_");
        let l = labels(&[
            ("node", object::name(node)),
            ("resource", &resource),
            ("unit", unit),
        ]);
        let _ = writeln!(out, "kube_node_status_allocatable{l} {value}");
    }
}

fn node_unschedulable(node: &Value, _: DateTime<Utc>, out: &mut String) {
    let cordoned = node
        .pointer("/spec/unschedulable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let _ = writeln!(
        out,
        "kube_node_spec_unschedulable{} {}",
        labels(&[("node", object::name(node))]),
        u8::from(cordoned)
    );
}

macro_rules! deployment_gauge {
    ($fn_name:ident, $metric:literal, $pointer:literal) => {
        fn $fn_name(d: &Value, _: DateTime<Utc>, out: &mut String) {
            let l = labels(&[
                ("deployment", object::name(d)),
                ("namespace", object::namespace(d)),
            ]);
            let _ = writeln!(
                out,
                concat!($metric, "{} {}"),
                l,
                object::int_at(d, $pointer).unwrap_or(0)
            );
        }
    };
}

deployment_gauge!(
    deployment_spec_replicas,
    "kube_deployment_spec_replicas",
    "/spec/replicas"
);
deployment_gauge!(
    deployment_replicas,
    "kube_deployment_status_replicas",
    "/status/replicas"
);
deployment_gauge!(
    deployment_ready,
    "kube_deployment_status_replicas_ready",
    "/status/readyReplicas"
);
deployment_gauge!(
    deployment_available,
    "kube_deployment_status_replicas_available",
    "/status/availableReplicas"
);
deployment_gauge!(
    deployment_unavailable,
    "kube_deployment_status_replicas_unavailable",
    "/status/unavailableReplicas"
);
deployment_gauge!(
    deployment_updated,
    "kube_deployment_status_replicas_updated",
    "/status/updatedReplicas"
);

pub const POD_FAMILIES: [Family; 5] = [
    Family {
        name: "container_cpu_usage_seconds_total",
        kind: "counter",
        help: "Cumulative cpu time consumed in seconds.",
        render: container_cpu,
    },
    Family {
        name: "container_memory_working_set_bytes",
        kind: "gauge",
        help: "Current working set in bytes.",
        render: container_memory,
    },
    Family {
        name: "kube_pod_info",
        kind: "gauge",
        help: "Information about pod.",
        render: pod_info,
    },
    Family {
        name: "kube_pod_status_phase",
        kind: "gauge",
        help: "The pods current phase.",
        render: pod_phase,
    },
    Family {
        name: "kube_pod_container_status_restarts_total",
        kind: "counter",
        help: "The number of container restarts per container.",
        render: pod_restarts,
    },
];

pub const NODE_FAMILIES: [Family; 3] = [
    Family {
        name: "kube_node_status_condition",
        kind: "gauge",
        help: "The condition of a cluster node.",
        render: node_condition,
    },
    Family {
        name: "kube_node_status_allocatable",
        kind: "gauge",
        help: "The allocatable for different resources of a node that are available for scheduling.",
        render: node_allocatable,
    },
    Family {
        name: "kube_node_spec_unschedulable",
        kind: "gauge",
        help: "Whether a node can schedule new pods.",
        render: node_unschedulable,
    },
];

pub const DEPLOYMENT_FAMILIES: [Family; 6] = [
    Family {
        name: "kube_deployment_spec_replicas",
        kind: "gauge",
        help: "Number of desired pods for a deployment.",
        render: deployment_spec_replicas,
    },
    Family {
        name: "kube_deployment_status_replicas",
        kind: "gauge",
        help: "The number of replicas per deployment.",
        render: deployment_replicas,
    },
    Family {
        name: "kube_deployment_status_replicas_ready",
        kind: "gauge",
        help: "The number of ready replicas per deployment.",
        render: deployment_ready,
    },
    Family {
        name: "kube_deployment_status_replicas_available",
        kind: "gauge",
        help: "The number of available replicas per deployment.",
        render: deployment_available,
    },
    Family {
        name: "kube_deployment_status_replicas_unavailable",
        kind: "gauge",
        help: "The number of unavailable replicas per deployment.",
        render: deployment_unavailable,
    },
    Family {
        name: "kube_deployment_status_replicas_updated",
        kind: "gauge",
        help: "The number of updated replicas per deployment.",
        render: deployment_updated,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(labels(&[("a", "x\"y\\z\n")]), "{a=\"x\\\"y\\\\z\\n\"}");
    }

    #[test]
    fn a_pod_reports_one_phase_as_one() {
        let pod = serde_json::json!({"metadata": {"name": "p", "namespace": "n", "uid": "u"}, "status": {"phase": "Running"}});
        let mut out = String::new();
        pod_phase(&pod, Utc::now(), &mut out);
        assert!(out.contains("phase=\"Running\",pod=\"p\",uid=\"u\"} 1"));
        assert_eq!(out.lines().filter(|l| l.ends_with(" 1")).count(), 1);
    }
}
