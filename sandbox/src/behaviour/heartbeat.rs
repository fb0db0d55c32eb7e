//! Node heartbeats, as each node's kubelet sends them: its Lease in `kube-node-lease` is renewed every
//! 10 s, and its conditions' `lastHeartbeatTime` moves every 5 min (the kubelet's
//! `nodeStatusReportFrequency` when nothing changed). Without them every node looks dead to anything that
//! checks liveness (the console's node page, `kubectl describe node`).

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use super::object::{self, kinds};
use crate::SandboxError;
use crate::store::{GroupResource, Store, WriteOptions};

/// The kubelet's lease renew interval.
const RENEW_EVERY: Duration = Duration::from_secs(10);
/// Slices of the nodes beaten in turn within [`RENEW_EVERY`].
const SLICES: u16 = 10;
/// Lease renewals per node status heartbeat (5 min / 10 s).
const RENEWALS_PER_STATUS: u64 = 30;
/// The lease lifetime the kubelet asks for (`nodeLeaseDurationSeconds`).
const LEASE_SECONDS: i64 = 40;
const LEASE_NAMESPACE: &str = "kube-node-lease";

fn leases() -> GroupResource {
    GroupResource::new("coordination.k8s.io", "leases")
}

/// A node's Lease, owned by the node so that deleting the node takes it away too.
fn lease_for(node: &Value, renew_time: &str) -> Value {
    let name = object::name(node);
    json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": LEASE_NAMESPACE, "ownerReferences": [{
            "apiVersion": "v1", "kind": "Node", "name": name, "uid": object::uid(node)}]},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": LEASE_SECONDS, "renewTime": renew_time},
    })
}

/// Renews (or first creates) one node's Lease.
fn renew_lease(store: &Store, node: &str, renew_time: &str) {
    let opts = WriteOptions::manager("kubelet");
    let renewed = store.modify(
        &leases(),
        Some(LEASE_NAMESPACE),
        node,
        |lease| {
            lease["spec"]["renewTime"] = json!(renew_time);
            Ok(())
        },
        &opts,
    );
    if let Err(SandboxError::NotFound { .. }) = renewed {
        // Created by someone else meanwhile is fine: the next tick renews it. A node deleted
        // meanwhile needs no lease.
        if let Ok(node) = store.get(&kinds::nodes(), None, node) {
            let _ = store.create(&leases(), lease_for(&node, renew_time), &opts);
        }
    }
}

/// Moves every condition's `lastHeartbeatTime` of one node to `at` (transitions stay as they were).
fn report_status(store: &Store, node: &str, at: &str) {
    // A node deleted meanwhile simply has nothing to report.
    let _ = store.modify(
        &kinds::nodes(),
        None,
        node,
        |n| {
            for c in n
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                c["lastHeartbeatTime"] = json!(at);
            }
            Ok(())
        },
        &WriteOptions::manager("kubelet"),
    );
}

/// One round of heartbeats for every node: leases always, node status when `with_status`.
pub fn beat(store: &Store, with_status: bool) {
    beat_slice(store, with_status, None);
}

/// Heartbeats for the nodes of one slice (their position in the list modulo [`SLICES`]), or
/// for every node.
fn beat_slice(store: &Store, with_status: bool, slice: Option<u64>) {
    let now = Utc::now();
    // Lease times are MicroTime; condition times are whole seconds.
    let renew_time = now.to_rfc3339_opts(SecondsFormat::Micros, true);
    let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    // Names only: parsing 5 000 nodes every tick would cost more than the beats.
    let nodes = store.names(&kinds::nodes());
    for (i, node) in nodes.iter().enumerate() {
        if slice.is_some_and(|slice| i as u64 % u64::from(SLICES) != slice) {
            continue;
        }
        renew_lease(store, node, &renew_time);
        if with_status {
            report_status(store, node, &at);
        }
    }
}

/// Sends heartbeats for ever (the caller cancels it at shutdown). The first round covers every
/// node and reports status too, so seeded nodes look alive from the start; after it, each tick
/// beats one [`SLICES`]th of the nodes, so that thousands of nodes do not all write in the same
/// instant (real kubelets are not in step either) and stall everyone else's writes.
pub async fn run(store: Store) {
    beat(&store, true);
    let mut tick = tokio::time::interval(RENEW_EVERY / u32::from(SLICES));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick completes at once.
    tick.tick().await;
    for n in u64::from(SLICES).. {
        tick.tick().await;
        let round = n / u64::from(SLICES);
        beat_slice(
            &store,
            round % RENEWALS_PER_STATUS == 0,
            Some(n % u64::from(SLICES)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_beats_only_its_share_of_the_nodes() {
        let store = Store::new();
        for name in ["n0", "n1", "n2"] {
            let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}});
            store
                .create(&kinds::nodes(), node, &WriteOptions::default())
                .expect("node");
        }
        beat_slice(&store, false, Some(1));
        let renewed: Vec<bool> = ["n0", "n1", "n2"]
            .iter()
            .map(|n| store.get(&leases(), Some(LEASE_NAMESPACE), n).is_ok())
            .collect();
        assert_eq!(renewed, [false, true, false]);
    }

    #[test]
    fn a_beat_renews_the_lease_and_moves_the_condition_heartbeat() {
        let store = Store::new();
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
            "status": {"conditions": [{"type": "Ready", "status": "True",
                "lastHeartbeatTime": "2020-01-01T00:00:00Z", "lastTransitionTime": "2020-01-01T00:00:00Z"}]}});
        store
            .create(&kinds::nodes(), node, &WriteOptions::default())
            .expect("node");
        beat(&store, true);
        let first = store
            .get(&leases(), Some(LEASE_NAMESPACE), "n1")
            .expect("lease created");
        assert_eq!(first["spec"]["holderIdentity"], "n1");
        let node = store.get(&kinds::nodes(), None, "n1").expect("node");
        let condition = &node["status"]["conditions"][0];
        assert_ne!(condition["lastHeartbeatTime"], "2020-01-01T00:00:00Z");
        assert_eq!(condition["lastTransitionTime"], "2020-01-01T00:00:00Z");
        beat(&store, false);
        let second = store
            .get(&leases(), Some(LEASE_NAMESPACE), "n1")
            .expect("lease");
        assert_ne!(
            first["metadata"]["resourceVersion"],
            second["metadata"]["resourceVersion"]
        );
    }
}
