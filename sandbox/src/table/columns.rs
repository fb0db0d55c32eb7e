//! The columns `kubectl get` prints per built-in kind (priority-1 columns appear with `-o wide`).

use serde_json::{Value, json};

use super::{Column, age};
use crate::store::ResourceType;

fn s<'a>(o: &'a Value, ptr: &str) -> &'a str {
    o.pointer(ptr).and_then(Value::as_str).unwrap_or_default()
}
fn n(o: &Value, ptr: &str) -> i64 {
    o.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}
fn or_none(v: &str) -> Value {
    json!(if v.is_empty() { "<none>" } else { v })
}
fn arr<'a>(o: &'a Value, ptr: &str) -> &'a [Value] {
    o.pointer(ptr)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
fn count(o: &Value, ptr: &str) -> Value {
    json!(
        o.pointer(ptr)
            .and_then(Value::as_object)
            .map_or(0, |m| m.len())
    )
}
fn name(o: &Value) -> Value {
    json!(crate::store::name_of(o))
}
fn created(o: &Value) -> Value {
    json!(age(s(o, "/metadata/creationTimestamp")))
}
fn created_at(o: &Value) -> Value {
    json!(s(o, "/metadata/creationTimestamp"))
}
fn selector_text(sel: Option<&Value>) -> String {
    let Some(sel) = sel else { return String::new() };
    let map = sel
        .get("matchLabels")
        .or(Some(sel))
        .and_then(Value::as_object);
    map.map(|m| {
        m.iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(",")
    })
    .unwrap_or_default()
}
fn containers(o: &Value, ptr: &str, field: &str) -> Value {
    let list: Vec<&str> = arr(o, ptr)
        .iter()
        .map(|c| c.get(field).and_then(Value::as_str).unwrap_or_default())
        .collect();
    json!(list.join(","))
}

/// `Running`, `Pending`, `ContainerCreating`, `ImagePullBackOff`, `CrashLoopBackOff`, `Completed`,
/// `Terminating`…: the STATUS column's logic in kubectl's pod printer.
pub fn pod_status(o: &Value) -> String {
    if o.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
    {
        return "Terminating".into();
    }
    let mut reason = s(o, "/status/reason").to_string();
    if reason.is_empty() {
        reason = s(o, "/status/phase").to_string();
    }
    for c in arr(o, "/status/initContainerStatuses") {
        let waiting = c
            .pointer("/state/waiting/reason")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !waiting.is_empty() && waiting != "PodInitializing" {
            return format!("Init:{waiting}");
        }
    }
    for c in arr(o, "/status/containerStatuses").iter().rev() {
        if let Some(w) = c
            .pointer("/state/waiting/reason")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
        {
            reason = w.into();
        } else if let Some(t) = c
            .pointer("/state/terminated/reason")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
        {
            reason = t.into();
        }
    }
    if reason.is_empty() {
        "Unknown".into()
    } else {
        reason
    }
}

fn pod_ready(o: &Value) -> Value {
    let total = arr(o, "/spec/containers").len();
    let ready = arr(o, "/status/containerStatuses")
        .iter()
        .filter(|c| c.get("ready") == Some(&json!(true)))
        .count();
    json!(format!("{ready}/{total}"))
}

fn pod_restarts(o: &Value) -> Value {
    let restarts: i64 = arr(o, "/status/containerStatuses")
        .iter()
        .map(|c| c.get("restartCount").and_then(Value::as_i64).unwrap_or(0))
        .sum();
    let last = arr(o, "/status/containerStatuses")
        .iter()
        .filter_map(|c| {
            c.pointer("/lastState/terminated/finishedAt")
                .and_then(Value::as_str)
        })
        .max()
        .map(age);
    match (restarts, last) {
        (r, Some(ago)) if r > 0 => json!(format!("{r} ({ago} ago)")),
        (r, _) => json!(r.to_string()),
    }
}

fn node_status(o: &Value) -> Value {
    let ready = arr(o, "/status/conditions")
        .iter()
        .find(|c| c.get("type") == Some(&json!("Ready")));
    let mut status = match ready.and_then(|c| c.get("status")).and_then(Value::as_str) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if o.pointer("/spec/unschedulable") == Some(&json!(true)) {
        status.push_str(",SchedulingDisabled");
    }
    json!(status)
}

fn node_roles(o: &Value) -> Value {
    let roles: Vec<&str> = o
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|l| {
            l.keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .collect()
        })
        .unwrap_or_default();
    or_none(&roles.join(","))
}

