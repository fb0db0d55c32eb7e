//! Services, endpoints, endpoint slices, ingresses, ingress classes and network policies.

use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

use super::{Obj, Projector, arr, col, i, or_none, s, selector_text};

fn text(id: &str, title: &str) -> Column {
    col(id, title, ColumnType::Text, 0)
}

fn age() -> Column {
    col("age", "Age", ColumnType::Age, 0)
}

pub(super) fn columns(p: &Projector) -> Vec<Column> {
    match p {
        Projector::Service => vec![
            text("type", "Type"),
            text("cluster_ip", "Cluster-IP"),
            text("external_ip", "External-IP"),
            text("ports", "Port(s)"),
            age(),
            col("selector", "Selector", ColumnType::Text, 1),
        ],
        Projector::Endpoints => vec![text("endpoints", "Endpoints"), age()],
        Projector::EndpointSlice => vec![
            text("address_type", "Address type"),
            text("ports", "Ports"),
            text("endpoints", "Endpoints"),
            age(),
        ],
        Projector::Ingress => vec![
            text("class", "Class"),
            text("hosts", "Hosts"),
            text("address", "Address"),
            text("ports", "Ports"),
            age(),
        ],
        Projector::IngressClass => vec![
            text("controller", "Controller"),
            text("parameters", "Parameters"),
            age(),
        ],
        _ => vec![text("pod_selector", "Pod-selector"), age()],
    }
}

pub(super) fn cells(p: &Projector, o: &Obj) -> (Vec<String>, Tone) {
    let d = o.data;
    let age = o.created_cell();
    let cells = match p {
        Projector::Service => vec![
            s(d, "/spec/type").to_string(),
            or_none(s(d, "/spec/clusterIP").to_string()),
            service_external_ip(d),
            or_none(service_ports(d)),
            age,
            or_none(selector_text(d.pointer("/spec/selector"))),
        ],
        Projector::Endpoints => {
            let mut addresses = Vec::new();
            for subset in arr(d, "/subsets") {
                let ports: Vec<i64> = arr(subset, "/ports")
                    .iter()
                    .filter_map(|p| i(p, "/port"))
                    .collect();
                for a in arr(subset, "/addresses") {
                    let ip = s(a, "/ip");
                    if ports.is_empty() {
                        addresses.push(ip.to_string());
                    }
                    addresses.extend(ports.iter().map(|p| format!("{ip}:{p}")));
                }
            }
            vec![or_none(truncated(&addresses)), age]
        }
        Projector::EndpointSlice => {
            let ports: Vec<String> = arr(d, "/ports")
                .iter()
                .filter_map(|p| i(p, "/port").map(|p| p.to_string()))
                .collect();
            let addresses: Vec<String> = arr(d, "/endpoints")
                .iter()
                .flat_map(|e| arr(e, "/addresses").iter())
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect();
            vec![
                s(d, "/addressType").to_string(),
                or_none(ports.join(",")),
                or_none(truncated(&addresses)),
                age,
            ]
        }
        Projector::Ingress => {
            let hosts: Vec<&str> = arr(d, "/spec/rules")
                .iter()
                .map(|r| match s(r, "/host") {
                    "" => "*",
                    h => h,
                })
                .collect();
            let ports = if arr(d, "/spec/tls").is_empty() {
                "80"
            } else {
                "80, 443"
            };
            vec![
                or_none(s(d, "/spec/ingressClassName").to_string()),
                if hosts.is_empty() {
                    "*".into()
                } else {
                    hosts.join(",")
                },
                load_balancer(d).join(","),
                ports.into(),
                age,
            ]
        }
        Projector::IngressClass => {
            let params = d.pointer("/spec/parameters").map(|p| {
                let group = s(p, "/apiGroup");
                let kind = s(p, "/kind");
                let kind = if group.is_empty() {
                    kind.to_string()
                } else {
                    format!("{kind}.{group}")
                };
                format!("{kind}/{}", s(p, "/name"))
            });
            vec![
                s(d, "/spec/controller").to_string(),
                params.unwrap_or_else(|| "<none>".into()),
                age,
            ]
        }
        _ => vec![or_none(selector_text(d.pointer("/spec/podSelector"))), age],
    };
    (cells, Tone::Neutral)
}

/// Up to three entries, then `+ N more...` as kubectl prints long endpoint lists.
fn truncated(items: &[String]) -> String {
    if items.len() <= 3 {
        items.join(",")
    } else {
        format!("{} + {} more...", items[..3].join(","), items.len() - 3)
    }
}

fn load_balancer(d: &Value) -> Vec<String> {
    arr(d, "/status/loadBalancer/ingress")
        .iter()
        .map(|e| match s(e, "/ip") {
            "" => s(e, "/hostname").to_string(),
            ip => ip.to_string(),
        })
        .filter(|a| !a.is_empty())
        .collect()
}

fn service_external_ip(d: &Value) -> String {
    let external: Vec<String> = arr(d, "/spec/externalIPs")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    match s(d, "/spec/type") {
        "ExternalName" => s(d, "/spec/externalName").to_string(),
        "LoadBalancer" => {
            let mut all = load_balancer(d);
            all.extend(external);
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        _ => or_none(external.join(",")),
    }
}

fn service_ports(d: &Value) -> String {
    arr(d, "/spec/ports")
        .iter()
        .map(|p| {
            let port = i(p, "/port").unwrap_or(0);
            let protocol = match s(p, "/protocol") {
                "" => "TCP",
                proto => proto,
            };
            match i(p, "/nodePort") {
                Some(node) => format!("{port}:{node}/{protocol}"),
                None => format!("{port}/{protocol}"),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
