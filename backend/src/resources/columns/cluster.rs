//! Nodes, namespaces, events, service accounts and RBAC.

use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::{Obj, Projector, arr, col, i, json_time_cell, or_none, s, time_cell};

fn text(id: &str, title: &str) -> Column {
    col(id, title, ColumnType::Text, 0)
}

fn age() -> Column {
    col("age", "Age", ColumnType::Age, 0)
}

pub(super) fn columns(p: &Projector) -> Vec<Column> {
    match p {
        Projector::Node => vec![
            col("status", "Status", ColumnType::Status, 0),
            text("roles", "Roles"),
            age(),
            text("version", "Version"),
            col("internal_ip", "Internal-IP", ColumnType::Text, 1),
            col("external_ip", "External-IP", ColumnType::Text, 1),
            col("os_image", "OS-image", ColumnType::Text, 1),
            col("kernel", "Kernel-version", ColumnType::Text, 1),
            col("runtime", "Container-runtime", ColumnType::Text, 1),
        ],
        Projector::Namespace => vec![col("status", "Status", ColumnType::Status, 0), age()],
        Projector::Event => vec![
            col("last_seen", "Last seen", ColumnType::Age, 0),
            col("type", "Type", ColumnType::Status, 0),
            text("reason", "Reason"),
            text("object", "Object"),
            text("message", "Message"),
            col("count", "Count", ColumnType::Number, 1),
            age(),
        ],
        Projector::ServiceAccount => vec![col("secrets", "Secrets", ColumnType::Number, 0), age()],
        Projector::Role => vec![age()],
        _ => vec![
            text("role", "Role"),
            age(),
            col("users", "Users", ColumnType::Text, 1),
            col("groups", "Groups", ColumnType::Text, 1),
            col("service_accounts", "Service accounts", ColumnType::Text, 1),
        ],
    }
}

pub(super) fn cells(p: &Projector, o: &Obj) -> (Vec<String>, Tone) {
    let d = o.data;
    let age = o.created_cell();
    match p {
        Projector::Node => {
            let (status, tone) = node_status(d, o.meta.deletion_timestamp.is_some());
            let address = |kind: &str| {
                or_none(
                    arr(d, "/status/addresses")
                        .iter()
                        .find(|a| s(a, "/type") == kind)
                        .map(|a| s(a, "/address").to_string())
                        .unwrap_or_default(),
                )
            };
            (
                vec![
                    status,
                    or_none(node_roles(o).join(",")),
                    age,
                    s(d, "/status/nodeInfo/kubeletVersion").to_string(),
                    address("InternalIP"),
                    address("ExternalIP"),
                    s(d, "/status/nodeInfo/osImage").to_string(),
                    s(d, "/status/nodeInfo/kernelVersion").to_string(),
                    s(d, "/status/nodeInfo/containerRuntimeVersion").to_string(),
                ],
                tone,
            )
        }
        Projector::Namespace => {
            let phase = s(d, "/status/phase").to_string();
            let tone = if phase == "Active" {
                Tone::Good
            } else {
                Tone::Warning
            };
            (vec![phase, age], tone)
        }
        Projector::Event => {
            // Newer events carry only eventTime or series.lastObservedTime.
            let last_seen = ["/series/lastObservedTime", "/lastTimestamp", "/eventTime"]
                .iter()
                .map(|p| json_time_cell(d, p))
                .find(|t| !t.is_empty())
                .unwrap_or_else(|| time_cell(o.meta.creation_timestamp.as_ref()));
            let kind = s(d, "/type").to_string();
            let tone = if kind == "Warning" {
                Tone::Warning
            } else {
                Tone::Neutral
            };
            let object = format!(
                "{}/{}",
                s(d, "/involvedObject/kind").to_lowercase(),
                s(d, "/involvedObject/name")
            );
            let count = i(d, "/count")
                .or_else(|| i(d, "/series/count"))
                .unwrap_or(1);
            (
                vec![
                    last_seen,
                    kind,
                    s(d, "/reason").to_string(),
                    object,
                    s(d, "/message").trim().to_string(),
                    count.to_string(),
                    age,
                ],
                tone,
            )
        }
        Projector::ServiceAccount => (
            vec![arr(d, "/secrets").len().to_string(), age],
            Tone::Neutral,
        ),
        Projector::Role => (vec![age], Tone::Neutral),
        _ => {
            let role = format!("{}/{}", s(d, "/roleRef/kind"), s(d, "/roleRef/name"));
            let subjects = |kind: &str| {
                arr(d, "/subjects")
                    .iter()
                    .filter(|x| s(x, "/kind") == kind)
                    .map(|x| match s(x, "/namespace") {
                        "" => s(x, "/name").to_string(),
                        ns => format!("{ns}/{}", s(x, "/name")),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (
                vec![
                    role,
                    age,
                    subjects("User"),
                    subjects("Group"),
                    subjects("ServiceAccount"),
                ],
                Tone::Neutral,
            )
        }
    }
}

/// `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` when cordoned.
fn node_status(d: &Value, deleting: bool) -> (String, Tone) {
    let ready = arr(d, "/status/conditions")
        .iter()
        .find(|c| s(c, "/type") == "Ready")
        .map(|c| s(c, "/status"));
    let (mut status, mut tone) = match ready {
        Some("True") => ("Ready".to_string(), Tone::Good),
        Some("False") => ("NotReady".to_string(), Tone::Bad),
        _ => ("Unknown".to_string(), Tone::Bad),
    };
    if d.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        status.push_str(",SchedulingDisabled");
        if tone == Tone::Good {
            tone = Tone::Warning;
        }
    }
    if deleting {
        status.push_str(",Terminating");
    }
    (status, tone)
}

/// Roles from `node-role.kubernetes.io/<role>` labels and the legacy `kubernetes.io/role`.
fn node_roles(o: &Obj) -> Vec<String> {
    let mut roles: Vec<String> = o
        .meta
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                Some(role.to_string())
            } else if k == "kubernetes.io/role" {
                Some(v.clone())
            } else {
                None
            }
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort();
    roles.dedup();
    roles
}
