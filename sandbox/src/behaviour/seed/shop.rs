//! The shop demo in namespace `shop`: frontend (nginx), cart, catalog and a GPU recommender behind
//! services and an ingress, a postgres StatefulSet, config maps and secrets, a nightly CronJob, a
//! PodDisruptionBudget and an HPA: one of everything the console shows.

use serde_json::json;

use super::demo::{deployment, put, service};
use crate::behaviour::object::kinds;
use crate::store::{GroupResource, Store};

/// Seeds the shop demo (the namespace must exist).
pub fn apply(store: &Store) {
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
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}],
            },
        }),
    );
}
