//! The scale scenario: thousands of nodes and up to 150 000 pods inserted straight into the store in one
//! pass, already bound and Running with a complete status, together with the Deployments and ReplicaSets
//! that own them, their statuses settled so no controller has anything to do at start-up. Nothing goes
//! through the scheduler or kubelet one pod at a time, which is what makes it take seconds.
//!
//! Objects are kept lean (what `kubectl get -o wide` and the console read), since every field is a
//! heap allocation multiplied by 150 000.

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use super::nodes::{NodeShape, node};
use crate::behaviour::controllers::pod_template::template_hash;
use crate::behaviour::object::{kinds, now_rfc3339};
use crate::store::{GroupResource, Store, WriteOptions};

/// Pods per Deployment in the scale scenario.
pub const REPLICAS_PER_DEPLOYMENT: usize = 30;
/// Deployments per namespace.
const DEPLOYMENTS_PER_NAMESPACE: usize = 100;

const IMAGES: [&str; 6] = [
    "nginx:1.27",
    "ghcr.io/capstan-demo/cart:1.4.2",
    "ghcr.io/capstan-demo/catalog:2.1.0",
    "redis:7.4",
    "ghcr.io/capstan-demo/worker:3.0.1",
    "envoyproxy/envoy:v1.31",
];

/// The name of scale node `i`.
pub fn node_name(i: usize) -> String {
    format!("node-{i:05}")
}

fn insert(store: &Store, kind: &GroupResource, obj: Value) -> Option<std::sync::Arc<Value>> {
    // No field manager: managedFields for 150 000 seeded pods would double their memory.
    store.create(kind, obj, &WriteOptions::default()).ok()
}

fn nodes(store: &Store, count: usize) {
    let created = now_rfc3339();
    for i in 0..count {
        let name = node_name(i);
        let gpu = i % 50 == 49;
        let tainted = i % 100 == 99;
        let taints = if tainted {
            json!([{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}])
        } else {
            json!([])
        };
        let labels: &[(&str, &str)] = if gpu {
            &[
                ("node-role.kubernetes.io/worker", ""),
                ("nvidia.com/gpu.present", "true"),
            ]
        } else {
            &[("node-role.kubernetes.io/worker", "")]
        };
        let shape = NodeShape {
            name: &name,
            index: i + 10,
            cpu: "32",
            memory: "128Gi",
            gpus: if gpu { 4 } else { 0 },
            max_pods: 110,
            extra_labels: labels,
            taints,
            created: &created,
        };
        insert(store, &kinds::nodes(), node(&shape));
    }
}

struct Workload {
    namespace: String,
    name: String,
    image: &'static str,
    hash: String,
    template: Value,
    replicas: usize,
}