fn node_address(o: &Value, kind: &str) -> Value {
    let addr = arr(o, "/status/addresses")
        .iter()
        .find(|a| a.get("type") == Some(&json!(kind)));
    or_none(
        addr.and_then(|a| a.get("address"))
            .and_then(Value::as_str)
            .unwrap_or_default(),
    )
}

fn service_ports(o: &Value) -> Value {
    let ports: Vec<String> = arr(o, "/spec/ports")
        .iter()
        .map(|p| {
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(np) => format!("{port}:{np}/{proto}"),
                None => format!("{port}/{proto}"),
            }
        })
        .collect();
    or_none(&ports.join(","))
}

fn external_ip(o: &Value) -> Value {
    let mut ips: Vec<String> = arr(o, "/spec/externalIPs")
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    ips.extend(
        arr(o, "/status/loadBalancer/ingress")
            .iter()
            .filter_map(|i| {
                i.get("ip")
                    .or(i.get("hostname"))
                    .and_then(Value::as_str)
                    .map(String::from)
            }),
    );
    match (ips.is_empty(), s(o, "/spec/type")) {
        (true, "LoadBalancer") => json!("<pending>"),
        (true, _) => json!("<none>"),
        _ => json!(ips.join(",")),
    }
}

fn job_status(o: &Value) -> Value {
    let cond = |t: &str| {
        arr(o, "/status/conditions")
            .iter()
            .any(|c| c.get("type") == Some(&json!(t)) && c.get("status") == Some(&json!("True")))
    };
    json!(if cond("Complete") {
        "Complete"
    } else if cond("Failed") {
        "Failed"
    } else if cond("Suspended") {
        "Suspended"
    } else {
        "Running"
    })
}

fn job_duration(o: &Value) -> Value {
    let start = s(o, "/status/startTime");
    if start.is_empty() {
        return json!("");
    }
    let end = s(o, "/status/completionTime");
    let parse = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.with_timezone(&chrono::Utc))
    };
    let (Some(a), b) = (parse(start), parse(end).unwrap_or_else(chrono::Utc::now)) else {
        return json!("");
    };
    json!(super::human_duration((b - a).num_seconds()))
}

fn event_object(o: &Value) -> Value {
    json!(format!(
        "{}/{}",
        s(o, "/involvedObject/kind").to_lowercase(),
        s(o, "/involvedObject/name")
    ))
}

fn event_last_seen(o: &Value) -> Value {
    let t = [
        s(o, "/lastTimestamp"),
        s(o, "/eventTime"),
        s(o, "/metadata/creationTimestamp"),
    ]
    .into_iter()
    .find(|t| !t.is_empty());
    json!(t.map(age).unwrap_or_else(|| "<unknown>".into()))
}

fn int_or_str(o: &Value, ptr: &str) -> Value {
    match o.pointer(ptr) {
        Some(Value::Number(n)) => json!(n.to_string()),
        Some(Value::String(s)) => json!(s),
        _ => json!("N/A"),
    }
}

fn hpa_targets(o: &Value) -> Value {
    let parts: Vec<String> = arr(o, "/spec/metrics")
        .iter()
        .map(|m| {
            let name = m
                .pointer("/resource/name")
                .and_then(Value::as_str)
                .unwrap_or("metric");
            let target = m
                .pointer("/resource/target/averageUtilization")
                .and_then(Value::as_i64);
            let current = arr(o, "/status/currentMetrics")
                .iter()
                .find(|c| c.pointer("/resource/name").and_then(Value::as_str) == Some(name))
                .and_then(|c| c.pointer("/resource/current/averageUtilization"))
                .and_then(Value::as_i64);
            let cur = current.map_or("<unknown>".to_string(), |c| format!("{c}%"));
            format!("{name}: {cur}/{}%", target.unwrap_or(0))
        })
        .collect();
    or_none(&parts.join(", "))
}

