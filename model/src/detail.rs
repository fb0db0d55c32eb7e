//! One object's detail page: a summary of labelled fields (some of them links to other objects),
//! tables a kind adds (ports, rules, capacity), metadata, conditions, owners and owned objects,
//! the events about it, and for pods their containers. Secrets carry key names and sizes only:
//! a value travels alone, in [`RevealedSecret`], after an authorised and audited request.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::objects::ObjectRef;
use crate::resources::{KindInfo, Tone};

/// Everything the detail page shows about one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectDetail {
    pub kind: KindInfo,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub uid: String,
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Set when the object is being deleted (finalizers or graceful termination hold it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleting_since: Option<DateTime<Utc>>,
    /// The status the list shows for it (Running, CrashLoopBackOff, Ready, 2/3…), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusText>,
    /// The kind's facts, in reading order.
    pub summary: Vec<Field>,
    /// Tables the kind adds: service ports, ingress rules, node capacity, taints, volumes…
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<DetailTable>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// `status.conditions`, in the order the object lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// `metadata.ownerReferences`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<OwnerLink>,
    /// Objects this one owns or selects (a Deployment's ReplicaSets and pods, a Service's pods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedGroup>,
    pub events: EventList,
    /// Pods only: init containers first, then containers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<ContainerInfo>,
    /// ConfigMaps only: keys with their values (config maps are not secret).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_data: Vec<ConfigEntry>,
    /// Secrets only: the keys and the size of their decoded values, never the values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretSummary>,
    /// The state the kind's actions need (workloads, nodes, CronJobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controls: Option<crate::operations::Controls>,
}

/// A status word and how it should look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusText {
    pub text: String,
    pub tone: Tone,
}

/// One labelled fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    /// A stable id (`node`, `pod_ip`, `replicas`); the UI translates the label by it.
    pub key: String,
    /// The label in English, used when the UI has no translation (CRD printer columns).
    pub label: String,
    /// One or more values; several read as a list (IPs, images).
    pub values: Vec<FieldValue>,
}

/// One value of a field or table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldValue {
    Text {
        text: String,
    },
    /// Text better read in a fixed-width font (IPs, images, selectors, commands).
    Code {
        text: String,
    },
    /// A link to another object's detail page.
    Link {
        text: String,
        target: ObjectRef,
    },
    /// A point in time, shown as an age with the exact time on hover.
    Time {
        at: DateTime<Utc>,
    },
    /// A word with a tone (True/False, Ready, Warning).
    Status {
        text: String,
        tone: Tone,
    },
}

impl FieldValue {
    pub fn text(text: impl Into<String>) -> Self {
        FieldValue::Text { text: text.into() }
    }

    pub fn code(text: impl Into<String>) -> Self {
        FieldValue::Code { text: text.into() }
    }

    pub fn link(text: impl Into<String>, target: ObjectRef) -> Self {
        FieldValue::Link {
            text: text.into(),
            target,
        }
    }

    pub fn status(text: impl Into<String>, tone: Tone) -> Self {
        FieldValue::Status {
            text: text.into(),
            tone,
        }
    }

    /// The value as plain text (links by their text, times in RFC 3339).
    pub fn as_text(&self) -> String {
        match self {
            FieldValue::Text { text }
            | FieldValue::Code { text }
            | FieldValue::Link { text, .. }
            | FieldValue::Status { text, .. } => text.clone(),
            FieldValue::Time { at } => at.to_rfc3339(),
        }
    }
}

/// A small table a kind adds to its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DetailTable {
    /// A stable id (`ports`, `rules`, `capacity`, `taints`, `volumes`); the UI translates titles by it.
    pub key: String,
    pub title: String,
    pub columns: Vec<TableColumn>,
    /// Each row has one cell per column; a cell may hold several values.
    pub rows: Vec<Vec<Vec<FieldValue>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableColumn {
    pub key: String,
    pub label: String,
}

/// One entry of `status.conditions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub type_: String,
    pub status: String,
    /// Good when the condition is in its healthy state, Bad when not, Neutral when unknown.
    pub tone: Tone,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition: Option<DateTime<Utc>>,
}

/// An owner of the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerLink {
    /// `ReplicaSet`, `Deployment`, …
    pub kind: String,
    pub name: String,
    /// The owner's page; None when the cluster does not serve its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ObjectRef>,
    /// The managing controller (`controller: true`).
    pub controller: bool,
}

/// Objects of one kind related to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedGroup {
    /// The kind's key (`pods`, `replicasets.apps`), for links and its list page.
    pub kind: String,
    /// `Pod`, `ReplicaSet`, …
    pub kind_name: String,
    /// How they relate: `owned` (ownerReferences), `selected` (a Service's selector),
    /// `scheduled` (pods on a node).
    pub relation: String,
    /// At most a bounded number of items, newest first.
    pub items: Vec<RelatedItem>,
    /// How many match in all (may be more than `items`).
    pub total: usize,
    /// The count is a lower bound: the scan stopped at its limit.
    pub more: bool,
    /// Why the group could not be read (forbidden…), instead of failing the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One related object, as a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedItem {
    pub target: ObjectRef,
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusText>,
    /// A few facts for the row (ready, restarts, node), labelled like summary fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
}