/// The pod template with the API server's defaults, as a Deployment created through the API would have
/// it (so `kubectl rollout undo` finds the same hash again).
fn template(store: &Store, w: &Workload) -> Value {
    let mut deployment = json!({"spec": {"template": {
        "metadata": {"labels": {"app": w.name}},
        "spec": {"containers": [{"name": "app", "image": w.image, "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}]},
    }}});
    if let Some(rt) = store.resource_type(&kinds::deployments()) {
        crate::defaults::apply(&rt, &mut deployment);
    }
    deployment["spec"]["template"].take()
}

fn owner(kind: &str, api_version: &str, obj: &Value) -> Value {
    json!([{"apiVersion": api_version, "kind": kind, "name": obj["metadata"]["name"], "uid": obj["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}])
}

fn settled_status(replicas: usize) -> Value {
    json!({"observedGeneration": 1, "replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas, "updatedReplicas": replicas, "fullyLabeledReplicas": replicas})
}

/// Inserts a Deployment and its ReplicaSet; returns the ReplicaSet.
fn insert_workload(store: &Store, w: &Workload) -> Option<std::sync::Arc<Value>> {
    let now = now_rfc3339();
    let deployment = insert(
        store,
        &kinds::deployments(),
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": w.name, "namespace": w.namespace, "labels": {"app": w.name}, "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": w.replicas, "selector": {"matchLabels": {"app": w.name}}, "template": w.template.clone()},
            "status": {
                "observedGeneration": 1, "replicas": w.replicas, "readyReplicas": w.replicas, "availableReplicas": w.replicas, "updatedReplicas": w.replicas,
                "conditions": [
                    {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.", "lastTransitionTime": now, "lastUpdateTime": now},
                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": format!("ReplicaSet \"{}-{}\" has successfully progressed.", w.name, w.hash), "lastTransitionTime": now, "lastUpdateTime": now},
                ],
            },
        }),
    )?;
    let mut rs_template = w.template.clone();
    rs_template["metadata"]["labels"]["pod-template-hash"] = json!(w.hash);
    insert(
        store,
        &kinds::replica_sets(),
        json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {
                "name": format!("{}-{}", w.name, w.hash), "namespace": w.namespace,
                "labels": {"app": w.name, "pod-template-hash": w.hash},
                "annotations": {"deployment.kubernetes.io/revision": "1"},
                "ownerReferences": owner("Deployment", "apps/v1", &deployment),
            },
            "spec": {"replicas": w.replicas, "selector": {"matchLabels": {"app": w.name, "pod-template-hash": w.hash}}, "template": rs_template},
            "status": settled_status(w.replicas),
        }),
    )
}

fn pod(w: &Workload, rs: &Value, index: usize, node: usize, started: &str) -> Value {
    let name = format!("{}-{}-{index:05x}", w.name, w.hash);
    let pod_ip = format!(
        "10.{}.{}.{}",
        64 + (node + 10) / 65_536 % 64,
        (node + 10) / 256 % 256,
        2 + index % 250
    );
    let host_ip = format!("10.0.{}.{}", (node + 10) / 250, 10 + (node + 10) % 250);
    let condition =
        |kind: &str| json!({"type": kind, "status": "True", "lastTransitionTime": started});
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": w.namespace,
            "labels": {"app": w.name, "pod-template-hash": w.hash},
            "ownerReferences": owner("ReplicaSet", "apps/v1", rs),
        },
        "spec": {
            "containers": [{"name": "app", "image": w.image, "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}],
            "nodeName": node_name(node), "restartPolicy": "Always", "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30,
        },
        "status": {
            "phase": "Running", "podIP": pod_ip, "hostIP": host_ip, "startTime": started, "qosClass": "Burstable",
            "conditions": [condition("Initialized"), condition("Ready"), condition("ContainersReady"), condition("PodScheduled")],
            "containerStatuses": [{"name": "app", "image": w.image, "ready": true, "started": true, "restartCount": 0, "state": {"running": {"startedAt": started}}}],
        },
    })
}

/// Seeds `node_count` nodes and `pod_count` pods (rounded into Deployments of
/// [`REPLICAS_PER_DEPLOYMENT`]).
pub fn apply(store: &Store, node_count: usize, pod_count: usize) {
    let node_count = node_count.max(1);
    nodes(store, node_count);
    let workloads = pod_count.div_ceil(REPLICAS_PER_DEPLOYMENT);
    let namespaces = workloads.div_ceil(DEPLOYMENTS_PER_NAMESPACE).max(1);
    for n in 0..namespaces {
        let name = format!("team-{n:03}");
        insert(
            store,
            &kinds::namespaces(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}}}),
        );
    }
    // Spread pods over untainted nodes round-robin, so every node carries about the same load.
    let schedulable: Vec<usize> = (0..node_count).filter(|i| i % 100 != 99).collect();
    let schedulable = if schedulable.is_empty() {
        vec![0]
    } else {
        schedulable
    };
    let base = Utc::now() - TimeDelta::hours(6);
    let mut placed = 0usize;
    for w in 0..workloads {
        let replicas = REPLICAS_PER_DEPLOYMENT.min(pod_count - w * REPLICAS_PER_DEPLOYMENT);
        let mut workload = Workload {
            namespace: format!("team-{:03}", w / DEPLOYMENTS_PER_NAMESPACE),
            name: format!("svc-{w:05}"),
            image: IMAGES[w % IMAGES.len()],
            hash: String::new(),
            template: Value::Null,
            replicas,
        };
        // The real hash, or the Deployment controller would see a foreign ReplicaSet and roll out anew.
        workload.template = template(store, &workload);
        workload.hash = template_hash(&workload.template);
        let Some(rs) = insert_workload(store, &workload) else {
            continue;
        };
        let started = (base + TimeDelta::seconds((w % 3600) as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for index in 0..replicas {
            let node = schedulable[placed % schedulable.len()];
            placed += 1;
            insert(
                store,
                &kinds::pods(),
                pod(&workload, &rs, index, node, &started),
            );
        }
    }
}
