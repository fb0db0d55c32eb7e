//! Pods: phase and reason, placement, addresses, QoS, restarts, readiness gates; every container
//! (init and sidecar too) with its state, resources, environment, mounts and probes; and the pod's
//! volumes. Environment values from Secrets are named, never read.

use std::collections::BTreeMap;

use model::detail::{
    ContainerInfo, ContainerState, EnvSource, EnvVar, FieldValue, Mount, ObjectDetail, Probe,
};
use model::resources::Tone;
use serde_json::Value;

use super::fields::{Facts, Table, arr, b, cell, code_cell, i, obj_ref, pairs, s, time};

pub(super) fn fill(d: &mut ObjectDetail, pod: &Value) {
    let ns = d.namespace.clone();
    let ns = ns.as_deref();
    let mut f = Facts::default();
    let phase = s(pod, "/status/phase");
    let phase_tone = match phase {
        "Running" | "Succeeded" => Tone::Good,
        "Pending" => Tone::Warning,
        "Failed" => Tone::Bad,
        _ => Tone::Neutral,
    };
    if !phase.is_empty() {
        f.add(
            "phase",
            "Phase",
            vec![FieldValue::status(phase, phase_tone)],
        );
    }
    f.text("reason", "Reason", s(pod, "/status/reason"));
    f.text("message", "Message", s(pod, "/status/message"));
    let node = s(pod, "/spec/nodeName");
    f.link("node", "Node", node, obj_ref("nodes", None, node));
    let mut ips: Vec<FieldValue> = arr(pod, "/status/podIPs")
        .iter()
        .map(|ip| FieldValue::code(s(ip, "/ip")))
        .collect();
    if ips.is_empty() {
        ips.push(FieldValue::code(s(pod, "/status/podIP")));
    }
    f.add("pod_ips", "Pod IPs", ips);
    f.code("host_ip", "Host IP", s(pod, "/status/hostIP"));
    f.text("qos_class", "QoS class", s(pod, "/status/qosClass"));
    let account = match s(pod, "/spec/serviceAccountName") {
        "" => "default",
        name => name,
    };
    f.link(
        "service_account",
        "Service account",
        account,
        obj_ref("serviceaccounts", ns, account),
    );
    let restarts: i64 = arr(pod, "/status/containerStatuses")
        .iter()
        .chain(arr(pod, "/status/initContainerStatuses"))
        .filter_map(|c| i(c, "/restartCount"))
        .sum();
    f.number("restarts", "Restarts", Some(restarts));
    let priority = i(pod, "/spec/priority").map(|p| match s(pod, "/spec/priorityClassName") {
        "" => p.to_string(),
        class => format!("{p} ({class})"),
    });
    f.text("priority", "Priority", priority.unwrap_or_default());
    f.time("start_time", "Started", time(pod, "/status/startTime"));
    f.text(
        "restart_policy",
        "Restart policy",
        s(pod, "/spec/restartPolicy"),
    );
    f.map(
        "node_selector",
        "Node selector",
        pairs(pod, "/spec/nodeSelector"),
    );
    let gates = arr(pod, "/spec/readinessGates")
        .iter()
        .map(|g| {
            let kind = s(g, "/conditionType");
            let status = arr(pod, "/status/conditions")
                .iter()
                .find(|c| s(c, "/type") == kind)
                .map_or("<none>", |c| s(c, "/status"));
            let tone = match status {
                "True" => Tone::Good,
                "False" => Tone::Bad,
                _ => Tone::Neutral,
            };
            FieldValue::status(format!("{kind}: {status}"), tone)
        })
        .collect();
    f.add("readiness_gates", "Readiness gates", gates);
    f.number(
        "termination_grace",
        "Termination grace (s)",
        i(pod, "/spec/terminationGracePeriodSeconds"),
    );
    d.summary.extend(f.fields);
    d.containers = containers(pod, ns);
    d.tables.extend(volumes(pod, ns));
    d.tables.extend(tolerations(pod));
}

