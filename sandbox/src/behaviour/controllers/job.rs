//! The Job controller: runs pods until `completions` succeed (at most `parallelism` at a time), gives up
//! after `backoffLimit` failures, and deletes finished Jobs after `ttlSecondsAfterFinished`.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use super::pod_template::pod_from_template;
use super::{Key, KeyMapper, Reconciler, own_key, owner_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, kinds, now_rfc3339, owned, parse_time};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource, Propagation, Store, WatchEvent, WriteOptions};

const MANAGER: &str = "job-controller";

fn phase(pod: &Value) -> &str {
    object::str_at(pod, "/status/phase").unwrap_or("Pending")
}

fn condition_true(job: &Value, kind: &str) -> bool {
    job.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == kind && c["status"] == "True")
        })
}

/// Whether the Job has finished (Complete or Failed).
pub fn is_finished(job: &Value) -> bool {
    condition_true(job, "Complete") || condition_true(job, "Failed")
}

/// Runs every Job.
pub struct JobController {
    store: Store,
    recorder: EventRecorder,
}

impl JobController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        fn pod_owner(e: &WatchEvent) -> Vec<Key> {
            owner_key(e, "Job")
        }
        vec![(kinds::jobs(), own_key), (kinds::pods(), pod_owner)]
    }

    fn finish(&self, job: &Value, kind: &str, reason: &str, message: &str) {
        let now = now_rfc3339();
        let mut conditions = vec![];
        if kind == "Complete" {
            conditions.push(json!({"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": now, "lastTransitionTime": now}));
        } else {
            conditions.push(json!({"type": "FailureTarget", "status": "True", "reason": reason, "message": message, "lastProbeTime": now, "lastTransitionTime": now}));
        }
        conditions.push(json!({"type": kind, "status": "True", "reason": reason, "message": message, "lastProbeTime": now, "lastTransitionTime": now}));
        let _ = self.store.modify(
            &kinds::jobs(),
            Some(object::namespace(job)),
            object::name(job),
            |stored| {
                stored["status"]["conditions"] = json!(conditions);
                stored["status"]["active"] = json!(0);
                stored["status"]["ready"] = json!(0);
                if kind == "Complete" {
                    stored["status"]["completionTime"] = json!(now);
                }
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
        let event_type = if kind == "Complete" {
            EventType::Normal
        } else {
            EventType::Warning
        };
        self.recorder.record(
            job,
            event_type,
            if kind == "Complete" {
                "Completed"
            } else {
                reason
            },
            message,
        );
    }

    fn expire(&self, job: &Value) {
        let Some(ttl) = object::int_at(job, "/spec/ttlSecondsAfterFinished") else {
            return;
        };
        let finished_at = object::str_at(job, "/status/completionTime")
            .or_else(|| {
                job.pointer("/status/conditions/0/lastTransitionTime")
                    .and_then(Value::as_str)
            })
            .and_then(parse_time);
        if finished_at.is_some_and(|t| t + TimeDelta::seconds(ttl) <= Utc::now()) {
            let opts = DeleteOptions {
                propagation: Propagation::Background,
                ..DeleteOptions::default()
            };
            let _ = self.store.delete(
                &kinds::jobs(),
                Some(object::namespace(job)),
                object::name(job),
                &opts,
            );
        }
    }
}

impl Reconciler for JobController {
    fn reconcile(&mut self, key: &Key) {
        let Ok(job) = self.store.get(&kinds::jobs(), Some(&key.0), &key.1) else {
            return;
        };
        if object::is_deleting(&job) {
            return;
        }
        if is_finished(&job) {
            self.expire(&job);
            return;
        }
        if job.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
            return;
        }
        let pods = owned(&self.store, &kinds::pods(), &job);
        let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
        let restarts: i64 = pods
            .iter()
            .flat_map(|p| {
                p.pointer("/status/containerStatuses")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|s| s["restartCount"].as_i64().unwrap_or(0))
            .sum();
        let failed = pods.iter().filter(|p| phase(p) == "Failed").count() as i64;
        let active: Vec<&Arc<Value>> = pods
            .iter()
            .filter(|p| !matches!(phase(p), "Succeeded" | "Failed") && !object::is_deleting(p))
            .collect();
        let ready = active
            .iter()
            .filter(|p| super::replicaset::is_ready(p))
            .count();
        let parallelism = object::int_at(&job, "/spec/parallelism")
            .unwrap_or(1)
            .max(0);
        let completions = object::int_at(&job, "/spec/completions");
        let backoff_limit = object::int_at(&job, "/spec/backoffLimit").unwrap_or(6);
        let start = object::str_at(&job, "/status/startTime")
            .map(str::to_owned)
            .unwrap_or_else(now_rfc3339);
        let _ = self.store.modify(
            &kinds::jobs(),
            Some(&key.0),
            &key.1,
            |stored| {
                let status = &mut stored["status"];
                if !status.is_object() {
                    *status = json!({});
                }
                status["startTime"] = json!(start);
                status["active"] = json!(active.len());
                status["ready"] = json!(ready);
                status["succeeded"] = json!(succeeded);
                status["failed"] = json!(failed);
                status["terminating"] = json!(0);
                status["uncountedTerminatedPods"] = json!({});
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
        let done = match completions {
            Some(c) => succeeded >= c,
            None => succeeded > 0 && active.is_empty(),
        };
        if done {
            self.finish(&job, "Complete", "CompletionsReached", "Job completed");
            return;
        }
        if failed + restarts > backoff_limit {
            for pod in &active {
                let _ = self.store.delete(
                    &kinds::pods(),
                    Some(&key.0),
                    object::name(pod),
                    &DeleteOptions::default(),
                );
            }
            self.finish(
                &job,
                "Failed",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            );
            return;
        }
        let remaining = completions.map_or(parallelism, |c| (c - succeeded).min(parallelism));
        let template = job
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let uid = object::uid(&job).to_owned();
        let labels = [
            ("batch.kubernetes.io/controller-uid", uid.as_str()),
            ("controller-uid", uid.as_str()),
            ("batch.kubernetes.io/job-name", key.1.as_str()),
            ("job-name", key.1.as_str()),
        ];
        for _ in active.len() as i64..remaining {
            let pod = pod_from_template(&job, &template, &format!("{}-", key.1), None, &labels);
            match self
                .store
                .create(&kinds::pods(), pod, &WriteOptions::manager(MANAGER))
            {
                Ok(created) => self.recorder.record(
                    &job,
                    EventType::Normal,
                    "SuccessfulCreate",
                    &format!("Created pod: {}", object::name(&created)),
                ),
                Err(e) => {
                    self.recorder.record(
                        &job,
                        EventType::Warning,
                        "FailedCreate",
                        &format!("Error creating: {e}"),
                    );
                    break;
                }
            }
        }
    }

    fn all_keys(&self) -> Vec<Key> {
        // Unfinished jobs, and finished ones that wait for their TTL.
        self.store
            .list(&kinds::jobs(), None, &LabelSelector::default())
            .iter()
            .filter(|j| !is_finished(j) || j.pointer("/spec/ttlSecondsAfterFinished").is_some())
            .map(|j| (object::namespace(j).to_owned(), object::name(j).to_owned()))
            .collect()
    }
}
