//! The cluster overview, read live from the cluster: counts by kind, node readiness, recent
//! warning events, and allocatable capacity against pod requests.
//!
//! Why live and not from the health row: the overview is opened on demand and wants detail the
//! minute-by-minute checker does not keep. Kinds the credentials may not list are left out.

use std::future::Future;
use std::pin::Pin;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Namespace, Node, PersistentVolumeClaim, Pod, Secret, Service,
};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::Client;
use kube::api::{Api, ListParams};
use model::clusters::{CapacitySummary, ClusterOverview, KindCount, NodeReadiness, WarningEvent};
use uuid::Uuid;

use super::registry::ClusterRegistry;
use super::{ClusterError, connect};

/// Warning events shown, newest first.
const MAX_WARNINGS: usize = 20;
/// The overview gives up on a cluster after this long.
const OVERVIEW_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

type CountFuture = Pin<Box<dyn Future<Output = (&'static str, Result<i32, kube::Error>)> + Send>>;

fn counted<K>(kind: &'static str, client: &Client) -> CountFuture
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + 'static,
    K::DynamicType: Default,
{
    let api = Api::<K>::all(client.clone());
    Box::pin(async move { (kind, connect::count(api).await) })
}

/// The overview of cluster `id`. A cluster that cannot be read now still has one: its stored
/// facts, marked unavailable with the reason, so its page can say what is wrong.
pub async fn overview(
    registry: &ClusterRegistry,
    id: Uuid,
) -> Result<ClusterOverview, ClusterError> {
    let cluster = super::service::get(registry, id).await?;
    match read_live(registry, id, cluster.clone()).await {
        Err(ClusterError::Unreachable { failure, .. }) => {
            let mut cluster = cluster;
            cluster.health.status = model::clusters::ClusterStatus::Unavailable;
            cluster.health.reason = Some(failure.message);
            Ok(ClusterOverview {
                cluster,
                counts: Vec::new(),
                nodes: Vec::new(),
                warnings: Vec::new(),
                capacity: CapacitySummary::default(),
            })
        }
        other => other,
    }
}

async fn read_live(
    registry: &ClusterRegistry,
    id: Uuid,
    cluster: model::clusters::ClusterInfo,
) -> Result<ClusterOverview, ClusterError> {
    let client = registry.client(id).await?;
    let unreachable = |failure| ClusterError::Unreachable {
        cluster: cluster.name.clone(),
        failure,
    };
    let read = async {
        let counts = futures::future::join_all(vec![
            counted::<Pod>("Pod", &client),
            counted::<Deployment>("Deployment", &client),
            counted::<StatefulSet>("StatefulSet", &client),
            counted::<DaemonSet>("DaemonSet", &client),
            counted::<Job>("Job", &client),
            counted::<CronJob>("CronJob", &client),
            counted::<Service>("Service", &client),
            counted::<Ingress>("Ingress", &client),
            counted::<ConfigMap>("ConfigMap", &client),
            counted::<Secret>("Secret", &client),
            counted::<PersistentVolumeClaim>("PersistentVolumeClaim", &client),
        ]);
        let namespaces = connect::count(Api::<Namespace>::all(client.clone()));
        let nodes = connect::list_nodes(&client);
        let (event_api, pod_api) = (
            Api::<Event>::all(client.clone()),
            Api::<Pod>::all(client.clone()),
        );
        let (event_params, pod_params) = (
            ListParams::default().fields("type=Warning").limit(500),
            ListParams::default(),
        );
        let events = event_api.list(&event_params);
        let pods = pod_api.list(&pod_params);
        futures::join!(counts, namespaces, nodes, events, pods)
    };
    let (counts, namespaces, nodes, events, pods) = tokio::time::timeout(OVERVIEW_TIMEOUT, read)
        .await
        .map_err(|_| {
            unreachable(model::clusters::ConnectionFailure {
                kind: model::clusters::ConnectionFailureKind::Timeout,
                message: format!("No answer within {} seconds.", OVERVIEW_TIMEOUT.as_secs()),
            })
        })?;
    // Nodes are the one list every overview needs; its failure says why the cluster is unusable.
    let nodes = nodes.map_err(|e| unreachable(connect::classify(&e)))?;

    let mut kind_counts: Vec<KindCount> = Vec::new();
    if let Ok(n) = namespaces {
        kind_counts.push(KindCount {
            kind: "Namespace".into(),
            count: n.into(),
        });
    }
    kind_counts.push(KindCount {
        kind: "Node".into(),
        count: nodes.len() as i64,
    });
    kind_counts.extend(counts.into_iter().filter_map(|(kind, n)| {
        n.ok().map(|n| KindCount {
            kind: kind.into(),
            count: n.into(),
        })
    }));

    let pods = pods.map(|l| l.items).unwrap_or_default();
    Ok(ClusterOverview {
        capacity: capacity(&nodes, &pods),
        nodes: nodes
            .iter()
            .map(|n| NodeReadiness {
                name: n.metadata.name.clone().unwrap_or_default(),
                ready: connect::node_is_ready(n),
                roles: connect::node_roles(n),
                unschedulable: n
                    .spec
                    .as_ref()
                    .and_then(|s| s.unschedulable)
                    .unwrap_or(false),
            })
            .collect(),
        warnings: warnings(events.map(|l| l.items).unwrap_or_default()),
        counts: kind_counts,
        cluster,
    })
}

fn warnings(mut events: Vec<Event>) -> Vec<WarningEvent> {
    events.retain(|e| e.type_.as_deref() == Some("Warning"));
    let seen = |e: &Event| {
        e.last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0))
    };
    events.sort_by_key(|e| std::cmp::Reverse(seen(e)));
    events
        .iter()
        .take(MAX_WARNINGS)
        .map(|e| WarningEvent {
            namespace: e.metadata.namespace.clone(),
            object: format!(
                "{}/{}",
                e.involved_object.kind.clone().unwrap_or_default(),
                e.involved_object.name.clone().unwrap_or_default()
            ),
            reason: e.reason.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
            count: e.count.unwrap_or(1),
            last_seen: seen(e).and_then(to_chrono),
        })
        .collect()
}

