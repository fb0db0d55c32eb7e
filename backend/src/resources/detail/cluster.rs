//! Nodes, namespaces and events: what a node runs and holds (capacity against allocatable,
//! taints), a namespace's phase, and what an event is about.

use model::detail::{FieldValue, ObjectDetail, TableColumn};
use model::resources::Tone;
use serde_json::Value;

use super::fields::{Facts, Table, arr, b, cell, code_cell, i, obj_ref, pairs, s, time};
use super::{Ctx, quantity};

/// Resources shown first in the capacity table, in this order; others follow alphabetically.
const FIRST_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "pods",
    "nvidia.com/gpu",
    "ephemeral-storage",
];

pub(super) fn node(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    let mut roles: Vec<String> = d
        .labels
        .iter()
        .filter_map(|(k, value)| {
            k.strip_prefix("node-role.kubernetes.io/")
                .map(str::to_string)
                .or_else(|| (k == "kubernetes.io/role").then(|| value.clone()))
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort();
    roles.dedup();
    f.add(
        "roles",
        "Roles",
        roles.into_iter().map(FieldValue::text).collect(),
    );
    for (kind, key, label) in [
        ("InternalIP", "internal_ip", "Internal IP"),
        ("ExternalIP", "external_ip", "External IP"),
        ("Hostname", "hostname", "Hostname"),
    ] {
        let values = arr(v, "/status/addresses")
            .iter()
            .filter(|a| s(a, "/type") == kind)
            .map(|a| FieldValue::code(s(a, "/address")))
            .collect();
        f.add(key, label, values);
    }
    let info = |p: &str| s(v, &format!("/status/nodeInfo/{p}"));
    f.text("os_image", "OS image", info("osImage"));
    f.text("os", "OS / architecture", {
        let (os, arch) = (info("operatingSystem"), info("architecture"));
        if os.is_empty() && arch.is_empty() {
            String::new()
        } else {
            format!("{os}/{arch}")
        }
    });
    f.code("kernel", "Kernel", info("kernelVersion"));
    f.code("kubelet", "Kubelet", info("kubeletVersion"));
    f.code(
        "runtime",
        "Container runtime",
        info("containerRuntimeVersion"),
    );
    f.code("pod_cidr", "Pod CIDR", s(v, "/spec/podCIDR"));
    f.code("provider_id", "Provider ID", s(v, "/spec/providerID"));
    let unschedulable = b(v, "/spec/unschedulable").unwrap_or(false);
    f.add(
        "unschedulable",
        "Unschedulable",
        vec![FieldValue::status(
            if unschedulable { "true" } else { "false" },
            if unschedulable {
                Tone::Warning
            } else {
                Tone::Neutral
            },
        )],
    );
    d.summary.extend(f.fields);

    let capacity = pairs(v, "/status/capacity");
    let allocatable = pairs(v, "/status/allocatable");
    let mut names: Vec<&str> = capacity
        .iter()
        .chain(&allocatable)
        .map(|(k, _)| k.as_str())
        // Zero-sized huge pages say nothing.
        .filter(|k| !k.starts_with("hugepages-"))
        .collect();
    names.sort_by_key(|k| {
        (
            FIRST_RESOURCES
                .iter()
                .position(|f| f == k)
                .unwrap_or(usize::MAX),
            *k,
        )
    });
    names.dedup();
    let find = |list: &[(String, String)], k: &str| {
        list.iter()
            .find(|(name, _)| name == k)
            .map(|(_, q)| q.clone())
            .unwrap_or_default()
    };
    let mut t = Table::new(
        "capacity",
        "Capacity",
        &[
            ("resource", "Resource"),
            ("capacity", "Capacity"),
            ("allocatable", "Allocatable"),
        ],
    );
    for name in names {
        t.row(vec![
            code_cell(name),
            code_cell(find(&capacity, name)),
            code_cell(find(&allocatable, name)),
        ]);
    }
    d.tables.extend(t.done());

    let mut taints = Table::new(
        "taints",
        "Taints",
        &[("key", "Key"), ("value", "Value"), ("effect", "Effect")],
    );
    for taint in arr(v, "/spec/taints") {
        taints.row(vec![
            code_cell(s(taint, "/key")),
            code_cell(s(taint, "/value")),
            cell(s(taint, "/effect")),
        ]);
    }
    d.tables.extend(taints.done());
}

/// Adds what the node's pods request to its capacity table, with the share of allocatable.
pub(super) fn add_requested(d: &mut ObjectDetail, pods: &[Value]) {
    let requested = quantity::requested(pods);
    let Some(table) = d.tables.iter_mut().find(|t| t.key == "capacity") else {
        return;
    };
    table.columns.push(TableColumn {
        key: "requested".into(),
        label: "Requested".into(),
    });
    for row in &mut table.rows {
        let text =
            |cell: &Vec<FieldValue>| cell.first().map(FieldValue::as_text).unwrap_or_default();
        let resource = row.first().map(text).unwrap_or_default();
        let allocatable = row.get(2).map(text).and_then(|a| quantity::parse(&a));
        let cell = match requested.get(&resource) {
            Some(&used) => {
                let share = allocatable
                    .filter(|a| *a > 0.0)
                    .map(|a| format!(" ({:.0}%)", used / a * 100.0))
                    .unwrap_or_default();
                code_cell(format!("{}{share}", quantity::format(&resource, used)))
            }
            None => code_cell("0"),
        };
        row.push(cell);
    }
}

pub(super) fn namespace(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    let phase = s(v, "/status/phase");
    if !phase.is_empty() {
        let tone = if phase == "Active" {
            Tone::Good
        } else {
            Tone::Warning
        };
        f.add("phase", "Phase", vec![FieldValue::status(phase, tone)]);
    }
    d.summary.extend(f.fields);
}

pub(super) fn event(d: &mut ObjectDetail, v: &Value, ctx: &Ctx) {
    let mut f = Facts::default();
    let kind = s(v, "/involvedObject/kind");
    let name = s(v, "/involvedObject/name");
    let ns = s(v, "/involvedObject/namespace");
    let text = format!("{kind}/{name}");
    match ctx.key_of(s(v, "/involvedObject/apiVersion"), kind) {
        Some(key) if !name.is_empty() => {
            f.link("involved", "Object", &text, obj_ref(&key, Some(ns), name));
        }
        _ => f.text("involved", "Object", text),
    }
    f.code("field_path", "Field", s(v, "/involvedObject/fieldPath"));
    let type_ = s(v, "/type");
    if !type_.is_empty() {
        f.add(
            "event_type",
            "Type",
            vec![FieldValue::status(type_, event_tone(type_))],
        );
    }
    f.text("reason", "Reason", s(v, "/reason"));
    f.text("message", "Message", s(v, "/message"));
    f.number(
        "count",
        "Count",
        i(v, "/count").or_else(|| i(v, "/series/count")),
    );
    f.time(
        "first_seen",
        "First seen",
        time(v, "/firstTimestamp").or_else(|| time(v, "/eventTime")),
    );
    f.time(
        "last_seen",
        "Last seen",
        time(v, "/lastTimestamp")
            .or_else(|| time(v, "/series/lastObservedTime"))
            .or_else(|| time(v, "/eventTime")),
    );
    f.text("source", "Source", event_source(v));
    d.summary.extend(f.fields);
}

/// `Warning` is bad news; everything else is normal.
pub(super) fn event_tone(type_: &str) -> Tone {
    if type_ == "Warning" {
        Tone::Warning
    } else {
        Tone::Neutral
    }
}

/// `kubelet, node-1`, or the reporting controller of newer events.
pub(super) fn event_source(v: &Value) -> String {
    let component = match s(v, "/source/component") {
        "" => s(v, "/reportingComponent"),
        c => c,
    };
    let host = match s(v, "/source/host") {
        "" => s(v, "/reportingInstance"),
        h => h,
    };
    match (component, host) {
        ("", h) => h.to_string(),
        (c, "") => c.to_string(),
        (c, h) if c == h => c.to_string(),
        (c, h) => format!("{c}, {h}"),
    }
}
