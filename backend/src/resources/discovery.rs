//! Which kinds a cluster serves, where each sits in the navigation, and how its rows are made.
//!
//! Caching policy: discovery (two requests with aggregated discovery, plus the CRD list for
//! printer columns) is kept per cluster for [`DISCOVERY_TTL`]; a cluster's kinds rarely change.
//! A kind key that is not in the cache triggers one early refresh (a CRD created a moment ago),
//! at most every [`MISS_REFRESH`]. The cache lives in the [`ClusterRegistry`] beside the client,
//! and is dropped with it when the cluster is edited or deleted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Client;
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::{ApiCapabilities, ApiResource, Discovery, Scope, verbs};
use model::resources::{KindInfo, NavGroup};
use serde_json::Value;
use uuid::Uuid;

use super::columns::{PrinterColumn, Projector};
use super::error::{ResourceError, cluster_failure};
use crate::clusters::ClusterRegistry;

/// How long a cluster's discovery is reused.
pub const DISCOVERY_TTL: Duration = Duration::from_secs(60);
/// The shortest interval between refreshes caused by unknown kind keys.
const MISS_REFRESH: Duration = Duration::from_secs(2);
/// How long the first contact with a cluster may take before it counts as unreachable.
pub const FIRST_CONTACT_TIMEOUT: Duration = Duration::from_secs(10);

/// Built-in kinds in navigation order.
const BUILTIN: &[(NavGroup, &str, &str)] = &[
    (NavGroup::Workloads, "", "pods"),
    (NavGroup::Workloads, "apps", "deployments"),
    (NavGroup::Workloads, "apps", "statefulsets"),
    (NavGroup::Workloads, "apps", "daemonsets"),
    (NavGroup::Workloads, "apps", "replicasets"),
    (NavGroup::Workloads, "batch", "jobs"),
    (NavGroup::Workloads, "batch", "cronjobs"),
    (
        NavGroup::Workloads,
        "autoscaling",
        "horizontalpodautoscalers",
    ),
    (NavGroup::Network, "", "services"),
    (NavGroup::Network, "", "endpoints"),
    (NavGroup::Network, "discovery.k8s.io", "endpointslices"),
    (NavGroup::Network, "networking.k8s.io", "ingresses"),
    (NavGroup::Network, "networking.k8s.io", "ingressclasses"),
    (NavGroup::Network, "networking.k8s.io", "networkpolicies"),
    (NavGroup::Config, "", "configmaps"),
    (NavGroup::Config, "", "secrets"),
    (NavGroup::Config, "policy", "poddisruptionbudgets"),
    (NavGroup::Config, "", "resourcequotas"),
    (NavGroup::Config, "", "limitranges"),
    (NavGroup::Storage, "", "persistentvolumes"),
    (NavGroup::Storage, "", "persistentvolumeclaims"),
    (NavGroup::Storage, "storage.k8s.io", "storageclasses"),
    (NavGroup::Cluster, "", "nodes"),
    (NavGroup::Cluster, "", "namespaces"),
    (NavGroup::Cluster, "", "events"),
    (NavGroup::Cluster, "", "serviceaccounts"),
    (NavGroup::Cluster, "rbac.authorization.k8s.io", "roles"),
    (
        NavGroup::Cluster,
        "rbac.authorization.k8s.io",
        "rolebindings",
    ),
    (
        NavGroup::Cluster,
        "rbac.authorization.k8s.io",
        "clusterroles",
    ),
    (
        NavGroup::Cluster,
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
    ),
];

/// Groups whose kinds stay out of the navigation: `events.k8s.io` repeats the core events,
/// metrics are not objects.
const HIDDEN_GROUPS: &[&str] = &["events.k8s.io", "metrics.k8s.io"];

/// One kind as the resource browser needs it.
#[derive(Debug, Clone)]
pub(crate) struct KindEntry {
    pub info: KindInfo,
    pub resource: ApiResource,
    pub projector: Projector,
}

