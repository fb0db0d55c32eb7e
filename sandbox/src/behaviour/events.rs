//! Recording core/v1 Events ("Scheduled", "Pulling", "BackOff", "ScalingReplicaSet", …) the way the real
//! components do, including the aggregation that turns a repeated event into one with a growing `count`
//! (so a crash-looping pod shows "BackOff (x12 over 5m)" rather than hundreds of rows).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::object::{kinds, name, namespace, uid};
use crate::store::{Store, WriteOptions};

/// Normal or Warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
}

/// Beyond this many remembered events the aggregation memory starts afresh; it only saves rows.
const AGGREGATION_MEMORY: usize = 10_000;

/// (object uid, reason, message): what makes two events "the same" for aggregation.
type EventIdentity = (String, String, String);
/// (namespace, name) of a stored Event.
type EventName = (String, String);

/// Writes Events on behalf of one component (`kubelet`, `default-scheduler`, `deployment-controller`…).
pub struct EventRecorder {
    store: Store,
    component: &'static str,
    sequence: AtomicU64,
    /// (object uid, reason, message) → the Event already written for it.
    recent: Mutex<HashMap<EventIdentity, EventName>>,
}

impl EventRecorder {
    pub fn new(store: Store, component: &'static str) -> Self {
        Self {
            store,
            component,
            sequence: AtomicU64::new(0),
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Records an event about `involved` now.
    pub fn record(&self, involved: &Value, event_type: EventType, reason: &str, message: &str) {
        self.record_detailed(
            involved,
            event_type,
            reason,
            message,
            None,
            None,
            Utc::now(),
        );
    }

    /// Records an event with an optional container field path (`spec.containers{web}`), reporting host
    /// and time.
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors the fields of an Event one to one"
    )]
    pub fn record_detailed(
        &self,
        involved: &Value,
        event_type: EventType,
        reason: &str,
        message: &str,
        field_path: Option<&str>,
        host: Option<&str>,
        at: DateTime<Utc>,
    ) {
        let at_text = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let ns = match namespace(involved) {
            "" => "default",
            ns => ns,
        };
        let key = (
            uid(involved).to_owned(),
            reason.to_owned(),
            message.to_owned(),
        );
        let known = self
            .recent
            .lock()
            .map(|r| r.get(&key).cloned())
            .unwrap_or(None);
        if let Some((event_ns, event_name)) = known {
            let bumped = self.store.modify(
                &kinds::events(),
                Some(&event_ns),
                &event_name,
                |event| {
                    let count = event.get("count").and_then(Value::as_i64).unwrap_or(1);
                    event["count"] = json!(count + 1);
                    event["lastTimestamp"] = json!(at_text);
                    Ok(())
                },
                &WriteOptions::manager(self.component),
            );
            if bumped.is_ok() {
                return;
            }
        }
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let stamp = at.timestamp_nanos_opt().unwrap_or_default() as u64;
        let event_name = format!("{}.{:x}", name(involved), stamp.wrapping_add(sequence));
        let mut involved_ref = json!({
            "apiVersion": involved.get("apiVersion").cloned().unwrap_or(Value::Null),
            "kind": involved.get("kind").cloned().unwrap_or(Value::Null),
            "name": name(involved),
            "uid": uid(involved),
            "resourceVersion": involved.pointer("/metadata/resourceVersion").cloned().unwrap_or(Value::Null),
        });
        if !namespace(involved).is_empty() {
            involved_ref["namespace"] = json!(namespace(involved));
        }
        if let Some(path) = field_path {
            involved_ref["fieldPath"] = json!(path);
        }
        let mut source = json!({ "component": self.component });
        if let Some(host) = host {
            source["host"] = json!(host);
        }
        let event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": { "name": event_name, "namespace": ns },
            "involvedObject": involved_ref,
            "reason": reason,
            "message": message,
            "type": match event_type { EventType::Normal => "Normal", EventType::Warning => "Warning" },
            "source": source,
            "firstTimestamp": at_text,
            "lastTimestamp": at_text,
            "count": 1,
            "reportingComponent": self.component,
            "reportingInstance": host.unwrap_or(self.component),
        });
        // Events are best effort, as in Kubernetes: a namespace being deleted refuses them, and that is fine.
        if self
            .store
            .create(
                &kinds::events(),
                event,
                &WriteOptions::manager(self.component),
            )
            .is_ok()
            && let Ok(mut recent) = self.recent.lock()
        {
            if recent.len() >= AGGREGATION_MEMORY {
                recent.clear();
            }
            recent.insert(key, (ns.to_owned(), event_name));
        }
    }
}
