//! Each kind's table: the columns `kubectl get` prints and how one object becomes one row.
//!
//! A kind contributes only a column list and a cell function; `name` (and `namespace` for
//! namespaced kinds) always come first and are filled by the store, every kind has an `age`
//! column. Cells are plain text, except Age columns, which hold RFC 3339 so the browser can show
//! a live age and the server can sort by time. Secrets' rows never carry their data.

mod cluster;
mod custom;
mod network;
mod pods;
mod storage;
mod workloads;

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::api::DynamicObject;
use model::resources::{Column, ColumnType, Tone};
use serde_json::Value;

pub use custom::PrinterColumn;

use super::store::Projected;

/// One object seen through its metadata and the rest of its JSON.
pub(crate) struct Obj<'a> {
    pub meta: &'a ObjectMeta,
    pub data: &'a Value,
}

impl Obj<'_> {
    fn created_cell(&self) -> String {
        time_cell(self.meta.creation_timestamp.as_ref())
    }
}

/// How rows of one kind are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Projector {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
    HorizontalPodAutoscaler,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
    IngressClass,
    NetworkPolicy,
    ConfigMap,
    Secret,
    PodDisruptionBudget,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    Node,
    Namespace,
    Event,
    ServiceAccount,
    Role,
    RoleBinding,
    /// A custom resource with the printer columns of its CRD.
    Custom(Arc<[PrinterColumn]>),
    /// Name, namespace and age only.
    Generic,
}

impl Projector {
    /// The projector of a built-in kind, by API group and plural.
    pub fn builtin(group: &str, plural: &str) -> Projector {
        use Projector as P;
        match (group, plural) {
            ("", "pods") => P::Pod,
            ("apps", "deployments") => P::Deployment,
            ("apps", "statefulsets") => P::StatefulSet,
            ("apps", "daemonsets") => P::DaemonSet,
            ("apps", "replicasets") => P::ReplicaSet,
            ("batch", "jobs") => P::Job,
            ("batch", "cronjobs") => P::CronJob,
            ("autoscaling", "horizontalpodautoscalers") => P::HorizontalPodAutoscaler,
            ("", "services") => P::Service,
            ("", "endpoints") => P::Endpoints,
            ("discovery.k8s.io", "endpointslices") => P::EndpointSlice,
            ("networking.k8s.io", "ingresses") => P::Ingress,
            ("networking.k8s.io", "ingressclasses") => P::IngressClass,
            ("networking.k8s.io", "networkpolicies") => P::NetworkPolicy,
            ("", "configmaps") => P::ConfigMap,
            ("", "secrets") => P::Secret,
            ("policy", "poddisruptionbudgets") => P::PodDisruptionBudget,
            ("", "persistentvolumes") => P::PersistentVolume,
            ("", "persistentvolumeclaims") => P::PersistentVolumeClaim,
            ("storage.k8s.io", "storageclasses") => P::StorageClass,
            ("", "nodes") => P::Node,
            ("", "namespaces") => P::Namespace,
            ("", "events") => P::Event,
            ("", "serviceaccounts") => P::ServiceAccount,
            ("rbac.authorization.k8s.io", "roles" | "clusterroles") => P::Role,
            ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => P::RoleBinding,
            _ => P::Generic,
        }
    }

    /// Every column of the kind's table, `name` first.
    pub fn columns(&self, namespaced: bool) -> Vec<Column> {
        let mut columns = vec![col("name", "Name", ColumnType::Text, 0)];
        if namespaced {
            columns.push(col("namespace", "Namespace", ColumnType::Text, 0));
        }
        columns.extend(self.extra_columns());
        columns
    }

    fn extra_columns(&self) -> Vec<Column> {
        use Projector as P;
        match self {
            P::Pod => pods::columns(),
            P::Deployment
            | P::StatefulSet
            | P::DaemonSet
            | P::ReplicaSet
            | P::Job
            | P::CronJob
            | P::HorizontalPodAutoscaler => workloads::columns(self),
            P::Service
            | P::Endpoints
            | P::EndpointSlice
            | P::Ingress
            | P::IngressClass
            | P::NetworkPolicy => network::columns(self),
            P::ConfigMap
            | P::Secret
            | P::PodDisruptionBudget
            | P::PersistentVolume
            | P::PersistentVolumeClaim
            | P::StorageClass => storage::columns(self),
            P::Node | P::Namespace | P::Event | P::ServiceAccount | P::Role | P::RoleBinding => {
                cluster::columns(self)
            }
            P::Custom(printer) => custom::columns(printer),
            P::Generic => vec![age_column()],
        }
    }

    /// The cells after name and namespace, and the row's tone.
    fn cells(&self, o: &Obj) -> (Vec<String>, Tone) {
        use Projector as P;
        match self {
            P::Pod => pods::cells(o),
            P::Deployment
            | P::StatefulSet
            | P::DaemonSet
            | P::ReplicaSet
            | P::Job
            | P::CronJob
            | P::HorizontalPodAutoscaler => workloads::cells(self, o),
            P::Service
            | P::Endpoints
            | P::EndpointSlice
            | P::Ingress
            | P::IngressClass
            | P::NetworkPolicy => network::cells(self, o),
            P::ConfigMap
            | P::Secret
            | P::PodDisruptionBudget
            | P::PersistentVolume
            | P::PersistentVolumeClaim
            | P::StorageClass => storage::cells(self, o),
            P::Node | P::Namespace | P::Event | P::ServiceAccount | P::Role | P::RoleBinding => {
                cluster::cells(self, o)
            }
            P::Custom(printer) => custom::cells(printer, o),
            P::Generic => (vec![o.created_cell()], Tone::Neutral),
        }
    }

