//! Day-to-day operations on workloads, nodes and CronJobs: what the browser and scripts send, and
//! what comes back. Every operation goes to the cluster through its API, is refused on read-only
//! clusters and is audited; results say what changed in a sentence a user can read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A workload to act on: `deployments.apps`, `statefulsets.apps`, `daemonsets.apps` or
/// `replicasets.apps` (which kinds allow which action is checked on the server).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// What an operation came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationOutcome {
    /// "Deployment web scaled from 2 to 5 replicas", "Node n1 cordoned".
    pub message: String,
}

/// One revision of a Deployment, from the ReplicaSet that holds its pod template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revision {
    pub revision: i64,
    /// The ReplicaSet (of a Deployment) or ControllerRevision (of a StatefulSet or DaemonSet)
    /// holding it.
    pub replica_set: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// `container=image` of each container, in order.
    pub images: Vec<String>,
    /// The `kubernetes.io/change-cause` annotation, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_cause: Option<String>,
    /// Pods running this revision now.
    pub replicas: i32,
    /// The revision the workload runs now.
    pub current: bool,
    /// The pod template as YAML (its `pod-template-hash` label left out), for diffs.
    pub template: String,
}

/// A workload's revisions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolloutHistory {
    pub revisions: Vec<Revision>,
    /// Rollbacks are refused while paused, as kubectl does.
    pub paused: bool,
}

/// Replaces the image of one container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImageChange {
    pub container: String,
    pub image: String,
}

/// A node taint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Taint {
    pub key: String,
    #[serde(default)]
    pub value: String,
    pub effect: TaintEffect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub const ALL: [TaintEffect; 3] = [
        TaintEffect::NoSchedule,
        TaintEffect::PreferNoSchedule,
        TaintEffect::NoExecute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

/// Changes to labels: keys to set (added or changed) and keys to remove.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelChanges {
    #[serde(default)]
    pub set: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

/// Changes to taints: taints to add or change (matched by key and effect, as the node keeps
/// them) and taints to remove (by key and effect).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaintChanges {
    #[serde(default)]
    pub set: Vec<Taint>,
    #[serde(default)]
    pub remove: Vec<TaintKey>,
}

/// A taint's identity on a node: its key and effect.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaintKey {
    pub key: String,
    pub effect: TaintEffect,
}

/// The result for one node of a change made to several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeResult {
    pub node: String,
    pub ok: bool,
    pub message: String,
}

/// How to drain a node (kubectl drain's options).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrainOptions {
    /// Leave DaemonSet pods (they would come back at once); without it, a DaemonSet pod stops
    /// the drain.
    #[serde(default = "yes")]
    pub ignore_daemonsets: bool,
    /// Evict pods with emptyDir volumes (their data is lost); without it they stop the drain.
    #[serde(default)]
    pub delete_emptydir_data: bool,
    /// Also delete pods no controller manages (they are not recreated anywhere); without it
    /// they stop the drain.
    #[serde(default)]
    pub force: bool,
    /// Seconds each pod gets to stop; None uses the pod's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i64>,
    /// Give up after this many seconds (1–3600, default 120).
    #[serde(default = "default_drain_timeout")]
    pub timeout_seconds: u64,
}

fn yes() -> bool {
    true
}

fn default_drain_timeout() -> u64 {
    120
}

impl Default for DrainOptions {
    fn default() -> Self {
        DrainOptions {
            ignore_daemonsets: true,
            delete_emptydir_data: false,
            force: false,
            grace_period_seconds: None,
            timeout_seconds: default_drain_timeout(),
        }
    }
}

/// What became of one pod during a drain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DrainPodState {
    /// While the drain runs: not evicted yet.
    Waiting,
    /// While the drain runs: evicted, still terminating.
    Terminating,
    /// Left on the node (DaemonSet pods, mirror pods).
    Skipped,
    /// Evicted and gone.
    Evicted,
    /// A PodDisruptionBudget refuses the eviction (still refusing when the drain gave up).
    Blocked,
    /// Evicted but still terminating when the drain gave up, or refused for another reason.
    Failed,
    /// Not evicted because an option does not allow it (DaemonSet, emptyDir, no controller);
    /// such a pod stops the drain before anything is evicted, as kubectl does.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrainPod {
    pub namespace: String,
    pub name: String,
    pub state: DrainPodState,
    pub message: String,
}

/// A drain's result: the node is cordoned either way; `complete` when every pod that had to go
/// is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrainReport {
    pub node: String,
    pub complete: bool,
    pub pods: Vec<DrainPod>,
    pub message: String,
}

/// Where a drain stands: each pod's state while it runs, then the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrainProgress {
    pub node: String,
    pub running: bool,
    pub pods: Vec<DrainPod>,
    /// The result, once the drain has ended.
    pub report: Option<DrainReport>,
}

/// A Job made from a CronJob's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriggeredJob {
    pub namespace: String,
    pub job: String,
    pub message: String,
}

/// What the detail page needs to offer a kind's actions, read from the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Controls {
    Workload(WorkloadControls),
    Node(NodeControls),
    CronJob(CronJobControls),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadControls {
    /// `spec.replicas`; None for DaemonSets (one pod per node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<i32>,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
    /// Deployments only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// The controller has not seen the latest change yet.
    pub progressing: bool,
    pub containers: Vec<ContainerImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContainerImage {
    pub name: String,
    pub image: String,
    pub init: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeControls {
    pub unschedulable: bool,
    pub labels: std::collections::BTreeMap<String, String>,
    pub taints: Vec<Taint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CronJobControls {
    pub suspended: bool,
}
