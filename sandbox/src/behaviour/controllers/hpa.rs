//! The HorizontalPodAutoscaler controller (autoscaling/v2): every sync period it reads the CPU (or
//! memory) usage of the target's pods from the simulated metrics, and scales the target towards
//! `ceil(current × usage / target)` within min/max, ignoring changes inside a 10 % tolerance.

use chrono::Utc;
use serde_json::{Value, json};

use super::{Key, KeyMapper, Reconciler, own_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::metrics::api::pod_usage;
use crate::behaviour::object::{self, kinds, now_rfc3339};
use crate::behaviour::quantity::{cpu_millis, whole_units};
use crate::selectors::LabelSelector;
use crate::store::{GroupResource, Store, WriteOptions};

const MANAGER: &str = "horizontal-pod-autoscaler";
const TOLERANCE: f64 = 0.1;

/// `desired = ceil(current × ratio)` unless the ratio is within tolerance of 1, clamped to [min, max].
pub fn desired_replicas(current: i64, usage_ratio: f64, min: i64, max: i64) -> i64 {
    let wanted = if (usage_ratio - 1.0).abs() <= TOLERANCE {
        current
    } else {
        (current as f64 * usage_ratio).ceil() as i64
    };
    wanted.clamp(min.max(1), max.max(min.max(1)))
}

fn target_key(kind: &str) -> Option<GroupResource> {
    match kind {
        "Deployment" => Some(kinds::deployments()),
        "StatefulSet" => Some(kinds::stateful_sets()),
        "ReplicaSet" => Some(kinds::replica_sets()),
        _ => None,
    }
}

/// Scales every HPA's target.
pub struct HpaController {
    store: Store,
    recorder: EventRecorder,
}

impl HpaController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        vec![(kinds::hpas(), own_key)]
    }

    /// Average utilisation (percent of request) of `resource` over the running pods of `target`.
    fn utilisation(&self, target: &Value, resource: &str) -> Option<(i64, i64)> {
        let labels = target
            .pointer("/spec/selector/matchLabels")
            .and_then(Value::as_object)?;
        let pods = self.store.list(
            &kinds::pods(),
            Some(object::namespace(target)),
            &LabelSelector::from_map(labels),
        );
        let now = Utc::now();
        let (mut used, mut requested, mut count) = (0i64, 0i64, 0i64);
        for pod in pods
            .iter()
            .filter(|p| object::str_at(p, "/status/phase") == Some("Running"))
        {
            let usage = pod_usage(pod, now);
            for (c, (_, cpu, mem)) in pod
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .zip(usage)
            {
                let request = c
                    .pointer(&format!("/resources/requests/{resource}"))
                    .and_then(Value::as_str);
                let (u, r) = if resource == "cpu" {
                    (cpu, request.map_or(0, cpu_millis))
                } else {
                    (mem, request.map_or(0, whole_units))
                };
                used += u;
                requested += r;
            }
            count += 1;
        }
        (requested > 0 && count > 0).then(|| (used * 100 / requested, used / count))
    }
}

impl Reconciler for HpaController {
    fn reconcile(&mut self, key: &Key) {
        let Ok(hpa) = self.store.get(&kinds::hpas(), Some(&key.0), &key.1) else {
            return;
        };
        let kind = object::str_at(&hpa, "/spec/scaleTargetRef/kind").unwrap_or_default();
        let target_name = object::str_at(&hpa, "/spec/scaleTargetRef/name")
            .unwrap_or_default()
            .to_owned();
        let Some(target_kind) = target_key(kind) else {
            return;
        };
        let Ok(target) = self.store.get(&target_kind, Some(&key.0), &target_name) else {
            return;
        };
        let metric = hpa.pointer("/spec/metrics/0/resource");
        let resource = metric
            .and_then(|m| m["name"].as_str())
            .unwrap_or("cpu")
            .to_owned();
        let target_percent = metric
            .and_then(|m| m.pointer("/target/averageUtilization"))
            .and_then(Value::as_i64)
            .unwrap_or(80)
            .max(1);
        let current = object::int_at(&target, "/spec/replicas").unwrap_or(1);
        let min = object::int_at(&hpa, "/spec/minReplicas").unwrap_or(1);
        let max = object::int_at(&hpa, "/spec/maxReplicas").unwrap_or(min);
        let measured = self.utilisation(&target, &resource);
        let desired = measured.map_or(current.clamp(min, max), |(percent, _)| {
            desired_replicas(current, percent as f64 / target_percent as f64, min, max)
        });
        let now = now_rfc3339();
        let mut last_scale = object::str_at(&hpa, "/status/lastScaleTime").map(str::to_owned);
        if desired != current {
            let scaled = self.store.modify(
                &target_kind,
                Some(&key.0),
                &target_name,
                |stored| {
                    stored["spec"]["replicas"] = json!(desired);
                    Ok(())
                },
                &WriteOptions::manager(MANAGER),
            );
            if scaled.is_ok() {
                let direction = if desired > current { "above" } else { "below" };
                let message = format!(
                    "New size: {desired}; reason: {resource} resource utilization (percentage of request) {direction} target"
                );
                self.recorder
                    .record(&hpa, EventType::Normal, "SuccessfulRescale", &message);
                last_scale = Some(now.clone());
            }
        }
        let condition = |kind: &str, ok: bool, reason: &str, message: &str| json!({"type": kind, "status": if ok { "True" } else { "False" }, "reason": reason, "message": message, "lastTransitionTime": now});
        let limited = desired == max || desired == min;
        let mut status = json!({
            "currentReplicas": current,
            "desiredReplicas": desired,
            "conditions": [
                condition("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size"),
                match measured {
                    Some(_) => condition("ScalingActive", true, "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"),
                    None => condition("ScalingActive", false, "FailedGetResourceMetric", "the HPA was unable to compute the replica count: missing request or no running pods"),
                },
                condition("ScalingLimited", limited, if limited { "TooFewReplicas" } else { "DesiredWithinRange" }, "the desired count is within the acceptable range"),
            ],
        });
        if let Some((percent, average)) = measured {
            let average_value = if resource == "cpu" {
                format!("{average}m")
            } else {
                average.to_string()
            };
            status["currentMetrics"] = json!([{"type": "Resource", "resource": {"name": resource, "current": {"averageUtilization": percent, "averageValue": average_value}}}]);
        }
        if let Some(t) = last_scale {
            status["lastScaleTime"] = json!(t);
        }
        let _ = self.store.modify(
            &kinds::hpas(),
            Some(&key.0),
            &key.1,
            |stored| {
                stored["status"] = status;
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::hpas(), None, &LabelSelector::default())
            .iter()
            .map(|h| (object::namespace(h).to_owned(), object::name(h).to_owned()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_follow_usage_within_bounds_and_tolerance() {
        assert_eq!(desired_replicas(2, 1.05, 1, 10), 2);
        assert_eq!(desired_replicas(2, 1.6, 1, 10), 4);
        assert_eq!(desired_replicas(4, 0.4, 2, 10), 2);
        assert_eq!(desired_replicas(4, 5.0, 2, 6), 6);
    }
}
