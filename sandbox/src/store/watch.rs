//! Watch events, the bounded per-type history and live subscriptions.
//!
//! Every write publishes a [`WatchEvent`] while the store's write lock is held, so the history and the
//! broadcast channel see events in resourceVersion order and a subscriber that starts under the read lock
//! can neither miss nor duplicate an event.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::broadcast;

use super::stored::Stored;

/// How many past events each resource type keeps for `watch?resourceVersion=` replays. Older versions get
/// 410 Gone and the client lists again, exactly as with etcd compaction.
pub const HISTORY_PER_TYPE: usize = 20_000;

/// Capacity of each live channel; a watcher that falls this far behind is ended with 410 Gone.
pub const LIVE_CHANNEL_CAPACITY: usize = 16_384;

/// The kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// The object was created.
    Added,
    /// The object changed (including getting a deletionTimestamp).
    Modified,
    /// The object was removed; `object` holds its last state.
    Deleted,
}

impl EventType {
    /// The wire name: `ADDED`, `MODIFIED`, `DELETED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One change to one object.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    /// What happened.
    pub event_type: EventType,
    /// The object after the change (its last state for `Deleted`), resourceVersion set to `resource_version`.
    pub object: Arc<Value>,
    /// The cluster-wide resourceVersion of this change.
    pub resource_version: u64,
    /// The object before a `Modified` change, so a watch with a selector can tell an object that moved
    /// into its selection (sent as `ADDED`) or out of it (`DELETED`) from one that changed inside it.
    pub previous: Option<Arc<Value>>,
}

impl WatchEvent {
    /// Namespace of the object (`""` for cluster-scoped ones).
    pub fn namespace(&self) -> &str {
        self.object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// A watch: first `replay` (events after the requested version, or synthetic ADDED events for the current
/// state), then everything from `live`.
#[derive(Debug)]
pub struct Subscription {
    /// Events to deliver before reading `live`.
    pub replay: Vec<Arc<WatchEvent>>,
    /// Live events after the replay.
    pub live: broadcast::Receiver<Arc<WatchEvent>>,
    /// The store's resourceVersion when the subscription started (for the initial-events-end bookmark).
    pub start_version: u64,
}

/// A change as the history keeps it: JSON bytes shared with the stored object, parsed only on replay, so
/// 20 000 remembered pod events cost their bytes rather than 20 000 trees.
#[derive(Debug)]
struct Remembered {
    event_type: EventType,
    object: Bytes,
    previous: Option<Bytes>,
    resource_version: u64,
}

impl Remembered {
    fn event(&self) -> Arc<WatchEvent> {
        let parse = |b: &Bytes| Arc::new(serde_json::from_slice(b).unwrap_or(Value::Null));
        Arc::new(WatchEvent {
            event_type: self.event_type,
            object: parse(&self.object),
            resource_version: self.resource_version,
            previous: self.previous.as_ref().map(parse),
        })
    }
}

/// One write, as the store hands it to [`EventLog::publish`].
pub(crate) struct Change<'a> {
    pub(crate) event_type: EventType,
    pub(crate) object: Arc<Value>,
    pub(crate) stored: &'a Stored,
    pub(crate) previous: Option<&'a Stored>,
}

/// Per-type event history plus the live channel.
#[derive(Debug)]
pub(crate) struct EventLog {
    history: VecDeque<Remembered>,
    /// Every event with a resourceVersion above `floor` is still in `history`.
    floor: u64,
    tx: broadcast::Sender<Arc<WatchEvent>>,
}

impl EventLog {
    pub(crate) fn new(floor: u64) -> Self {
        let (tx, _) = broadcast::channel(LIVE_CHANNEL_CAPACITY);
        Self {
            history: VecDeque::new(),
            floor,
            tx,
        }
    }

    pub(crate) fn publish(&mut self, change: Change<'_>) {
        let resource_version = change.stored.resource_version();
        if self.history.len() >= HISTORY_PER_TYPE
            && let Some(old) = self.history.pop_front()
        {
            self.floor = old.resource_version;
        }
        self.history.push_back(Remembered {
            event_type: change.event_type,
            object: change.stored.json().clone(),
            previous: change.previous.map(|p| p.json().clone()),
            resource_version,
        });
        // Nobody watching this type is the normal case: then nothing is parsed for the live event.
        if self.tx.receiver_count() > 0 {
            let _ = self.tx.send(Arc::new(WatchEvent {
                event_type: change.event_type,
                object: change.object,
                resource_version,
                previous: change.previous.map(Stored::value),
            }));
        }
    }

    /// Forgets every event up to `rv` (etcd compaction): older watches get 410 Gone.
    pub(crate) fn compact(&mut self, rv: u64) {
        self.history.retain(|e| e.resource_version > rv);
        self.floor = self.floor.max(rv);
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.tx.subscribe()
    }

    /// Events after `since`, or `None` when part of that range has been dropped from the history.
    pub(crate) fn since(&self, since: u64) -> Option<Vec<Arc<WatchEvent>>> {
        if since < self.floor {
            return None;
        }
        let start = self
            .history
            .partition_point(|e| e.resource_version <= since);
        Some(self.history.range(start..).map(Remembered::event).collect())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::stored::LabelPool;
    use super::*;

    #[test]
    fn replay_returns_only_newer_events_and_gone_below_the_floor() {
        let mut log = EventLog::new(10);
        let mut pool = LabelPool::default();
        for rv in 11..=15 {
            let object = Arc::new(json!({"metadata": {"resourceVersion": rv.to_string()}}));
            log.publish(Change {
                event_type: EventType::Added,
                stored: &Stored::new(&object, &mut pool),
                object,
                previous: None,
            });
        }
        let newer: Vec<u64> = log
            .since(13)
            .unwrap_or_default()
            .iter()
            .map(|e| e.resource_version)
            .collect();
        assert_eq!(newer, vec![14, 15]);
        assert_eq!(log.since(10).map(|v| v.len()), Some(5));
        assert!(log.since(9).is_none());
    }
}