/// Everything discovered about one cluster.
#[derive(Debug)]
pub(crate) struct ClusterKinds {
    pub kinds: Vec<KindEntry>,
    fetched: Instant,
}

impl ClusterKinds {
    fn find(&self, key: &str) -> Option<&KindEntry> {
        self.kinds.iter().find(|k| k.info.key == key)
    }
}

/// Discovery results per cluster; kept by the [`ClusterRegistry`].
#[derive(Default)]
pub struct DiscoveryCache {
    entries: Mutex<HashMap<Uuid, Arc<ClusterKinds>>>,
}

impl DiscoveryCache {
    fn get(&self, cluster: Uuid) -> Option<Arc<ClusterKinds>> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&cluster)
            .cloned()
    }

    fn put(&self, cluster: Uuid, kinds: Arc<ClusterKinds>) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(cluster, kinds);
    }

    /// Forgets what was discovered about `cluster` (edited, deleted, or asked to refresh).
    pub fn forget(&self, cluster: Uuid) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&cluster);
    }

    /// Forgets every cluster not in `keep`.
    pub fn retain(&self, keep: impl Fn(&Uuid) -> bool) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|id, _| keep(id));
    }
}

/// The kinds `cluster` serves, grouped for the navigation: built-ins in the order users know,
/// custom resources alphabetically. Cached for [`DISCOVERY_TTL`].
pub async fn kinds(
    registry: &ClusterRegistry,
    cluster: Uuid,
) -> Result<Vec<KindInfo>, ResourceError> {
    Ok(discover(registry, cluster)
        .await?
        .kinds
        .iter()
        .map(|k| k.info.clone())
        .collect())
}

/// Drops the cached discovery of `cluster`, so the next call asks the cluster again.
pub fn refresh_kinds(registry: &ClusterRegistry, cluster: Uuid) {
    registry.discovery().forget(cluster);
}

pub(crate) async fn discover(
    registry: &ClusterRegistry,
    cluster: Uuid,
) -> Result<Arc<ClusterKinds>, ResourceError> {
    if let Some(cached) = registry.discovery().get(cluster)
        && cached.fetched.elapsed() < DISCOVERY_TTL
    {
        return Ok(cached);
    }
    let client = registry.client(cluster).await?;
    let fresh = match tokio::time::timeout(FIRST_CONTACT_TIMEOUT, run(client)).await {
        Ok(Ok(kinds)) => Arc::new(kinds),
        Ok(Err(e)) => return Err(cluster_failure(registry, cluster, "kinds", &e).await),
        Err(_) => return Err(ResourceError::timed_out(registry, cluster).await),
    };
    registry.discovery().put(cluster, fresh.clone());
    Ok(fresh)
}

/// The kind `key` of `cluster`, refreshing discovery once if the key is unknown.
pub(crate) async fn kind(
    registry: &ClusterRegistry,
    cluster: Uuid,
    key: &str,
) -> Result<KindEntry, ResourceError> {
    let kinds = discover(registry, cluster).await?;
    if let Some(found) = kinds.find(key) {
        return Ok(found.clone());
    }
    if kinds.fetched.elapsed() >= MISS_REFRESH {
        registry.discovery().forget(cluster);
        if let Some(found) = discover(registry, cluster).await?.find(key) {
            return Ok(found.clone());
        }
    }
    Err(ResourceError::KindUnknown(key.to_string()))
}

async fn run(client: Client) -> Result<ClusterKinds, kube::Error> {
    let discovery = match Discovery::new(client.clone()).run_aggregated().await {
        Ok(d) => d,
        // Servers before 1.26 answer aggregated discovery with an error status: ask per group.
        Err(kube::Error::Api(_)) => Discovery::new(client.clone()).run().await?,
        Err(e) => return Err(e),
    };
    let printer = if discovery.has_group("apiextensions.k8s.io") {
        // Without read access to CRDs their kinds still show, with generic columns.
        crd_printer_columns(&client).await.unwrap_or_else(|e| {
            tracing::info!(error = %e, "custom resource definitions cannot be read");
            HashMap::new()
        })
    } else {
        HashMap::new()
    };
    let mut kinds = Vec::new();
    for group in discovery.groups() {
        if HIDDEN_GROUPS.contains(&group.name()) {
            continue;
        }
        for (resource, caps) in group.recommended_resources() {
            if let Some(entry) = entry(resource, &caps, &printer) {
                kinds.push(entry);
            }
        }
    }
    kinds.sort_by_cached_key(sort_key);
    Ok(ClusterKinds {
        kinds,
        fetched: Instant::now(),
    })
}

