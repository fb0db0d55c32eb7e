//! The CronJob controller: creates a Job at each scheduled time (named after the scheduled minute, as
//! upstream), honours `suspend` and `concurrencyPolicy`, records `lastScheduleTime`,
//! `lastSuccessfulTime` and active Jobs, and trims finished Jobs to the history limits.

use std::sync::Arc;

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use super::job::is_finished;
use super::schedule::Schedule;
use super::{Key, KeyMapper, Reconciler, delete_owned, own_key, owner_key};
use crate::behaviour::events::{EventRecorder, EventType};
use crate::behaviour::object::{self, controller_ref, kinds, owned, parse_time};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource, Propagation, Store, WatchEvent, WriteOptions};

const MANAGER: &str = "cronjob-controller";

fn succeeded(job: &Value) -> bool {
    job.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Complete" && c["status"] == "True")
        })
}

/// Runs every CronJob.
pub struct CronJobController {
    store: Store,
    recorder: EventRecorder,
}

impl CronJobController {
    pub fn new(store: Store) -> Self {
        Self {
            recorder: EventRecorder::new(store.clone(), MANAGER),
            store,
        }
    }

    pub fn watches() -> Vec<(GroupResource, KeyMapper)> {
        fn job_owner(e: &WatchEvent) -> Vec<Key> {
            owner_key(e, "CronJob")
        }
        vec![(kinds::cron_jobs(), own_key), (kinds::jobs(), job_owner)]
    }

    fn create_job(&self, cron: &Value, scheduled: chrono::DateTime<Utc>) -> Option<Arc<Value>> {
        let template = cron
            .pointer("/spec/jobTemplate")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut metadata = template
            .get("metadata")
            .cloned()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        let name = format!("{}-{}", object::name(cron), scheduled.timestamp() / 60);
        metadata["name"] = json!(name);
        metadata["namespace"] = json!(object::namespace(cron));
        metadata["ownerReferences"] = json!([controller_ref(cron)]);
        if !metadata["annotations"].is_object() {
            metadata["annotations"] = json!({});
        }
        metadata["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] =
            json!(scheduled.to_rfc3339_opts(SecondsFormat::Secs, true));
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": template.get("spec").cloned().unwrap_or_else(|| json!({}))});
        match self
            .store
            .create(&kinds::jobs(), job, &WriteOptions::manager(MANAGER))
        {
            Ok(created) => {
                self.recorder.record(
                    cron,
                    EventType::Normal,
                    "SuccessfulCreate",
                    &format!("Created job {name}"),
                );
                Some(created)
            }
            Err(e) => {
                self.recorder.record(
                    cron,
                    EventType::Warning,
                    "FailedCreate",
                    &format!("Error creating job: {e}"),
                );
                None
            }
        }
    }

    /// Deletes the oldest finished Jobs beyond the success/failure history limits.
    fn trim_history(&self, cron: &Value, jobs: &[Arc<Value>]) {
        let limit = |field: &str, default: i64| {
            object::int_at(cron, &format!("/spec/{field}"))
                .unwrap_or(default)
                .max(0) as usize
        };
        for (wanted, keep) in [
            (true, limit("successfulJobsHistoryLimit", 3)),
            (false, limit("failedJobsHistoryLimit", 1)),
        ] {
            let mut finished: Vec<&Arc<Value>> = jobs
                .iter()
                .filter(|j| is_finished(j) && succeeded(j) == wanted)
                .collect();
            finished.sort_by_key(|j| {
                object::str_at(j, "/metadata/creationTimestamp")
                    .unwrap_or_default()
                    .to_owned()
            });
            for job in finished.iter().take(finished.len().saturating_sub(keep)) {
                let opts = DeleteOptions {
                    propagation: Propagation::Background,
                    ..DeleteOptions::default()
                };
                delete_owned(
                    &self.store,
                    &self.recorder,
                    cron,
                    &kinds::jobs(),
                    job,
                    &opts,
                    &format!("Deleted job {}", object::name(job)),
                );
            }
        }
    }
}

impl Reconciler for CronJobController {
    fn reconcile(&mut self, key: &Key) {
        let Ok(cron) = self.store.get(&kinds::cron_jobs(), Some(&key.0), &key.1) else {
            return;
        };
        if object::is_deleting(&cron) {
            return;
        }
        let mut jobs = owned(&self.store, &kinds::jobs(), &cron);
        let now = Utc::now();
        let suspended = cron.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true);
        let schedule_text = object::str_at(&cron, "/spec/schedule").unwrap_or_default();
        let last = object::str_at(&cron, "/status/lastScheduleTime")
            .or_else(|| object::str_at(&cron, "/metadata/creationTimestamp"))
            .and_then(parse_time)
            .unwrap_or(now);
        let mut scheduled_now = None;
        match Schedule::parse(schedule_text) {
            Err(why) => {
                self.recorder
                    .record(&cron, EventType::Warning, "UnparseableSchedule", &why)
            }
            Ok(schedule) if !suspended => {
                if let Some(due) = schedule.due(last, now) {
                    let active: Vec<&Arc<Value>> =
                        jobs.iter().filter(|j| !is_finished(j)).collect();
                    match object::str_at(&cron, "/spec/concurrencyPolicy").unwrap_or("Allow") {
                        "Forbid" if !active.is_empty() => {
                            self.recorder.record(&cron, EventType::Normal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
                        }
                        policy => {
                            if policy == "Replace" {
                                for job in active {
                                    let opts = DeleteOptions {
                                        propagation: Propagation::Background,
                                        ..DeleteOptions::default()
                                    };
                                    let _ = self.store.delete(
                                        &kinds::jobs(),
                                        Some(&key.0),
                                        object::name(job),
                                        &opts,
                                    );
                                }
                            }
                            if let Some(job) = self.create_job(&cron, due) {
                                jobs.push(job);
                            }
                        }
                    }
                    scheduled_now = Some(due);
                }
            }
            Ok(_) => {}
        }
        self.trim_history(&cron, &jobs);
        let jobs = owned(&self.store, &kinds::jobs(), &cron);
        let active: Vec<Value> = jobs
            .iter()
            .filter(|j| !is_finished(j))
            .map(|j| json!({"apiVersion": "batch/v1", "kind": "Job", "name": object::name(j), "namespace": object::namespace(j), "uid": object::uid(j)}))
            .collect();
        let last_success = jobs
            .iter()
            .filter(|j| succeeded(j))
            .filter_map(|j| object::str_at(j, "/status/completionTime"))
            .max()
            .map(str::to_owned);
        let _ = self.store.modify(
            &kinds::cron_jobs(),
            Some(&key.0),
            &key.1,
            |stored| {
                if !stored["status"].is_object() {
                    stored["status"] = json!({});
                }
                let status = &mut stored["status"];
                if active.is_empty() {
                    if let Some(s) = status.as_object_mut() {
                        s.remove("active");
                    }
                } else {
                    status["active"] = json!(active);
                }
                if let Some(t) = scheduled_now {
                    status["lastScheduleTime"] =
                        json!(t.to_rfc3339_opts(SecondsFormat::Secs, true));
                }
                if let Some(t) = last_success {
                    status["lastSuccessfulTime"] = json!(t);
                }
                Ok(())
            },
            &WriteOptions::manager(MANAGER),
        );
    }

    fn all_keys(&self) -> Vec<Key> {
        self.store
            .list(&kinds::cron_jobs(), None, &LabelSelector::default())
            .iter()
            .map(|c| (object::namespace(c).to_owned(), object::name(c).to_owned()))
            .collect()
    }
}