/// Columns for a built-in kind; unknown kinds get `Name` and `Age`.
pub fn for_kind(rt: &ResourceType) -> Vec<Column> {
    let (c, w, i) = (Column::new, Column::wide, Column::int);
    let age_col = c("Age", created);
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("", "pods") => vec![
            c("Name", name),
            c("Ready", pod_ready),
            c("Status", |o| json!(pod_status(o))),
            c("Restarts", pod_restarts),
            age_col,
            w("IP", |o| or_none(s(o, "/status/podIP"))),
            w("Node", |o| or_none(s(o, "/spec/nodeName"))),
            w("Nominated Node", |o| {
                or_none(s(o, "/status/nominatedNodeName"))
            }),
            w("Readiness Gates", |_| json!("<none>")),
        ],
        ("", "namespaces") => vec![
            c("Name", name),
            c("Status", |o| json!(s(o, "/status/phase"))),
            age_col,
        ],
        ("", "nodes") => vec![
            c("Name", name),
            c("Status", node_status),
            c("Roles", node_roles),
            age_col,
            c("Version", |o| {
                json!(s(o, "/status/nodeInfo/kubeletVersion"))
            }),
            w("Internal-IP", |o| node_address(o, "InternalIP")),
            w("External-IP", |o| node_address(o, "ExternalIP")),
            w("OS-Image", |o| json!(s(o, "/status/nodeInfo/osImage"))),
            w("Kernel-Version", |o| {
                json!(s(o, "/status/nodeInfo/kernelVersion"))
            }),
            w("Container-Runtime", |o| {
                json!(s(o, "/status/nodeInfo/containerRuntimeVersion"))
            }),
        ],
        ("", "services") => vec![
            c("Name", name),
            c("Type", |o| json!(s(o, "/spec/type"))),
            c("Cluster-IP", |o| or_none(s(o, "/spec/clusterIP"))),
            c("External-IP", external_ip),
            c("Port(s)", service_ports),
            age_col,
            w("Selector", |o| {
                or_none(&selector_text(o.pointer("/spec/selector")))
            }),
        ],
        ("", "configmaps") => vec![
            c("Name", name),
            i("Data", |o| {
                json!(
                    count(o, "/data").as_u64().unwrap_or(0)
                        + count(o, "/binaryData").as_u64().unwrap_or(0)
                )
            }),
            age_col,
        ],
        ("", "secrets") => vec![
            c("Name", name),
            c("Type", |o| json!(s(o, "/type"))),
            i("Data", |o| count(o, "/data")),
            age_col,
        ],
        ("", "serviceaccounts") => vec![
            c("Name", name),
            i("Secrets", |o| json!(arr(o, "/secrets").len())),
            age_col,
        ],
        ("", "endpoints") => vec![
            c("Name", name),
            c("Endpoints", |o| {
                let eps: Vec<String> = arr(o, "/subsets")
                    .iter()
                    .flat_map(|ss| {
                        let ports: Vec<i64> = ss
                            .get("ports")
                            .and_then(Value::as_array)
                            .map(|p| {
                                p.iter()
                                    .filter_map(|p| p.get("port").and_then(Value::as_i64))
                                    .collect()
                            })
                            .unwrap_or_default();
                        ss.get("addresses")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default()
                            .into_iter()
                            .flat_map(move |a| {
                                let ip = a
                                    .get("ip")
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_string();
                                ports.clone().into_iter().map(move |p| format!("{ip}:{p}"))
                            })
                    })
                    .collect();
                or_none(&eps.join(","))
            }),
            age_col,
        ],
        ("", "events") => vec![
            c("Last Seen", event_last_seen),
            c("Type", |o| json!(s(o, "/type"))),
            c("Reason", |o| json!(s(o, "/reason"))),
            c("Object", event_object),
            w("Subobject", |o| json!(s(o, "/involvedObject/fieldPath"))),
            w("Source", |o| json!(s(o, "/source/component"))),
            c("Message", |o| json!(s(o, "/message"))),
            w("First Seen", |o| json!(age(s(o, "/firstTimestamp")))),
            w("Count", |o| json!(n(o, "/count"))),
            w("Name", name),
        ],
        ("", "persistentvolumes") => vec![
            c("Name", name),
            c("Capacity", |o| json!(s(o, "/spec/capacity/storage"))),
            c("Access Modes", |o| json!(access_modes(o))),
            c("Reclaim Policy", |o| {
                json!(s(o, "/spec/persistentVolumeReclaimPolicy"))
            }),
            c("Status", |o| json!(s(o, "/status/phase"))),
            c("Claim", |o| {
                json!(if s(o, "/spec/claimRef/name").is_empty() {
                    String::new()
                } else {
                    format!(
                        "{}/{}",
                        s(o, "/spec/claimRef/namespace"),
                        s(o, "/spec/claimRef/name")
                    )
                })
            }),
            c("StorageClass", |o| json!(s(o, "/spec/storageClassName"))),
            c("VolumeAttributesClass", |_| json!("<unset>")),
            c("Reason", |o| json!(s(o, "/status/reason"))),
            age_col,
        ],
        ("", "persistentvolumeclaims") => vec![
            c("Name", name),
            c("Status", |o| json!(s(o, "/status/phase"))),
            c("Volume", |o| json!(s(o, "/spec/volumeName"))),
            c("Capacity", |o| json!(s(o, "/status/capacity/storage"))),
            c("Access Modes", |o| json!(access_modes(o))),
            c("StorageClass", |o| json!(s(o, "/spec/storageClassName"))),
            c("VolumeAttributesClass", |_| json!("<unset>")),
            age_col,
        ],
        ("apps", "deployments") => vec![
            c("Name", name),
            c("Ready", |o| {
                json!(format!(
                    "{}/{}",
                    n(o, "/status/readyReplicas"),
                    n(o, "/spec/replicas")
                ))
            }),
            i("Up-to-date", |o| json!(n(o, "/status/updatedReplicas"))),
            i("Available", |o| json!(n(o, "/status/availableReplicas"))),
            age_col,
            w("Containers", |o| {
                containers(o, "/spec/template/spec/containers", "name")
            }),
            w("Images", |o| {
                containers(o, "/spec/template/spec/containers", "image")
            }),
            w("Selector", |o| {
                json!(selector_text(o.pointer("/spec/selector")))
            }),
        ],
        ("apps", "replicasets") => vec![
            c("Name", name),
            i("Desired", |o| json!(n(o, "/spec/replicas"))),
            i("Current", |o| json!(n(o, "/status/replicas"))),
            i("Ready", |o| json!(n(o, "/status/readyReplicas"))),
            age_col,
            w("Containers", |o| {
                containers(o, "/spec/template/spec/containers", "name")
            }),
            w("Images", |o| {
                containers(o, "/spec/template/spec/containers", "image")
            }),
            w("Selector", |o| {
                json!(selector_text(o.pointer("/spec/selector")))
            }),
        ],
        ("apps", "statefulsets") => vec![
            c("Name", name),
            c("Ready", |o| {
                json!(format!(
                    "{}/{}",
                    n(o, "/status/readyReplicas"),
                    n(o, "/spec/replicas")
                ))
            }),
            age_col,
            w("Containers", |o| {
                containers(o, "/spec/template/spec/containers", "name")
            }),
            w("Images", |o| {
                containers(o, "/spec/template/spec/containers", "image")
            }),
        ],
        ("apps", "daemonsets") => vec![
            c("Name", name),
            i("Desired", |o| json!(n(o, "/status/desiredNumberScheduled"))),
            i("Current", |o| json!(n(o, "/status/currentNumberScheduled"))),
            i("Ready", |o| json!(n(o, "/status/numberReady"))),
            i("Up-to-date", |o| {
                json!(n(o, "/status/updatedNumberScheduled"))
            }),
            i("Available", |o| json!(n(o, "/status/numberAvailable"))),
            c("Node Selector", |o| {
                or_none(&selector_text(
                    o.pointer("/spec/template/spec/nodeSelector"),
                ))
            }),
            age_col,
        ],
        ("batch", "jobs") => vec![
            c("Name", name),
            c("Status", job_status),
            c("Completions", |o| {
                json!(format!(
                    "{}/{}",
                    n(o, "/status/succeeded"),
                    o.pointer("/spec/completions")
                        .and_then(Value::as_i64)
                        .unwrap_or(1)
                ))
            }),
            c("Duration", job_duration),
            age_col,
        ],
        ("batch", "cronjobs") => vec![
            c("Name", name),
            c("Schedule", |o| json!(s(o, "/spec/schedule"))),
            c("Timezone", |o| or_none(s(o, "/spec/timeZone"))),
            c("Suspend", |o| {
                json!(if o.pointer("/spec/suspend") == Some(&json!(true)) {
                    "True"
                } else {
                    "False"
                })
            }),
            i("Active", |o| json!(arr(o, "/status/active").len())),
            c("Last Schedule", |o| {
                json!(if s(o, "/status/lastScheduleTime").is_empty() {
                    "<none>".to_string()
                } else {
                    age(s(o, "/status/lastScheduleTime"))
                })
            }),
            age_col,
        ],
        ("autoscaling", "horizontalpodautoscalers") => vec![
            c("Name", name),
            c("Reference", |o| {
                json!(format!(
                    "{}/{}",
                    s(o, "/spec/scaleTargetRef/kind"),
                    s(o, "/spec/scaleTargetRef/name")
                ))
            }),
            c("Targets", hpa_targets),
            c("MinPods", |o| {
                json!(
                    o.pointer("/spec/minReplicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(1)
                        .to_string()
                )
            }),
            i("MaxPods", |o| json!(n(o, "/spec/maxReplicas"))),
            i("Replicas", |o| json!(n(o, "/status/currentReplicas"))),
            age_col,
        ],
        ("networking.k8s.io", "ingresses") => vec![
            c("Name", name),
            c("Class", |o| or_none(s(o, "/spec/ingressClassName"))),
            c("Hosts", |o| {
                let h: Vec<&str> = arr(o, "/spec/rules")
                    .iter()
                    .filter_map(|r| r.get("host").and_then(Value::as_str))
                    .collect();
                json!(if h.is_empty() {
                    "*".to_string()
                } else {
                    h.join(",")
                })
            }),
            c("Address", |o| {
                let a: Vec<&str> = arr(o, "/status/loadBalancer/ingress")
                    .iter()
                    .filter_map(|i| i.get("ip").or(i.get("hostname")).and_then(Value::as_str))
                    .collect();
                json!(a.join(","))
            }),
            c("Ports", |o| {
                json!(if arr(o, "/spec/tls").is_empty() {
                    "80"
                } else {
                    "80, 443"
                })
            }),
            age_col,
        ],
        ("networking.k8s.io", "ingressclasses") => vec![
            c("Name", name),
            c("Controller", |o| json!(s(o, "/spec/controller"))),
            c("Parameters", |_| json!("<none>")),
            age_col,
        ],
        ("networking.k8s.io", "networkpolicies") => vec![
            c("Name", name),
            c("Pod-Selector", |o| {
                or_none(&selector_text(o.pointer("/spec/podSelector")))
            }),
            age_col,
        ],
        ("policy", "poddisruptionbudgets") => vec![
            c("Name", name),
            c("Min Available", |o| int_or_str(o, "/spec/minAvailable")),
            c("Max Unavailable", |o| int_or_str(o, "/spec/maxUnavailable")),
            i("Allowed Disruptions", |o| {
                json!(n(o, "/status/disruptionsAllowed"))
            }),
            age_col,
        ],
        ("storage.k8s.io", "storageclasses") => vec![
            c("Name", |o| {
                let default = s(
                    o,
                    "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
                ) == "true";
                json!(if default {
                    format!("{} (default)", crate::store::name_of(o))
                } else {
                    crate::store::name_of(o).to_string()
                })
            }),
            c("Provisioner", |o| json!(s(o, "/provisioner"))),
            c("ReclaimPolicy", |o| {
                json!(if s(o, "/reclaimPolicy").is_empty() {
                    "Delete"
                } else {
                    s(o, "/reclaimPolicy")
                })
            }),
            c("VolumeBindingMode", |o| {
                json!(if s(o, "/volumeBindingMode").is_empty() {
                    "Immediate"
                } else {
                    s(o, "/volumeBindingMode")
                })
            }),
            c("AllowVolumeExpansion", |o| {
                json!(
                    o.get("allowVolumeExpansion")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                        .to_string()
                )
            }),
            age_col,
        ],
        ("rbac.authorization.k8s.io", "roles" | "clusterroles") | ("apiextensions.k8s.io", _) => {
            vec![c("Name", name), c("Created At", created_at)]
        }
        ("rbac.authorization.k8s.io", _) => vec![
            c("Name", name),
            c("Role", |o| {
                json!(format!(
                    "{}/{}",
                    s(o, "/roleRef/kind"),
                    s(o, "/roleRef/name")
                ))
            }),
            age_col,
        ],
        ("coordination.k8s.io", "leases") => vec![
            c("Name", name),
            c("Holder", |o| json!(s(o, "/spec/holderIdentity"))),
            age_col,
        ],
        _ => vec![c("Name", name), age_col],
    }
}

fn access_modes(o: &Value) -> String {
    arr(o, "/spec/accessModes")
        .iter()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_status_prefers_container_waiting_reasons() {
        let pod = json!({"status": {"phase": "Pending", "containerStatuses": [{"state": {"waiting": {"reason": "ImagePullBackOff"}}}]}});
        assert_eq!(pod_status(&pod), "ImagePullBackOff");
        let done = json!({"status": {"phase": "Succeeded", "containerStatuses": [{"state": {"terminated": {"reason": "Completed"}}}]}});
        assert_eq!(pod_status(&done), "Completed");
        assert_eq!(
            pod_status(&json!({"metadata": {"deletionTimestamp": "x"}})),
            "Terminating"
        );
    }
}