/// The events about the object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventList {
    /// Newest first, at most a bounded number.
    pub items: Vec<EventEntry>,
    pub total: usize,
    /// Why events could not be read, instead of failing the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventEntry {
    pub uid: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    pub message: String,
    pub count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<DateTime<Utc>>,
    /// `kubelet, node-1`, `deployment-controller`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The part of the object it is about (`spec.containers{web}`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field_path: String,
}

/// One container of a pod, as declared and as running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContainerInfo {
    pub name: String,
    /// An init container (runs before the others), or a sidecar (an init container that keeps running).
    pub init: bool,
    pub sidecar: bool,
    pub image: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image_id: String,
    pub state: ContainerState,
    /// The previous run, when the container restarted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_state: Option<ContainerState>,
    pub ready: bool,
    pub restarts: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// `8080/TCP (http)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
    /// Resource name → quantity.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
    /// `liveness: GET :8080/healthz every 10s`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<Probe>,
}

/// What a container is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ContainerState {
    Running {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<DateTime<Utc>>,
    },
    Waiting {
        reason: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        message: String,
    },
    Terminated {
        reason: String,
        exit_code: i32,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        started: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finished: Option<DateTime<Utc>>,
    },
    /// No status yet (the pod is not scheduled, or the kubelet has not reported).
    Unknown,
}

impl ContainerState {
    /// How the state should look: running is good, a clean exit neutral, waiting on an error or
    /// a failed exit bad.
    pub fn tone(&self) -> Tone {
        match self {
            ContainerState::Running { .. } => Tone::Good,
            ContainerState::Terminated { exit_code: 0, .. } => Tone::Neutral,
            ContainerState::Terminated { .. } => Tone::Bad,
            ContainerState::Waiting { reason, .. }
                if reason == "ContainerCreating" || reason == "PodInitializing" =>
            {
                Tone::Warning
            }
            ContainerState::Waiting { .. } => Tone::Bad,
            ContainerState::Unknown => Tone::Neutral,
        }
    }
}

/// One environment variable. Values that come from Secrets are named, never read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnvVar {
    /// The variable's name; for `envFrom` entries, the prefix (may be empty).
    pub name: String,
    /// A literal value from the pod spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where the value comes from, when it is not a literal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<EnvSource>,
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum EnvSource {
    /// A key of a Secret; every key (`envFrom`) when `key` is None.
    Secret {
        target: ObjectRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    /// A key of a ConfigMap; every key (`envFrom`) when `key` is None.
    ConfigMap {
        target: ObjectRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    /// A field of the pod (`status.podIP`, `metadata.name`).
    Field { path: String },
    /// A resource of a container (`limits.memory`).
    Resource {
        resource: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        container: String,
    },
}

/// One volume mount of a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mount {
    pub volume: String,
    pub path: String,
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sub_path: String,
}

/// One probe: what it checks and how often (Kubernetes' defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Probe {
    /// `liveness`, `readiness` or `startup`.
    pub kind: String,
    /// `HTTP GET :8080/healthz`, `TCP :5432`, `exec pg_isready -U shop`, `gRPC :9000`.
    pub action: String,
    pub initial_delay_seconds: i64,
    pub period_seconds: i64,
    pub timeout_seconds: i64,
    pub failure_threshold: i64,
}

/// One key of a ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigEntry {
    pub key: String,
    /// Bytes.
    pub size: usize,
    /// The text; for `binaryData` keys, None.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub binary: bool,
}

/// A Secret, without its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretSummary {
    /// `Opaque`, `kubernetes.io/tls`, …
    pub type_: String,
    pub keys: Vec<SecretKey>,
    /// Whether the signed-in user may reveal values (administrators, until roles exist).
    pub can_reveal: bool,
}

/// One key of a Secret and the size of its decoded value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretKey {
    pub key: String,
    pub size: usize,
}

/// One revealed Secret value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedSecret {
    pub key: String,
    /// The value as text; base64 when it is not UTF-8 (see `base64`).
    pub value: String,
    pub base64: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_values_round_trip_with_their_type_tag() {
        let v = FieldValue::link(
            "node-1",
            ObjectRef {
                kind: "nodes".into(),
                namespace: None,
                name: "node-1".into(),
            },
        );
        let json = serde_json::to_value(&v).expect("json");
        assert_eq!(json["type"], "link");
        assert_eq!(json["target"]["kind"], "nodes");
        let back: FieldValue = serde_json::from_value(json).expect("parse");
        assert_eq!(back, v);
        assert_eq!(back.as_text(), "node-1");
    }

    #[test]
    fn container_states_have_tones_like_the_pod_list() {
        assert_eq!(ContainerState::Running { since: None }.tone(), Tone::Good);
        let crash = ContainerState::Waiting {
            reason: "CrashLoopBackOff".into(),
            message: String::new(),
        };
        assert_eq!(crash.tone(), Tone::Bad);
        let done = ContainerState::Terminated {
            reason: "Completed".into(),
            exit_code: 0,
            message: String::new(),
            started: None,
            finished: None,
        };
        assert_eq!(done.tone(), Tone::Neutral);
    }
}
