//! Whether a pod fits a node: resource requests (cpu, memory, `nvidia.com/gpu`, pod count), nodeSelector,
//! taints against tolerations, cordon and readiness; and the "0/3 nodes are available: …" message the real
//! scheduler writes when nothing fits, since users and the console read that text.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod, Taint, Toleration};

pub use super::resources::{GPU, Resources, pod_requests, requests_of};
use crate::behaviour::quantity::{cpu_millis, whole_units};

/// What the scheduler remembers about a node.
#[derive(Debug, Clone)]
pub struct NodeFacts {
    pub name: String,
    pub allocatable: Resources,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub ready: bool,
}

impl NodeFacts {
    pub fn from_node(node: &Node) -> Self {
        let status = node.status.as_ref();
        let alloc = status.and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()));
        let get = |name: &str| alloc.and_then(|a| a.get(name)).map(|q| q.0.as_str());
        let ready = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .is_none_or(|c| c.status == "True");
        Self {
            name: node.metadata.name.clone().unwrap_or_default(),
            allocatable: Resources {
                cpu_millis: get("cpu").map_or(0, cpu_millis),
                memory_bytes: get("memory").map_or(0, whole_units),
                gpus: get(GPU).map_or(0, whole_units),
                pods: get("pods").map_or(110, whole_units),
            },
            labels: node.metadata.labels.clone().unwrap_or_default(),
            taints: node
                .spec
                .as_ref()
                .and_then(|s| s.taints.clone())
                .unwrap_or_default(),
            unschedulable: node
                .spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false),
            ready,
        }
    }
}

/// What a pod needs from a node besides resources.
#[derive(Debug, Clone, Default)]
pub struct PodNeeds {
    pub requests: Resources,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
}

impl PodNeeds {
    pub fn from_pod(pod: &Pod) -> Self {
        let spec = pod.spec.as_ref();
        Self {
            requests: pod_requests(pod),
            node_selector: spec
                .and_then(|s| s.node_selector.clone())
                .unwrap_or_default(),
            tolerations: spec.and_then(|s| s.tolerations.clone()).unwrap_or_default(),
        }
    }
}

/// Why a node was rejected, worded as in the scheduler's FailedScheduling message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Misfit {
    Unschedulable,
    NotReady,
    UntoleratedTaint(String),
    SelectorMismatch,
    InsufficientCpu,
    InsufficientMemory,
    InsufficientGpu,
    TooManyPods,
}

impl Misfit {
    fn describe(&self) -> String {
        match self {
            Misfit::Unschedulable => "node(s) were unschedulable".into(),
            Misfit::NotReady => {
                "node(s) had untolerated taint {node.kubernetes.io/not-ready: }".into()
            }
            Misfit::UntoleratedTaint(t) => format!("node(s) had untolerated taint {{{t}}}"),
            Misfit::SelectorMismatch => "node(s) didn't match Pod's node affinity/selector".into(),
            Misfit::InsufficientCpu => "Insufficient cpu".into(),
            Misfit::InsufficientMemory => "Insufficient memory".into(),
            Misfit::InsufficientGpu => format!("Insufficient {GPU}"),
            Misfit::TooManyPods => "Too many pods".into(),
        }
    }
}

/// Whether `toleration` tolerates `taint`.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = toleration.effect.as_deref().filter(|e| !e.is_empty())
        && effect != taint.effect
    {
        return false;
    }
    match toleration.operator.as_deref() {
        Some("Exists") => toleration
            .key
            .as_deref()
            .is_none_or(|k| k.is_empty() || k == taint.key),
        _ => {
            toleration.key.as_deref() == Some(taint.key.as_str())
                && toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
    }
}

fn tolerated(needs: &PodNeeds, key: &str, effect: &str) -> bool {
    let taint = Taint {
        key: key.into(),
        effect: effect.into(),
        ..Default::default()
    };
    needs.tolerations.iter().any(|t| tolerates(t, &taint))
}

/// All reasons `node` (with `used` already requested on it) cannot take the pod; empty when it fits.
pub fn misfits(needs: &PodNeeds, node: &NodeFacts, used: &Resources) -> Vec<Misfit> {
    let mut out = Vec::new();
    if node.unschedulable && !tolerated(needs, "node.kubernetes.io/unschedulable", "NoSchedule") {
        out.push(Misfit::Unschedulable);
    }
    if !node.ready && !tolerated(needs, "node.kubernetes.io/not-ready", "NoSchedule") {
        out.push(Misfit::NotReady);
    }
    for taint in node
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
    {
        if !needs.tolerations.iter().any(|t| tolerates(t, taint)) {
            out.push(Misfit::UntoleratedTaint(format!(
                "{}: {}",
                taint.key,
                taint.value.as_deref().unwrap_or("")
            )));
        }
    }
    if needs
        .node_selector
        .iter()
        .any(|(k, v)| node.labels.get(k) != Some(v))
    {
        out.push(Misfit::SelectorMismatch);
    }
    let want = &needs.requests;
    let free = |alloc: i64, used: i64| alloc - used;
    if want.cpu_millis > free(node.allocatable.cpu_millis, used.cpu_millis) {
        out.push(Misfit::InsufficientCpu);
    }
    if want.memory_bytes > free(node.allocatable.memory_bytes, used.memory_bytes) {
        out.push(Misfit::InsufficientMemory);
    }
    if want.gpus > free(node.allocatable.gpus, used.gpus) {
        out.push(Misfit::InsufficientGpu);
    }
    if used.pods + 1 > node.allocatable.pods {
        out.push(Misfit::TooManyPods);
    }
    out
}

