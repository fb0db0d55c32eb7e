//! The default scenario: a small, realistic cluster. Three nodes (a general worker, a GPU worker, a tainted
//! control-plane node), a default StorageClass, namespaces `shop` and `monitoring` besides the defaults, and a shop demo whose
//! workloads go through the real scheduler, kubelet and controllers, so the console shows them coming up.

use serde_json::{Value, json};

use super::nodes::{NodeShape, node};
use crate::behaviour::object::{kinds, now_rfc3339};
use crate::store::{GroupResource, Store, WriteOptions};

pub(super) fn put(store: &Store, kind: &GroupResource, mut obj: Value) {
    // The API server's defaults, as if created through it: a later `kubectl rollout undo` copies a
    // defaulted template back, which must hash like the original.
    if let Some(rt) = store.resource_type(kind) {
        crate::defaults::apply(&rt, &mut obj);
        if obj.get("status").is_none() {
            crate::defaults::initial_status(&rt, &mut obj);
        }
    }
    // Seeding is idempotent: an object that already exists (a restart over a kept store) is left alone.
    let _ = store.create(kind, obj, &WriteOptions::manager("sandbox-seed"));
}

pub(super) fn deployment(
    ns: &str,
    name: &str,
    image: &str,
    replicas: i64,
    port: i64,
    extra: Value,
) -> Value {
    let mut container = json!({
        "name": name,
        "image": image,
        "ports": [{"containerPort": port, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "env": [{"name": "APP_ENV", "value": "demo"}, {"name": "LOG_LEVEL", "value": "info"}],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": port}, "initialDelaySeconds": 2, "periodSeconds": 10},
    });
    if let (Some(c), Some(e)) = (container.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            c.insert(k.clone(), v.clone());
        }
    }
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name, "app.kubernetes.io/part-of": "shop"}},
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": name, "app.kubernetes.io/part-of": "shop"}},
                "spec": {"containers": [container]},
            },
        },
    })
}

pub(super) fn service(ns: &str, name: &str, cluster_ip: &str, port: i64, target: i64) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {
            "type": "ClusterIP", "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
            "selector": {"app": name},
            "ports": [{"name": "http", "port": port, "targetPort": target, "protocol": "TCP"}],
            "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
        },
        "status": {"loadBalancer": {}},
    })
}

fn nodes(store: &Store) {
    let created = now_rfc3339();
    let no_taints = json!([]);
    let shapes = [
        NodeShape {
            name: "sandbox-control-plane",
            index: 0,
            cpu: "4",
            memory: "8Gi",
            gpus: 0,
            max_pods: 110,
            extra_labels: &[("node-role.kubernetes.io/control-plane", "")],
            taints: json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
            created: &created,
        },
        NodeShape {
            name: "sandbox-worker-1",
            index: 1,
            cpu: "8",
            memory: "32Gi",
            gpus: 0,
            max_pods: 110,
            extra_labels: &[("node-role.kubernetes.io/worker", "")],
            taints: no_taints.clone(),
            created: &created,
        },
        NodeShape {
            name: "sandbox-gpu-1",
            index: 2,
            cpu: "8",
            memory: "61Gi",
            gpus: 2,
            max_pods: 110,
            extra_labels: &[
                ("node-role.kubernetes.io/worker", ""),
                ("nvidia.com/gpu.present", "true"),
                ("accelerator", "nvidia-tesla-t4"),
            ],
            taints: no_taints,
            created: &created,
        },
    ];
    for shape in &shapes {
        put(store, &kinds::nodes(), node(shape));
    }
}

fn system(store: &Store) {
    put(
        store,
        &kinds::services(),
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                     "ports": [{"name": "https", "port": 443, "targetPort": 6443, "protocol": "TCP"}]},
        }),
    );
    let mut coredns = deployment(
        "kube-system",
        "coredns",
        "registry.k8s.io/coredns/coredns:v1.11.3",
        2,
        53,
        json!({
            "args": ["-conf", "/etc/coredns/Corefile"],
            "resources": {"requests": {"cpu": "100m", "memory": "70Mi"}, "limits": {"memory": "170Mi"}},
        }),
    );
    coredns["metadata"]["labels"] = json!({"k8s-app": "kube-dns"});
    coredns["spec"]["selector"] = json!({"matchLabels": {"k8s-app": "kube-dns"}});
    coredns["spec"]["template"]["metadata"]["labels"] = json!({"k8s-app": "kube-dns"});
    coredns["spec"]["template"]["spec"]["tolerations"] =
        json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    coredns["spec"]["template"]["spec"]["priorityClassName"] = json!("system-cluster-critical");
    put(store, &kinds::deployments(), coredns);
    let mut dns = service("kube-system", "kube-dns", "10.96.0.10", 53, 53);
    dns["spec"]["selector"] = json!({"k8s-app": "kube-dns"});
    dns["spec"]["ports"] = json!([{"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"}]);
    put(store, &kinds::services(), dns);
    put(
        store,
        &kinds::daemon_sets(),
        json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
            "spec": {
                "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                "template": {
                    "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                    "spec": {
                        "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.35.0",
                                        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf"],
                                        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}],
                        "tolerations": [{"operator": "Exists"}],
                        "priorityClassName": "system-node-critical",
                    },
                },
            },
        }),
    );
}

fn monitoring(store: &Store) {
    let mut prometheus = deployment(
        "monitoring",
        "prometheus",
        "quay.io/prometheus/prometheus:v2.54.1",
        1,
        9090,
        json!({
            "args": ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.retention.time=15d"],
            "resources": {"requests": {"cpu": "200m", "memory": "512Mi"}},
        }),
    );
    prometheus["metadata"]["labels"]["app.kubernetes.io/part-of"] = json!("monitoring");
    put(store, &kinds::deployments(), prometheus);
    put(
        store,
        &kinds::services(),
        service("monitoring", "prometheus", "10.96.20.10", 9090, 9090),
    );
}

/// The default StorageClass, like kind's local-path `standard` class, but binding at once: the sandbox
/// scheduler does not place pods by volume topology, so there is nothing to wait for.
fn storage(store: &Store) {
    put(
        store,
        &kinds::storage_classes(),
        json!({
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
        }),
    );
}

/// Seeds the demo cluster.
pub fn apply(store: &Store) {
    for ns in ["shop", "monitoring"] {
        put(
            store,
            &kinds::namespaces(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}}}),
        );
    }
    nodes(store);
    storage(store);
    system(store);
    super::shop::apply(store);
    monitoring(store);
}
