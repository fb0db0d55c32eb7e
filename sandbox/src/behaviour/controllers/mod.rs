//! Controllers: each turns one kind of object into the objects it owns, the way kube-controller-manager
//! does: watch the primary kind and the owned kinds, queue the keys of primaries that need a look, and
//! reconcile them one at a time from the store's current state (level-triggered, so a missed event only
//! delays work until the next event or resync).

pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod endpoints;
pub mod hpa;
pub mod job;
pub mod pod_template;
pub mod replicaset;
pub mod revisions;
pub mod rollout;
pub mod schedule;
pub mod statefulset;
pub mod volumes;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, BoxStream};
use futures::{FutureExt, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use serde_json::Value;

use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object;
use crate::store::{DeleteOptions, GroupResource, Store, WatchEvent};

/// Deletes an object a controller owns and, only when the delete went through, records
/// `SuccessfulDelete` with `message` on the owner, as kube-controller-manager does.
pub(crate) fn delete_owned(
    store: &Store,
    recorder: &EventRecorder,
    owner: &Value,
    resource: &GroupResource,
    owned: &Value,
    options: &DeleteOptions,
    message: &str,
) {
    let deleted = store
        .delete(
            resource,
            Some(object::namespace(owned)),
            object::name(owned),
            options,
        )
        .is_ok();
    if deleted {
        recorder.record(owner, EventType::Normal, "SuccessfulDelete", message);
    }
}

/// `(namespace, name)` of a primary object.
pub type Key = (String, String);

/// Maps a watched event to the primary objects that need reconciling.
pub type KeyMapper = fn(&WatchEvent) -> Vec<Key>;

/// One controller's logic: reconcile a primary key, and list every key for a full resync.
pub trait Reconciler: Send + 'static {
    /// Brings the object named by `key` (and what it owns) to its desired state.
    fn reconcile(&mut self, key: &Key);
    /// All primary keys worth looking at (start-up, and after missed events).
    fn all_keys(&self) -> Vec<Key>;
}

/// The key of the object in the event itself.
pub fn own_key(event: &WatchEvent) -> Vec<Key> {
    vec![(
        event.namespace().to_owned(),
        super::object::name(&event.object).to_owned(),
    )]
}

/// A mapper to the controlling owner of kind `kind`.
pub fn owner_key(event: &WatchEvent, kind: &str) -> Vec<Key> {
    let refs = event
        .object
        .pointer("/metadata/ownerReferences")
        .and_then(serde_json::Value::as_array);
    refs.into_iter()
        .flatten()
        .filter(|r| r["kind"] == kind && r["controller"] == true)
        .filter_map(|r| r["name"].as_str())
        .map(|name| (event.namespace().to_owned(), name.to_owned()))
        .collect()
}

enum Signal {
    Keys(Vec<Key>),
    Resync,
}

/// Runs a controller until the store's channels close: initial full pass, then event-driven, plus a
/// periodic full pass when `resync` is set (for time-driven kinds such as CronJobs).
pub async fn run<R: Reconciler>(
    store: Store,
    watched: Vec<(GroupResource, KeyMapper)>,
    resync: Option<Duration>,
    mut reconciler: R,
) {
    let mut streams: Vec<BoxStream<'static, Signal>> = Vec::new();
    for (kind, mapper) in watched {
        let Ok(rx) = store.subscribe(&kind) else {
            continue;
        };
        streams.push(
            BroadcastStream::new(rx)
                .map(move |item: Result<Arc<WatchEvent>, _>| match item {
                    Ok(event) => Signal::Keys(mapper(&event)),
                    // Missed events: look at everything again.
                    Err(_) => Signal::Resync,
                })
                .boxed(),
        );
    }
    if let Some(every) = resync {
        let ticks = tokio_stream::wrappers::IntervalStream::new(tokio::time::interval(every));
        streams.push(ticks.map(|_| Signal::Resync).boxed());
    }
    let mut signals = stream::select_all(streams);
    let mut queue: BTreeSet<Key> = reconciler.all_keys().into_iter().collect();
    loop {
        while let Some(key) = queue.pop_first() {
            reconciler.reconcile(&key);
            // Take whatever arrived meanwhile without waiting, so bursts are coalesced per key.
            while let Some(Some(signal)) = signals.next().now_or_never() {
                absorb(signal, &mut queue, &reconciler);
            }
        }
        match signals.next().await {
            Some(signal) => absorb(signal, &mut queue, &reconciler),
            None => return,
        }
    }
}

fn absorb<R: Reconciler>(signal: Signal, queue: &mut BTreeSet<Key>, reconciler: &R) {
    match signal {
        Signal::Keys(keys) => queue.extend(keys),
        Signal::Resync => queue.extend(reconciler.all_keys()),
    }
}