/// How full a node would be with the pod: lower is better (spreads pods like the default
/// `LeastAllocated` scoring).
pub fn load_score(needs: &PodNeeds, node: &NodeFacts, used: &Resources) -> f64 {
    let ratio = |want: i64, used: i64, alloc: i64| {
        if alloc <= 0 {
            0.0
        } else {
            (want + used) as f64 / alloc as f64
        }
    };
    let cpu = ratio(
        needs.requests.cpu_millis,
        used.cpu_millis,
        node.allocatable.cpu_millis,
    );
    let memory = ratio(
        needs.requests.memory_bytes,
        used.memory_bytes,
        node.allocatable.memory_bytes,
    );
    let pods = ratio(1, used.pods, node.allocatable.pods);
    cpu + memory + pods
}

/// "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable. preemption: …"
pub fn failure_message(total_nodes: usize, rejections: &[Vec<Misfit>]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for reasons in rejections {
        let unique: BTreeSet<&Misfit> = reasons.iter().collect();
        for reason in unique {
            *counts.entry(reason.describe()).or_default() += 1;
        }
    }
    let parts: Vec<String> = counts.iter().map(|(why, n)| format!("{n} {why}")).collect();
    if total_nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    format!(
        "0/{total_nodes} nodes are available: {}. preemption: 0/{total_nodes} nodes are available: {total_nodes} Preemption is not helpful for scheduling.",
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(cpu: i64, gpus: i64) -> NodeFacts {
        NodeFacts {
            name: "n1".into(),
            allocatable: Resources {
                cpu_millis: cpu,
                memory_bytes: 8 << 30,
                gpus,
                pods: 110,
            },
            labels: BTreeMap::from([("disk".into(), "ssd".into())]),
            taints: Vec::new(),
            unschedulable: false,
            ready: true,
        }
    }

    fn needs(cpu: i64) -> PodNeeds {
        PodNeeds {
            requests: Resources {
                cpu_millis: cpu,
                pods: 1,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn requests_must_fit_in_what_is_left() {
        let used = Resources {
            cpu_millis: 1500,
            ..Default::default()
        };
        assert!(misfits(&needs(500), &node(2000, 0), &used).is_empty());
        assert_eq!(
            misfits(&needs(600), &node(2000, 0), &used),
            vec![Misfit::InsufficientCpu]
        );
        let mut gpu = needs(0);
        gpu.requests.gpus = 1;
        assert_eq!(
            misfits(&gpu, &node(2000, 0), &Resources::default()),
            vec![Misfit::InsufficientGpu]
        );
        assert!(misfits(&gpu, &node(2000, 1), &Resources::default()).is_empty());
    }

    #[test]
    fn taints_need_tolerations_and_cordon_blocks() {
        let mut n = node(4000, 0);
        n.taints.push(Taint {
            key: "dedicated".into(),
            value: Some("ml".into()),
            effect: "NoSchedule".into(),
            ..Default::default()
        });
        assert_eq!(
            misfits(&needs(1), &n, &Resources::default()),
            vec![Misfit::UntoleratedTaint("dedicated: ml".into())]
        );
        let mut tolerant = needs(1);
        tolerant.tolerations.push(Toleration {
            key: Some("dedicated".into()),
            operator: Some("Equal".into()),
            value: Some("ml".into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        });
        assert!(misfits(&tolerant, &n, &Resources::default()).is_empty());
        n.unschedulable = true;
        assert_eq!(
            misfits(&tolerant, &n, &Resources::default()),
            vec![Misfit::Unschedulable]
        );
    }

    #[test]
    fn node_selector_must_match_labels() {
        let mut p = needs(1);
        p.node_selector.insert("disk".into(), "hdd".into());
        assert_eq!(
            misfits(&p, &node(1000, 0), &Resources::default()),
            vec![Misfit::SelectorMismatch]
        );
    }

    #[test]
    fn the_failure_message_counts_nodes_per_reason() {
        let message = failure_message(
            3,
            &[
                vec![Misfit::InsufficientCpu],
                vec![Misfit::Unschedulable],
                vec![Misfit::InsufficientCpu],
            ],
        );
        assert!(
            message.starts_with(
                "0/3 nodes are available: 2 Insufficient cpu, 1 node(s) were unschedulable."
            ),
            "{message}"
        );
    }
}
