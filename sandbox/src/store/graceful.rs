//! Graceful deletion of pods, following the API server's pod strategy: a pod bound to a node is only
//! marked (`deletionTimestamp` = now + grace, `deletionGracePeriodSeconds`), because the kubelet must
//! stop its containers first; the kubelet then deletes it with grace 0. Every other object, an unbound
//! pod and a pod that already finished go at once (grace 0).

use serde_json::Value;

use super::GroupResource;
use super::delete::DeleteOptions;

/// `terminationGracePeriodSeconds` when the pod spec leaves it out.
const DEFAULT_POD_GRACE_SECONDS: i64 = 30;

/// The grace period a delete gets: `Some(seconds > 0)` when the object must wait for its kubelet,
/// `None` when it may go now (subject to finalizers).
pub(super) fn grace_seconds(key: &GroupResource, obj: &Value, opts: &DeleteOptions) -> Option<i64> {
    if !(key.group.is_empty() && key.resource == "pods") {
        return None;
    }
    let bound = obj
        .pointer("/spec/nodeName")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty());
    let finished = matches!(
        obj.pointer("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    );
    if !bound || finished {
        return None;
    }
    let grace = opts
        .grace_period_seconds
        .or_else(|| {
            obj.pointer("/spec/terminationGracePeriodSeconds")
                .and_then(Value::as_i64)
        })
        .unwrap_or(DEFAULT_POD_GRACE_SECONDS);
    // The API server turns a negative period into 1 s rather than a forced delete: only an explicit 0 forces.
    let grace = if grace < 0 { 1 } else { grace };
    (grace > 0).then_some(grace)
}

/// The grace period an object being deleted was given (0 when it was not graceful).
pub(super) fn current_grace(obj: &Value) -> i64 {
    obj.pointer("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pods() -> GroupResource {
        GroupResource::core("pods")
    }

    fn with_grace(g: Option<i64>) -> DeleteOptions {
        DeleteOptions {
            grace_period_seconds: g,
            ..DeleteOptions::default()
        }
    }

    #[test]
    fn only_bound_unfinished_pods_wait_for_their_kubelet() {
        let bound = json!({"spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 5},
                           "status": {"phase": "Running"}});
        assert_eq!(grace_seconds(&pods(), &bound, &with_grace(None)), Some(5));
        assert_eq!(
            grace_seconds(&pods(), &bound, &with_grace(Some(2))),
            Some(2)
        );
        assert_eq!(grace_seconds(&pods(), &bound, &with_grace(Some(0))), None);
        assert_eq!(
            grace_seconds(&pods(), &bound, &with_grace(Some(-5))),
            Some(1)
        );
        let unbound = json!({"spec": {}});
        assert_eq!(grace_seconds(&pods(), &unbound, &with_grace(None)), None);
        let done = json!({"spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}});
        assert_eq!(grace_seconds(&pods(), &done, &with_grace(None)), None);
        let defaulted = json!({"spec": {"nodeName": "n1"}});
        assert_eq!(
            grace_seconds(&pods(), &defaulted, &with_grace(None)),
            Some(30)
        );
        let cm = GroupResource::core("configmaps");
        assert_eq!(grace_seconds(&cm, &bound, &with_grace(Some(9))), None);
    }
}
