//! The default scenario: a small, realistic cluster. Three nodes (a general worker, a GPU worker, a tainted
//! control-plane node), namespaces `shop` and `monitoring` besides the defaults, and a shop demo whose
//! workloads go through the real scheduler, kubelet and controllers, so the console shows them coming up.

use serde_json::{Value, json};

use super::nodes::{NodeShape, node};
use crate::behaviour::object::{kinds, now_rfc3339};
use crate::store::{GroupResource, Store, WriteOptions};

fn put(store: &Store, kind: &GroupResource, obj: Value) {
    // Seeding is idempotent: an object that already exists (a restart over a kept store) is left alone.
    let _ = store.create(kind, obj, &WriteOptions::manager("sandbox-seed"));
}

fn deployment(ns: &str, name: &str, image: &str, replicas: i64, port: i64, extra: Value) -> Value {
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

fn service(ns: &str, name: &str, cluster_ip: &str, port: i64, target: i64) -> Value {
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

fn shop(store: &Store) {
    let ns = "shop";
    let frontend = deployment(
        ns,
        "frontend",
        "nginx:1.27",
        3,
        80,
        json!({
            "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 1},
        }),
    );
    put(store, &kinds::deployments(), frontend);
    put(
        store,
        &kinds::deployments(),
        deployment(
            ns,
            "cart",
            "ghcr.io/capstan-demo/cart:1.4.2",
            2,
            8080,
            json!({}),
        ),
    );
    put(
        store,
        &kinds::deployments(),
        deployment(
            ns,
            "catalog",
            "ghcr.io/capstan-demo/catalog:2.1.0",
            2,
            8080,
            json!({}),
        ),
    );
    put(
        store,
        &kinds::deployments(),
        deployment(
            ns,
            "recommender",
            "ghcr.io/capstan-demo/recommender:0.9.1",
            1,
            8080,
            json!({
                "resources": {"requests": {"cpu": "500m", "memory": "2Gi", "nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "1"}},
            }),
        ),
    );
    put(
        store,
        &kinds::services(),
        service(ns, "frontend", "10.96.10.10", 80, 80),
    );
    put(
        store,
        &kinds::services(),
        service(ns, "cart", "10.96.10.11", 8080, 8080),
    );
    put(
        store,
        &kinds::services(),
        service(ns, "catalog", "10.96.10.12", 8080, 8080),
    );
    put(
        store,
        &kinds::services(),
        service(ns, "recommender", "10.96.10.13", 8080, 8080),
    );
    let mut db_service = service(ns, "postgres", "None", 5432, 5432);
    db_service["spec"]["clusterIP"] = json!("None");
    db_service["spec"]["clusterIPs"] = json!(["None"]);
    put(store, &kinds::services(), db_service);
    put(
        store,
        &kinds::stateful_sets(),
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "postgres", "namespace": ns, "labels": {"app": "postgres"}},
            "spec": {
                "serviceName": "postgres", "replicas": 1,
                "selector": {"matchLabels": {"app": "postgres"}},
                "template": {"metadata": {"labels": {"app": "postgres"}}, "spec": {"containers": [{
                    "name": "postgres", "image": "postgres:16.4",
                    "ports": [{"containerPort": 5432, "name": "postgres"}],
                    "env": [{"name": "POSTGRES_DB", "value": "shop"}, {"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "password"}}}],
                    "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}},
                }]}},
            },
        }),
    );
    put(
        store,
        &GroupResource::core("configmaps"),
        json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "frontend-config", "namespace": ns},
            "data": {"nginx.conf": "server {\n  listen 80;\n  location / { root /usr/share/nginx/html; }\n  location /api/ { proxy_pass http://catalog:8080; }\n}\n"},
        }),
    );
    put(
        store,
        &GroupResource::core("configmaps"),
        json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shop-settings", "namespace": ns},
            "data": {"CURRENCY": "EUR", "FEATURE_RECOMMENDATIONS": "true", "CART_TTL_MINUTES": "30"},
        }),
    );
    put(
        store,
        &GroupResource::core("secrets"),
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "postgres-credentials", "namespace": ns},
            "data": {"username": "c2hvcA==", "password": "czNjcjN0LXNhbmRib3g="},
        }),
    );
    put(
        store,
        &GroupResource::core("secrets"),
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "shop-tls", "namespace": ns},
            "data": {"tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==", "tls.key": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg=="},
        }),
    );
    put(
        store,
        &GroupResource::new("networking.k8s.io", "ingressclasses"),
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
            "spec": {"controller": "k8s.io/ingress-nginx"},
        }),
    );
    put(
        store,
        &GroupResource::new("networking.k8s.io", "ingresses"),
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "shop", "namespace": ns},
            "spec": {
                "ingressClassName": "nginx",
                "tls": [{"hosts": ["shop.sandbox.local"], "secretName": "shop-tls"}],
                "rules": [{"host": "shop.sandbox.local", "http": {"paths": [
                    {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "frontend", "port": {"number": 80}}}},
                    {"path": "/api/cart", "pathType": "Prefix", "backend": {"service": {"name": "cart", "port": {"number": 8080}}}},
                ]}}],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.100"}]}},
        }),
    );
    put(
        store,
        &kinds::cron_jobs(),
        json!({
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "nightly-report", "namespace": ns},
            "spec": {
                "schedule": "0 2 * * *", "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                "jobTemplate": {"spec": {"backoffLimit": 2, "template": {"spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [{"name": "report", "image": "busybox:1.36", "command": ["sh", "-c", "echo generating nightly report; sleep 5; echo report done"]}],
                }}}},
            },
        }),
    );
    put(
        store,
        &GroupResource::new("policy", "poddisruptionbudgets"),
        json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "frontend", "namespace": ns},
            "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "frontend"}}},
        }),
    );
    put(
        store,
        &kinds::hpas(),
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "cart", "namespace": ns},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "cart"},
                "minReplicas": 2, "maxReplicas": 6,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}],
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
    system(store);
    shop(store);
    monitoring(store);
}