fn sort_key(k: &KindEntry) -> (NavGroup, usize, String, String) {
    let position = BUILTIN
        .iter()
        .position(|(_, g, p)| *g == k.info.group && *p == k.info.plural)
        .unwrap_or(usize::MAX);
    (
        k.info.nav,
        position,
        k.info.kind.to_lowercase(),
        k.info.group.clone(),
    )
}

type PrinterColumns = HashMap<(String, String, String), Arc<[PrinterColumn]>>;

/// `additionalPrinterColumns` per (group, version, plural) of every CRD.
async fn crd_printer_columns(client: &Client) -> Result<PrinterColumns, kube::Error> {
    let resource = ApiResource::erase::<CustomResourceDefinition>(&());
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
    let mut out = HashMap::new();
    for crd in api.list(&ListParams::default()).await? {
        let spec = crd.data.get("spec").unwrap_or(&Value::Null);
        let group = spec.pointer("/group").and_then(Value::as_str).unwrap_or("");
        let plural = spec
            .pointer("/names/plural")
            .and_then(Value::as_str)
            .unwrap_or("");
        for version in spec
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = version.get("name").and_then(Value::as_str).unwrap_or("");
            let columns = version
                .get("additionalPrinterColumns")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            out.insert(
                (group.to_string(), name.to_string(), plural.to_string()),
                PrinterColumn::from_crd(columns).into(),
            );
        }
    }
    Ok(out)
}

fn entry(
    resource: ApiResource,
    caps: &ApiCapabilities,
    printer: &PrinterColumns,
) -> Option<KindEntry> {
    // Lists come from a watch: a kind that cannot be listed and watched cannot be browsed.
    if resource.plural.contains('/')
        || !caps.supports_operation(verbs::LIST)
        || !caps.supports_operation(verbs::WATCH)
    {
        return None;
    }
    let crd = printer.get(&(
        resource.group.clone(),
        resource.version.clone(),
        resource.plural.clone(),
    ));
    let builtin = BUILTIN
        .iter()
        .find(|(_, g, p)| *g == resource.group && *p == resource.plural);
    let (nav, projector) = match (crd, builtin) {
        (Some(columns), _) => (
            NavGroup::CustomResources,
            Projector::Custom(columns.clone()),
        ),
        (None, Some((nav, g, p))) => (*nav, Projector::builtin(g, p)),
        // Other built-ins (leases, priority classes, …) are cluster plumbing.
        (None, None) if is_kubernetes_group(&resource.group) => {
            (NavGroup::Cluster, Projector::Generic)
        }
        (None, None) => (NavGroup::CustomResources, Projector::Generic),
    };
    let key = if resource.group.is_empty() {
        resource.plural.clone()
    } else {
        format!("{}.{}", resource.plural, resource.group)
    };
    let info = KindInfo {
        key,
        group: resource.group.clone(),
        version: resource.version.clone(),
        kind: resource.kind.clone(),
        plural: resource.plural.clone(),
        namespaced: caps.scope == Scope::Namespaced,
        nav,
        can_create: caps.supports_operation(verbs::CREATE),
        can_update: caps.supports_operation(verbs::UPDATE) || caps.supports_operation(verbs::PATCH),
        can_delete: caps.supports_operation(verbs::DELETE),
    };
    Some(KindEntry {
        info,
        resource,
        projector,
    })
}

/// Groups Kubernetes itself defines: the core group, `apps`-style names, `*.k8s.io`.
fn is_kubernetes_group(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}
