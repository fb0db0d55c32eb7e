//! Event expiry: the API server keeps an Event for `--event-ttl` (1 h by default) after its last write
//! and etcd then drops it. Without this, a long-running sandbox would accumulate events for ever and
//! `kubectl get events` would show hours-old history a real cluster has forgotten.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::object::{self, kinds};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, Store};

/// The API server's default `--event-ttl`.
pub const EVENT_TTL: TimeDelta = TimeDelta::hours(1);

/// How often expired events are swept; an event may outlive its TTL by up to this much, as with etcd
/// leases, which are also revoked in batches.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// When the event was last written: the latest of its own timestamps (a repeated event moves
/// `lastTimestamp` or `series.lastObservedTime` forward, which renews its lease upstream), or its
/// creation when it carries none.
fn last_written(event: &Value) -> Option<DateTime<Utc>> {
    let parse = |path: &str| {
        object::str_at(event, path)
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    ["/lastTimestamp", "/eventTime", "/series/lastObservedTime"]
        .into_iter()
        .filter_map(parse)
        .max()
        .or_else(|| parse("/metadata/creationTimestamp"))
}

/// Whether `event` has outlived the TTL at `now`. An event with no readable timestamp is kept: deleting
/// what we cannot date would be a guess.
pub fn is_expired(event: &Value, now: DateTime<Utc>) -> bool {
    last_written(event).is_some_and(|at| now - at > EVENT_TTL)
}

/// Deletes every expired event once; returns how many went.
pub fn sweep(store: &Store, now: DateTime<Utc>) -> usize {
    let events = kinds::events();
    let mut removed = 0;
    for event in store.list(&events, None, &LabelSelector::default()) {
        if !is_expired(&event, now) {
            continue;
        }
        let namespace = object::namespace(&event);
        let namespace = (!namespace.is_empty()).then_some(namespace);
        // Already gone (deleted by a client meanwhile) is as good as expired.
        if store
            .delete(
                &events,
                namespace,
                object::name(&event),
                &DeleteOptions::default(),
            )
            .is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Sweeps expired events every minute, for ever (the caller cancels it at shutdown).
pub async fn run(store: Store) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        sweep(&store, Utc::now());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::store::WriteOptions;

    fn event(name: &str, last: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Event",
               "metadata": {"name": name, "namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z"},
               "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
               "reason": "Pulled", "lastTimestamp": last})
    }

    #[test]
    fn events_go_an_hour_after_their_last_write_and_not_before() {
        let store = Store::new();
        for (name, last) in [
            ("old", "2026-01-01T00:00:00Z"),
            ("repeated", "2026-01-01T01:30:00Z"),
        ] {
            store
                .create(
                    &kinds::events(),
                    event(name, last),
                    &WriteOptions::default(),
                )
                .expect("create event");
        }
        let now = DateTime::parse_from_rfc3339("2026-01-01T02:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("time");
        assert_eq!(sweep(&store, now), 1);
        let left: Vec<String> = store
            .list(&kinds::events(), None, &LabelSelector::default())
            .iter()
            .map(|e| object::name(e).to_owned())
            .collect();
        assert_eq!(left, vec!["repeated".to_string()]);
        assert!(!is_expired(&json!({"reason": "undated"}), now));
    }
}