/// Init containers (and sidecars) first, then the containers, each with its status.
fn containers(pod: &Value, ns: Option<&str>) -> Vec<ContainerInfo> {
    let init = arr(pod, "/spec/initContainers").iter().map(|c| (c, true));
    let main = arr(pod, "/spec/containers").iter().map(|c| (c, false));
    init.chain(main)
        .map(|(spec, is_init)| {
            let name = s(spec, "/name");
            let statuses = if is_init {
                "/status/initContainerStatuses"
            } else {
                "/status/containerStatuses"
            };
            let status = arr(pod, statuses).iter().find(|c| s(c, "/name") == name);
            container(spec, status, is_init, ns)
        })
        .collect()
}

fn container(spec: &Value, status: Option<&Value>, init: bool, ns: Option<&str>) -> ContainerInfo {
    let strings = |pointer: &str| -> Vec<String> {
        arr(spec, pointer)
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let quantities =
        |pointer: &str| -> BTreeMap<String, String> { pairs(spec, pointer).into_iter().collect() };
    ContainerInfo {
        name: s(spec, "/name").into(),
        init,
        sidecar: init && s(spec, "/restartPolicy") == "Always",
        image: s(spec, "/image").into(),
        image_id: status
            .map(|st| s(st, "/imageID"))
            .unwrap_or_default()
            .into(),
        state: status
            .and_then(|st| st.get("state"))
            .map_or(ContainerState::Unknown, state),
        last_state: status
            .and_then(|st| st.get("lastState"))
            .map(state)
            .filter(|st| *st != ContainerState::Unknown),
        ready: status.and_then(|st| b(st, "/ready")).unwrap_or(false),
        restarts: status.and_then(|st| i(st, "/restartCount")).unwrap_or(0),
        command: strings("/command"),
        args: strings("/args"),
        ports: arr(spec, "/ports").iter().map(port).collect(),
        requests: quantities("/resources/requests"),
        limits: quantities("/resources/limits"),
        env: env(spec, ns),
        mounts: arr(spec, "/volumeMounts")
            .iter()
            .map(|m| Mount {
                volume: s(m, "/name").into(),
                path: s(m, "/mountPath").into(),
                read_only: b(m, "/readOnly").unwrap_or(false),
                sub_path: s(m, "/subPath").into(),
            })
            .collect(),
        probes: ["liveness", "readiness", "startup"]
            .into_iter()
            .filter_map(|kind| spec.get(format!("{kind}Probe")).map(|p| probe(kind, p)))
            .collect(),
    }
}

/// A container state (`state` or `lastState`).
fn state(v: &Value) -> ContainerState {
    if let Some(r) = v.get("running") {
        ContainerState::Running {
            since: time(r, "/startedAt"),
        }
    } else if let Some(t) = v.get("terminated") {
        ContainerState::Terminated {
            reason: s(t, "/reason").into(),
            exit_code: i(t, "/exitCode")
                .and_then(|c| i32::try_from(c).ok())
                .unwrap_or_default(),
            message: s(t, "/message").into(),
            started: time(t, "/startedAt"),
            finished: time(t, "/finishedAt"),
        }
    } else if let Some(w) = v.get("waiting") {
        ContainerState::Waiting {
            reason: s(w, "/reason").into(),
            message: s(w, "/message").into(),
        }
    } else {
        ContainerState::Unknown
    }
}

/// `8080/TCP (http)`, `53/UDP → host 53`.
fn port(p: &Value) -> String {
    let mut text = format!(
        "{}/{}",
        i(p, "/containerPort").unwrap_or_default(),
        match s(p, "/protocol") {
            "" => "TCP",
            proto => proto,
        }
    );
    if let Some(host) = i(p, "/hostPort") {
        text.push_str(&format!(" → host {host}"));
    }
    if let Some(name) = p.get("name").and_then(Value::as_str) {
        text.push_str(&format!(" ({name})"));
    }
    text
}

fn env(spec: &Value, ns: Option<&str>) -> Vec<EnvVar> {
    let mut out: Vec<EnvVar> = arr(spec, "/env")
        .iter()
        .map(|e| {
            let from = e.get("valueFrom").and_then(|from| {
                if let Some(r) = from.get("secretKeyRef") {
                    Some(EnvSource::Secret {
                        target: obj_ref("secrets", ns, s(r, "/name")),
                        key: Some(s(r, "/key").into()),
                    })
                } else if let Some(r) = from.get("configMapKeyRef") {
                    Some(EnvSource::ConfigMap {
                        target: obj_ref("configmaps", ns, s(r, "/name")),
                        key: Some(s(r, "/key").into()),
                    })
                } else if let Some(r) = from.get("fieldRef") {
                    Some(EnvSource::Field {
                        path: s(r, "/fieldPath").into(),
                    })
                } else {
                    from.get("resourceFieldRef").map(|r| EnvSource::Resource {
                        resource: s(r, "/resource").into(),
                        container: s(r, "/containerName").into(),
                    })
                }
            });
            EnvVar {
                name: s(e, "/name").into(),
                // A literal is part of the pod spec, readable by anyone who can read the pod.
                value: e.get("value").and_then(Value::as_str).map(str::to_string),
                from,
            }
        })
        .collect();
    for e in arr(spec, "/envFrom") {
        let from = if let Some(r) = e.get("secretRef") {
            EnvSource::Secret {
                target: obj_ref("secrets", ns, s(r, "/name")),
                key: None,
            }
        } else if let Some(r) = e.get("configMapRef") {
            EnvSource::ConfigMap {
                target: obj_ref("configmaps", ns, s(r, "/name")),
                key: None,
            }
        } else {
            continue;
        };
        out.push(EnvVar {
            name: s(e, "/prefix").into(),
            value: None,
            from: Some(from),
        });
    }
    out
}

fn probe(kind: &str, p: &Value) -> Probe {
    let port = |v: &Value| scalar_port(v.get("port"));
    let action = if let Some(h) = p.get("httpGet") {
        let scheme = if s(h, "/scheme") == "HTTPS" {
            "HTTPS"
        } else {
            "HTTP"
        };
        format!("{scheme} GET :{}{}", port(h), s(h, "/path"))
    } else if let Some(t) = p.get("tcpSocket") {
        format!("TCP :{}", port(t))
    } else if let Some(g) = p.get("grpc") {
        format!("gRPC :{}", port(g))
    } else if let Some(e) = p.get("exec") {
        let words: Vec<&str> = arr(e, "/command")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        format!("exec {}", words.join(" "))
    } else {
        String::new()
    };
    Probe {
        kind: kind.into(),
        action,
        // Kubernetes' defaults, as `kubectl describe` prints them.
        initial_delay_seconds: i(p, "/initialDelaySeconds").unwrap_or(0),
        period_seconds: i(p, "/periodSeconds").unwrap_or(10),
        timeout_seconds: i(p, "/timeoutSeconds").unwrap_or(1),
        failure_threshold: i(p, "/failureThreshold").unwrap_or(3),
    }
}

/// A port given as a number or a name.
fn scalar_port(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(name)) => name.clone(),
        _ => String::new(),
    }
}

