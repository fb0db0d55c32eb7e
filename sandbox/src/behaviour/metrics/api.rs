//! `metrics.k8s.io/v1beta1`: NodeMetrics and PodMetrics as metrics-server serves them, so `kubectl top`
//! and the console's usage columns work. Usage comes from [`super::usage`].

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::usage::ContainerUsage;
use crate::SandboxError;
use crate::behaviour::logs::handler::error_response;
use crate::behaviour::noise::{seed_of, unit};
use crate::behaviour::object::{self, kinds};
use crate::behaviour::quantity::{format_cpu_millis, format_memory_bytes};
use crate::selectors::LabelSelector;
use crate::store::{ResourceType, Store};

const API_VERSION: &str = "metrics.k8s.io/v1beta1";

/// The types discovery lists for the metrics group (served by these routes, not by the store).
pub fn resource_types() -> Vec<ResourceType> {
    let mut nodes = ResourceType::new("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false)
        .verbs(&["get", "list"]);
    let mut pods = ResourceType::new("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true)
        .verbs(&["get", "list"]);
    nodes.stored = false;
    pods.stored = false;
    vec![nodes, pods]
}

fn running(pod: &Value) -> bool {
    object::str_at(pod, "/status/phase") == Some("Running")
}

/// Per-container usage of a running pod at `t`: (name, millicores, bytes).
pub fn pod_usage(pod: &Value, t: DateTime<Utc>) -> Vec<(String, i64, i64)> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let model = ContainerUsage::for_container(object::uid(pod), c);
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                model.cpu_millis(t),
                model.memory_bytes(t),
            )
        })
        .collect()
}

fn pod_metrics(pod: &Value, t: DateTime<Utc>) -> Value {
    let containers: Vec<Value> = pod_usage(pod, t)
        .into_iter()
        .map(|(name, cpu, mem)| json!({"name": name, "usage": {"cpu": format_cpu_millis(cpu), "memory": format_memory_bytes(mem)}}))
        .collect();
    json!({
        "kind": "PodMetrics", "apiVersion": API_VERSION,
        "metadata": {"name": object::name(pod), "namespace": object::namespace(pod),
                     "creationTimestamp": t.to_rfc3339_opts(SecondsFormat::Secs, true),
                     "labels": pod.pointer("/metadata/labels").cloned().unwrap_or_else(|| json!({}))},
        "timestamp": t.to_rfc3339_opts(SecondsFormat::Secs, true),
        "window": "15s",
        "containers": containers,
    })
}

/// What the node's own processes (kubelet, runtime, OS) use besides pods.
fn system_overhead(node: &str) -> (i64, i64) {
    let seed = seed_of(node);
    (
        80 + (unit(seed, 1) * 150.0) as i64,
        (600.0 + unit(seed, 2) * 700.0) as i64 * 1024 * 1024,
    )
}

/// Node usage at `t` for every node, from the running pods on it.
pub fn node_usage(store: &Store, t: DateTime<Utc>) -> HashMap<String, (i64, i64)> {
    let mut totals: HashMap<String, (i64, i64)> = HashMap::new();
    for pod in store
        .list(&kinds::pods(), None, &LabelSelector::default())
        .iter()
        .filter(|p| running(p))
    {
        let Some(node) = object::str_at(pod, "/spec/nodeName") else {
            continue;
        };
        let entry = totals.entry(node.to_owned()).or_default();
        for (_, cpu, mem) in pod_usage(pod, t) {
            entry.0 += cpu;
            entry.1 += mem;
        }
    }
    totals
}

fn node_metrics(node: &Value, pods: (i64, i64), t: DateTime<Utc>) -> Value {
    let (cpu, mem) = system_overhead(object::name(node));
    json!({
        "kind": "NodeMetrics", "apiVersion": API_VERSION,
        "metadata": {"name": object::name(node), "creationTimestamp": t.to_rfc3339_opts(SecondsFormat::Secs, true),
                     "labels": node.pointer("/metadata/labels").cloned().unwrap_or_else(|| json!({}))},
        "timestamp": t.to_rfc3339_opts(SecondsFormat::Secs, true),
        "window": "20.05s",
        "usage": {"cpu": format_cpu_millis(cpu + pods.0), "memory": format_memory_bytes(mem + pods.1)},
    })
}

fn list(kind: &str, items: Vec<Value>) -> Response {
    axum::Json(json!({"kind": kind, "apiVersion": API_VERSION, "metadata": {}, "items": items}))
        .into_response()
}

fn selector(query: &Option<String>) -> Result<LabelSelector, SandboxError> {
    let raw = form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "labelSelector")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    LabelSelector::parse(&raw)
}

async fn list_nodes(State(store): State<Store>, RawQuery(query): RawQuery) -> Response {
    let t = Utc::now();
    let selector = match selector(&query) {
        Ok(s) => s,
        Err(e) => return error_response(e),
    };
    let usage = node_usage(&store, t);
    let items = store
        .list(&kinds::nodes(), None, &selector)
        .iter()
        .map(|n| {
            node_metrics(
                n,
                usage.get(object::name(n)).copied().unwrap_or_default(),
                t,
            )
        })
        .collect();
    list("NodeMetricsList", items)
}

async fn get_node(State(store): State<Store>, Path(name): Path<String>) -> Response {
    let t = Utc::now();
    match store.get(&kinds::nodes(), None, &name) {
        Ok(node) => {
            let usage = node_usage(&store, t)
                .get(&name)
                .copied()
                .unwrap_or_default();
            axum::Json(node_metrics(&node, usage, t)).into_response()
        }
        Err(_) => error_response(SandboxError::not_found("nodes.metrics.k8s.io", name)),
    }
}

fn pods_in(store: &Store, namespace: Option<&str>, query: &Option<String>) -> Response {
    let t = Utc::now();
    let selector = match selector(query) {
        Ok(s) => s,
        Err(e) => return error_response(e),
    };
    let items = store
        .list(&kinds::pods(), namespace, &selector)
        .iter()
        .filter(|p| running(p))
        .map(|p| pod_metrics(p, t))
        .collect();
    list("PodMetricsList", items)
}

async fn list_all_pods(State(store): State<Store>, RawQuery(query): RawQuery) -> Response {
    pods_in(&store, None, &query)
}

async fn list_namespace_pods(
    State(store): State<Store>,
    Path(namespace): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    pods_in(&store, Some(&namespace), &query)
}

async fn get_pod(
    State(store): State<Store>,
    Path((namespace, name)): Path<(String, String)>,
) -> Response {
    match store.get(&kinds::pods(), Some(&namespace), &name) {
        Ok(pod) if running(&pod) => axum::Json(pod_metrics(&pod, Utc::now())).into_response(),
        _ => error_response(SandboxError::not_found("pods.metrics.k8s.io", name)),
    }
}

/// The metrics.k8s.io routes.
pub fn routes(store: Store) -> Router {
    Router::new()
        .route("/apis/metrics.k8s.io/v1beta1/nodes", get(list_nodes))
        .route("/apis/metrics.k8s.io/v1beta1/nodes/{name}", get(get_node))
        .route("/apis/metrics.k8s.io/v1beta1/pods", get(list_all_pods))
        .route(
            "/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods",
            get(list_namespace_pods),
        )
        .route(
            "/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}",
            get(get_pod),
        )
        .with_state(store)
}