fn to_chrono(t: k8s_openapi::jiff::Timestamp) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(
        t.as_second(),
        u32::try_from(t.subsec_nanosecond()).unwrap_or(0),
    )
}

/// Sums allocatable CPU, memory and pods over nodes, and requests over pods that hold resources.
pub fn capacity(nodes: &[Node], pods: &[Pod]) -> CapacitySummary {
    let mut summary = CapacitySummary::default();
    for node in nodes {
        let Some(alloc) = node.status.as_ref().and_then(|s| s.allocatable.as_ref()) else {
            continue;
        };
        summary.cpu_allocatable_millis += alloc.get("cpu").map_or(0, cpu_millis);
        summary.memory_allocatable_bytes += alloc.get("memory").map_or(0, bytes);
        summary.pods_allocatable += alloc.get("pods").map_or(0, bytes);
    }
    for pod in pods {
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded" | "Failed")) {
            continue;
        }
        if phase == Some("Running") {
            summary.pods_running += 1;
        }
        for container in pod.spec.iter().flat_map(|s| &s.containers) {
            let Some(requests) = container
                .resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
            else {
                continue;
            };
            summary.cpu_requests_millis += requests.get("cpu").map_or(0, cpu_millis);
            summary.memory_requests_bytes += requests.get("memory").map_or(0, bytes);
        }
    }
    summary
}

/// CPU in millicores: `250m`, `2`, `0.5`; unreadable values count as zero.
pub fn cpu_millis(q: &Quantity) -> i64 {
    let s = q.0.trim();
    if let Some(m) = s.strip_suffix('m') {
        return m.parse::<f64>().map_or(0, |v| v.round() as i64);
    }
    parse_scaled(s).map_or(0, |v| (v * 1000.0).round() as i64)
}

/// Bytes (or a plain count): `128Mi`, `1G`, `1e3`, `110`; unreadable values count as zero.
pub fn bytes(q: &Quantity) -> i64 {
    parse_scaled(q.0.trim()).map_or(0, |v| v.round() as i64)
}

fn parse_scaled(s: &str) -> Option<f64> {
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = s.strip_suffix(suffix) {
            return number
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| v * factor);
        }
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity(s.to_string())
    }

    #[test]
    fn quantities_are_read_in_their_units() {
        assert_eq!(cpu_millis(&q("250m")), 250);
        assert_eq!(cpu_millis(&q("2")), 2000);
        assert_eq!(cpu_millis(&q("0.5")), 500);
        assert_eq!(bytes(&q("128Mi")), 128 * 1024 * 1024);
        assert_eq!(bytes(&q("1G")), 1_000_000_000);
        assert_eq!(bytes(&q("1e3")), 1000);
        assert_eq!(bytes(&q("110")), 110);
        assert_eq!(bytes(&q("nonsense")), 0);
        assert_eq!(cpu_millis(&q("")), 0);
    }
}