/// The pod's volumes: name, type, and what backs them (linked when it is an object).
fn volumes(pod: &Value, ns: Option<&str>) -> Option<model::detail::DetailTable> {
    let mut t = Table::new(
        "volumes",
        "Volumes",
        &[("name", "Name"), ("type", "Type"), ("source", "Source")],
    );
    for v in arr(pod, "/spec/volumes") {
        let Some((kind, source)) = v
            .as_object()
            .and_then(|m| m.iter().find(|(k, _)| k.as_str() != "name"))
        else {
            continue;
        };
        let backing = volume_source(kind, source, ns);
        t.row(vec![cell(s(v, "/name")), code_cell(kind.clone()), backing]);
    }
    t.done()
}

fn volume_source(kind: &str, v: &Value, ns: Option<&str>) -> Vec<FieldValue> {
    let link = |k: &str, name: &str| FieldValue::link(name, obj_ref(k, ns, name));
    match kind {
        "configMap" => vec![link("configmaps", s(v, "/name"))],
        "secret" => vec![link("secrets", s(v, "/secretName"))],
        "persistentVolumeClaim" => vec![link("persistentvolumeclaims", s(v, "/claimName"))],
        "projected" => arr(v, "/sources")
            .iter()
            .filter_map(|src| {
                if let Some(c) = src.get("configMap") {
                    Some(link("configmaps", s(c, "/name")))
                } else if let Some(c) = src.get("secret") {
                    Some(link("secrets", s(c, "/name")))
                } else if src.get("serviceAccountToken").is_some() {
                    Some(FieldValue::code("serviceAccountToken"))
                } else if src.get("downwardAPI").is_some() {
                    Some(FieldValue::code("downwardAPI"))
                } else {
                    src.as_object()
                        .and_then(|m| m.keys().next())
                        .map(|k| FieldValue::code(k.clone()))
                }
            })
            .collect(),
        "emptyDir" => {
            let medium = s(v, "/medium");
            let limit = s(v, "/sizeLimit");
            code_cell(
                [medium, limit]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
            )
        }
        "hostPath" => code_cell(s(v, "/path")),
        "nfs" => code_cell(format!("{}:{}", s(v, "/server"), s(v, "/path"))),
        "csi" => code_cell(s(v, "/driver")),
        _ => Vec::new(),
    }
}

