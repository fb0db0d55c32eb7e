//! Services and ingresses: addresses, ports, selectors, and the routes from hosts and paths to
//! services, each linked.

use model::detail::{FieldValue, ObjectDetail};
use serde_json::Value;

use super::fields::{Facts, Table, arr, cell, code_cell, i, obj_ref, pairs, s, scalar};

pub(super) fn service(d: &mut ObjectDetail, v: &Value) {
    let mut f = Facts::default();
    f.text("type", "Type", s(v, "/spec/type"));
    let mut ips: Vec<FieldValue> = arr(v, "/spec/clusterIPs")
        .iter()
        .filter_map(Value::as_str)
        .map(FieldValue::code)
        .collect();
    if ips.is_empty() {
        ips.push(FieldValue::code(s(v, "/spec/clusterIP")));
    }
    f.add("cluster_ips", "Cluster IPs", ips);
    f.add(
        "external_ips",
        "External IPs",
        arr(v, "/spec/externalIPs")
            .iter()
            .filter_map(Value::as_str)
            .map(FieldValue::code)
            .collect(),
    );
    f.add(
        "load_balancer",
        "Load balancer",
        arr(v, "/status/loadBalancer/ingress")
            .iter()
            .map(|lb| {
                FieldValue::code(match s(lb, "/ip") {
                    "" => s(lb, "/hostname"),
                    ip => ip,
                })
            })
            .collect(),
    );
    f.code("external_name", "External name", s(v, "/spec/externalName"));
    f.map("selector", "Selector", pairs(v, "/spec/selector"));
    f.text(
        "session_affinity",
        "Session affinity",
        s(v, "/spec/sessionAffinity"),
    );
    f.text(
        "external_traffic",
        "External traffic policy",
        s(v, "/spec/externalTrafficPolicy"),
    );
    f.text(
        "internal_traffic",
        "Internal traffic policy",
        s(v, "/spec/internalTrafficPolicy"),
    );
    f.add(
        "ip_families",
        "IP families",
        arr(v, "/spec/ipFamilies")
            .iter()
            .filter_map(Value::as_str)
            .map(FieldValue::text)
            .collect(),
    );
    d.summary.extend(f.fields);

    let mut ports = Table::new(
        "ports",
        "Ports",
        &[
            ("name", "Name"),
            ("port", "Port"),
            ("target_port", "Target port"),
            ("protocol", "Protocol"),
            ("node_port", "Node port"),
        ],
    );
    for p in arr(v, "/spec/ports") {
        ports.row(vec![
            cell(s(p, "/name")),
            code_cell(i(p, "/port").map(|n| n.to_string()).unwrap_or_default()),
            code_cell(p.get("targetPort").map(scalar).unwrap_or_default()),
            cell(match s(p, "/protocol") {
                "" => "TCP",
                proto => proto,
            }),
            code_cell(i(p, "/nodePort").map(|n| n.to_string()).unwrap_or_default()),
        ]);
    }
    d.tables.extend(ports.done());
}

pub(super) fn ingress(d: &mut ObjectDetail, v: &Value) {
    let ns = d.namespace.clone();
    let ns = ns.as_deref();
    let mut f = Facts::default();
    let class = match s(v, "/spec/ingressClassName") {
        "" => s(v, "/metadata/annotations/kubernetes.io~1ingress.class"),
        class => class,
    };
    f.link(
        "class",
        "Class",
        class,
        obj_ref("ingressclasses.networking.k8s.io", None, class),
    );
    f.add(
        "load_balancer",
        "Addresses",
        arr(v, "/status/loadBalancer/ingress")
            .iter()
            .map(|lb| {
                FieldValue::code(match s(lb, "/ip") {
                    "" => s(lb, "/hostname"),
                    ip => ip,
                })
            })
            .collect(),
    );
    if let Some(backend) = v.pointer("/spec/defaultBackend") {
        f.add(
            "default_backend",
            "Default backend",
            backend_value(backend, ns),
        );
    }
    d.summary.extend(f.fields);

    let mut rules = Table::new(
        "rules",
        "Rules",
        &[
            ("host", "Host"),
            ("path", "Path"),
            ("path_type", "Path type"),
            ("backend", "Backend"),
        ],
    );
    for rule in arr(v, "/spec/rules") {
        let host = match s(rule, "/host") {
            "" => "*",
            h => h,
        };
        for p in arr(rule, "/http/paths") {
            rules.row(vec![
                code_cell(host),
                code_cell(match s(p, "/path") {
                    "" => "/",
                    path => path,
                }),
                cell(s(p, "/pathType")),
                p.get("backend")
                    .map(|b| backend_value(b, ns))
                    .unwrap_or_default(),
            ]);
        }
    }
    d.tables.extend(rules.done());

    let mut tls = Table::new("tls", "TLS", &[("hosts", "Hosts"), ("secret", "Secret")]);
    for t in arr(v, "/spec/tls") {
        let hosts = arr(t, "/hosts")
            .iter()
            .filter_map(Value::as_str)
            .map(FieldValue::code)
            .collect();
        let secret = s(t, "/secretName");
        let secret_cell = if secret.is_empty() {
            Vec::new()
        } else {
            vec![FieldValue::link(secret, obj_ref("secrets", ns, secret))]
        };
        tls.row(vec![hosts, secret_cell]);
    }
    d.tables.extend(tls.done());
}

/// `frontend:80` linked to the Service, or the resource a backend names.
fn backend_value(b: &Value, ns: Option<&str>) -> Vec<FieldValue> {
    if let Some(svc) = b.get("service") {
        let name = s(svc, "/name");
        let port = match i(svc, "/port/number") {
            Some(n) => n.to_string(),
            None => s(svc, "/port/name").to_string(),
        };
        vec![FieldValue::link(
            format!("{name}:{port}"),
            obj_ref("services", ns, name),
        )]
    } else if let Some(r) = b.get("resource") {
        code_cell(format!("{}/{}", s(r, "/kind"), s(r, "/name")))
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ingress_backends_link_to_their_services() {
        let b = backend_value(
            &json!({"service": {"name": "cart", "port": {"number": 8080}}}),
            Some("shop"),
        );
        match &b[0] {
            FieldValue::Link { text, target } => {
                assert_eq!(text, "cart:8080");
                assert_eq!(target.kind, "services");
                assert_eq!(target.namespace.as_deref(), Some("shop"));
            }
            other => panic!("not a link: {other:?}"),
        }
    }
}