    /// Which extra cells the text filter reads: all but times (shown as ages, not as text).
    pub fn searchable(&self) -> Vec<bool> {
        self.extra_columns()
            .iter()
            .map(|c| c.kind != ColumnType::Age)
            .collect()
    }

    /// One object as a row to store. The object is dropped afterwards: nothing else is kept.
    /// `searchable` is [`Self::searchable`], computed once per kind.
    pub fn project(&self, obj: &DynamicObject, searchable: &[bool]) -> Projected {
        let meta = &obj.metadata;
        let (cells, tone) = self.cells(&Obj {
            meta,
            data: &obj.data,
        });
        let mut search = meta.name.as_deref().unwrap_or_default().to_lowercase();
        for text in meta.namespace.iter().chain(
            cells
                .iter()
                .zip(searchable)
                .filter(|(_, s)| **s)
                .map(|(c, _)| c),
        ) {
            search.push('\n');
            search.push_str(&text.to_lowercase());
        }
        Projected {
            uid: meta.uid.clone().unwrap_or_else(|| {
                format!(
                    "{}/{}",
                    meta.namespace.as_deref().unwrap_or(""),
                    meta.name.as_deref().unwrap_or("")
                )
            }),
            name: meta.name.clone().unwrap_or_default(),
            namespace: meta.namespace.clone(),
            cells,
            tone,
            labels: meta.labels.clone().unwrap_or_default(),
            created: meta.creation_timestamp.as_ref().map(|t| t.0.as_second()),
            resource_version: meta.resource_version.clone().unwrap_or_default(),
            search,
        }
    }
}

/// The object's uid; namespace/name for the odd object without one.
pub(crate) fn uid_of(meta: &ObjectMeta) -> String {
    meta.uid.clone().unwrap_or_else(|| {
        format!(
            "{}/{}",
            meta.namespace.as_deref().unwrap_or_default(),
            meta.name.as_deref().unwrap_or_default()
        )
    })
}

pub(crate) fn col(id: &str, title: &str, kind: ColumnType, priority: u8) -> Column {
    Column {
        id: id.into(),
        title: title.into(),
        kind,
        priority,
    }
}

fn age_column() -> Column {
    col("age", "Age", ColumnType::Age, 0)
}

/// The string at a JSON pointer, or `""`.
fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The integer at a JSON pointer.
fn i(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

/// The integer at a JSON pointer as text, `0` when absent (kubectl prints zero).
fn n(v: &Value, pointer: &str) -> String {
    i(v, pointer).unwrap_or(0).to_string()
}

fn arr<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// How many keys the object at `pointer` has.
fn count_keys(v: &Value, pointer: &str) -> usize {
    v.pointer(pointer)
        .and_then(Value::as_object)
        .map_or(0, serde_json::Map::len)
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// A metadata time as an Age cell.
fn time_cell(t: Option<&Time>) -> String {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t.0.as_second(), 0))
        .map(canonical_time)
        .unwrap_or_default()
}

/// A time from the object's JSON as an Age cell (normalised so cells sort as text).
fn json_time_cell(v: &Value, pointer: &str) -> String {
    parse_time(s(v, pointer))
        .map(canonical_time)
        .unwrap_or_default()
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// RFC 3339 in UTC with whole seconds: equal-length strings that sort chronologically.
pub(crate) fn canonical_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `5s`, `3m`, `2h5m`, `4d` as kubectl prints durations.
fn short_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match seconds {
        0..120 => format!("{seconds}s"),
        120..600 => format!("{}m{}s", seconds / 60, seconds % 60),
        600..10_800 => format!("{}m", seconds / 60),
        10_800..172_800 => format!("{}h{}m", seconds / 3600, (seconds % 3600) / 60),
        _ => format!("{}d", seconds / 86_400),
    }
}

/// A label selector (`matchLabels` + `matchExpressions`, or a plain map as Services have) in
/// the API's query syntax; None when absent. An empty selector is `Some("")` (selects all).
pub(crate) fn selector_query(sel: Option<&Value>) -> Option<String> {
    let sel = sel.filter(|v| v.is_object())?;
    let mut parts: Vec<String> = Vec::new();
    let plain = sel
        .get("matchLabels")
        .and_then(Value::as_object)
        .or_else(|| {
            sel.as_object()
                .filter(|m| !m.contains_key("matchExpressions") && !m.contains_key("matchLabels"))
        });
    if let Some(map) = plain {
        parts.extend(
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}"))),
        );
    }
    for e in arr(sel, "/matchExpressions") {
        let key = s(e, "/key");
        let values: Vec<&str> = arr(e, "/values").iter().filter_map(Value::as_str).collect();
        parts.push(match s(e, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            // An operator we do not know: leave the selector out rather than widen it.
            _ => return None,
        });
    }
    Some(parts.join(","))
}

/// `app=web,tier=front` from a label selector object or map, for a column (empty when absent).
fn selector_text(sel: Option<&Value>) -> String {
    selector_query(sel).unwrap_or_default()
}

/// Container names and images of a pod template (`CONTAINERS`, `IMAGES` in `-o wide`).
fn containers_and_images(v: &Value, pointer: &str) -> (String, String) {
    let containers = arr(v, pointer);
    let names: Vec<&str> = containers.iter().map(|c| s(c, "/name")).collect();
    let images: Vec<&str> = containers.iter().map(|c| s(c, "/image")).collect();
    (names.join(","), images.join(","))
}