fn tolerations(pod: &Value) -> Option<model::detail::DetailTable> {
    let mut t = Table::new(
        "tolerations",
        "Tolerations",
        &[
            ("key", "Key"),
            ("operator", "Operator"),
            ("value", "Value"),
            ("effect", "Effect"),
            ("seconds", "Seconds"),
        ],
    );
    for tol in arr(pod, "/spec/tolerations") {
        t.row(vec![
            code_cell(match s(tol, "/key") {
                "" => "*",
                k => k,
            }),
            cell(match s(tol, "/operator") {
                "" => "Equal",
                op => op,
            }),
            code_cell(s(tol, "/value")),
            cell(s(tol, "/effect")),
            cell(
                i(tol, "/tolerationSeconds")
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
        ]);
    }
    t.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_environment_is_a_reference_without_a_value() {
        let spec = json!({"name": "db", "env": [
            {"name": "PLAIN", "value": "x"},
            {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
        ], "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}]});
        let vars = env(&spec, Some("shop"));
        assert_eq!(vars[0].value.as_deref(), Some("x"));
        assert_eq!(vars[1].value, None);
        assert!(matches!(
            &vars[1].from,
            Some(EnvSource::Secret { target, key: Some(k) }) if target.name == "creds" && k == "password"
        ));
        assert!(matches!(
            &vars[2].from,
            Some(EnvSource::ConfigMap { key: None, .. })
        ));
        assert_eq!(vars[2].name, "CFG_");
    }

    #[test]
    fn probes_read_like_kubectl_describe() {
        let p = probe(
            "readiness",
            &json!({"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5}),
        );
        assert_eq!(p.action, "HTTP GET :8080/healthz");
        assert_eq!(
            (p.period_seconds, p.timeout_seconds, p.failure_threshold),
            (5, 1, 3)
        );
        let t = probe("liveness", &json!({"tcpSocket": {"port": "pg"}}));
        assert_eq!(t.action, "TCP :pg");
    }

    #[test]
    fn container_states_carry_reasons_and_exit_codes() {
        let crashed = state(&json!({"terminated": {"reason": "Error", "exitCode": 137}}));
        assert!(
            matches!(crashed, ContainerState::Terminated { exit_code: 137, ref reason, .. } if reason == "Error")
        );
        let waiting =
            state(&json!({"waiting": {"reason": "ImagePullBackOff", "message": "no such image"}}));
        assert_eq!(waiting.tone(), Tone::Bad);
        assert_eq!(state(&json!({})), ContainerState::Unknown);
    }
}
