//! One pod watch per cluster that keeps logs: it notices pods of workloads that finish or start
//! terminating and reads their logs once. A supervisor starts and stops the watches as clusters
//! are added, removed or switched, and applies the retention. A cluster that is down only delays
//! its own watch (which retries with back-off); the others go on.

use std::collections::{HashMap, HashSet};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::Semaphore;
use tokio::task::{AbortHandle, JoinHandle, JoinSet};
use uuid::Uuid;

use super::capture::{self, Ended, READ_DEADLINE, Trigger};
use super::{Limits, PRUNE_EVERY};
use crate::clusters::ClusterRegistry;
use crate::clusters::rows;
use crate::db::models::ended_pod_logs as stored;

/// How often the supervisor looks for added, removed or switched clusters.
const RECONCILE_EVERY: Duration = Duration::from_secs(15);
/// Pods of one cluster read at the same time; a mass deletion queues behind these.
const CONCURRENT_CAPTURES: usize = 16;

/// Starts the supervisor; abort the handle to stop it and every watch.
pub fn spawn(registry: ClusterRegistry, limits: Limits) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut watches = JoinSet::new();
        let mut running: HashMap<Uuid, (AbortHandle, DateTime<Utc>)> = HashMap::new();
        let mut pruned: Option<Instant> = None;
        loop {
            if let Err(err) = reconcile(&registry, &limits, &mut watches, &mut running).await {
                tracing::warn!(error = %err, "cannot look up which clusters keep logs");
            }
            while watches.try_join_next().is_some() {}
            if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                pruned = Some(Instant::now());
                match super::prune(registry.db(), &limits).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(logs = n, "kept logs of ended pods pruned"),
                    Err(err) => tracing::warn!(error = %err, "cannot prune kept logs"),
                }
            }
            tokio::time::sleep(RECONCILE_EVERY).await;
        }
    })
}

/// Starts a watch for each cluster that keeps logs (again when its settings changed, which may
/// mean new credentials) and stops the others.
async fn reconcile(
    registry: &ClusterRegistry,
    limits: &Limits,
    watches: &mut JoinSet<()>,
    running: &mut HashMap<Uuid, (AbortHandle, DateTime<Utc>)>,
) -> Result<(), crate::db::DbError> {
    let mut conn = registry.db().get().await?;
    let clusters = rows::list(&mut conn).await?;
    drop(conn);
    let wanted: HashMap<Uuid, DateTime<Utc>> = clusters
        .into_iter()
        .filter(|(row, _)| row.keep_ended_logs)
        .map(|(row, _)| (row.id, row.updated_at))
        .collect();
    running.retain(|id, (handle, updated)| {
        let keep = wanted.get(id) == Some(updated) && !handle.is_finished();
        if !keep {
            handle.abort();
        }
        keep
    });
    for (id, updated) in wanted {
        if running.contains_key(&id) {
            continue;
        }
        let handle = watches.spawn(watch_cluster(registry.clone(), id, *limits));
        running.insert(id, (handle, updated));
    }
    Ok(())
}

/// The newest view of each pod being read, so its rows get the exit codes seen last.
type Latest = Arc<Mutex<HashMap<String, Pod>>>;

/// Watches every pod of `cluster` and reads the logs of those that end, until aborted.
pub async fn watch_cluster(registry: ClusterRegistry, cluster: Uuid, limits: Limits) {
    let client = loop {
        match registry.client(cluster).await {
            Ok(client) => break client,
            Err(err) => {
                tracing::debug!(%cluster, error = %err, "no client for keeping logs yet");
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        }
    };
    let api: Api<Pod> = Api::all(client.clone());
    let permits = Arc::new(Semaphore::new(CONCURRENT_CAPTURES));
    let latest: Latest = Arc::default();
    // Pods handled already (or being handled), so a re-list does not read them again.
    let mut seen: HashSet<String> = HashSet::new();
    let mut captures = JoinSet::new();
    let mut events = pin!(watcher(api, watcher::Config::default()).default_backoff());
    loop {
        let event = tokio::select! {
            event = events.next() => event,
            Some(_) = captures.join_next(), if !captures.is_empty() => continue,
        };
        let pod = match event {
            Some(Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod))) => pod,
            Some(Ok(watcher::Event::Delete(pod))) => {
                let uid = pod.metadata.uid.clone().unwrap_or_default();
                let handled = seen.remove(&uid);
                if let Some(slot) = lock(&latest).get_mut(&uid) {
                    *slot = pod;
                } else if !handled && capture::controller(&pod).is_some() {
                    // Removed in one step (no graceful termination seen): nothing to read any
                    // more, but its end is still worth a line.
                    captures.spawn(keep_unread(registry.clone(), client.clone(), cluster, pod));
                }
                continue;
            }
            Some(Ok(_)) => continue,
            Some(Err(err)) => {
                tracing::debug!(%cluster, error = %err, "pod watch for kept logs failed; retrying");
                continue;
            }
            None => return,
        };
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        if let Some(slot) = lock(&latest).get_mut(&uid) {
            *slot = pod;
            continue;
        }
        let Some(trigger) = capture::trigger(&pod) else {
            continue;
        };
        if capture::controller(&pod).is_none() || !seen.insert(uid.clone()) {
            continue;
        }
        lock(&latest).insert(uid.clone(), pod.clone());
        let job = Job {
            registry: registry.clone(),
            client: client.clone(),
            cluster,
            limits,
            latest: latest.clone(),
            permits: permits.clone(),
        };
        captures.spawn(job.run(pod, trigger));
    }
}

fn lock(latest: &Latest) -> std::sync::MutexGuard<'_, HashMap<String, Pod>> {
    latest
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reading one pod's logs.
struct Job {
    registry: ClusterRegistry,
    client: kube::Client,
    cluster: Uuid,
    limits: Limits,
    latest: Latest,
    permits: Arc<Semaphore>,
}

impl Job {
    async fn run(self, pod: Pod, trigger: Trigger) {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let ended_at = Utc::now();
        if let Err(err) = self.capture(pod, trigger, ended_at).await {
            tracing::warn!(cluster = %self.cluster, pod = %name, %namespace, error = %err, "cannot keep the log of an ended pod");
        }
        lock(&self.latest).remove(&uid);
    }

    async fn capture(
        &self,
        pod: Pod,
        trigger: Trigger,
        ended_at: DateTime<Utc>,
    ) -> Result<(), crate::db::DbError> {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        {
            let mut conn = self.registry.db().get().await?;
            if stored::has_pod(&mut conn, self.cluster, &uid).await? {
                return Ok(());
            }
        }
        let Ok(_permit) = self.permits.acquire().await else {
            return Ok(());
        };
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), &namespace);
        let workload = capture::workload(&self.client, &pod).await;
        let reads = capture::facts(&pod)
            .into_iter()
            .filter(|fact| fact.started)
            .map(|fact| {
                let api = api.clone();
                let name = name.clone();
                let limits = self.limits;
                let follow = trigger == Trigger::Terminating && fact.running;
                let deadline = if follow {
                    capture::follow_deadline(&pod)
                } else {
                    READ_DEADLINE
                };
                async move {
                    let (tail, note) =
                        capture::read_container(api, &name, &fact.name, follow, &limits, deadline)
                            .await;
                    (fact.name, tail, note)
                }
            });
        let logs = futures::future::join_all(reads).await;
        let latest = lock(&self.latest)
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| pod.clone());
        let ended = Ended {
            cluster: self.cluster,
            pod,
            workload,
            ended_at,
        };
        let rows = capture::rows(&ended, &latest, logs);
        let mut conn = self.registry.db().get().await?;
        let kept = stored::insert(&mut conn, &rows).await?;
        tracing::debug!(cluster = %self.cluster, pod = %name, %namespace, containers = kept, "kept the log of an ended pod");
        Ok(())
    }
}

/// A pod that vanished before it could be read: its containers' last exits, without logs.
async fn keep_unread(registry: ClusterRegistry, client: kube::Client, cluster: Uuid, pod: Pod) {
    let workload = capture::workload(&client, &pod).await;
    let ended = Ended {
        cluster,
        pod: pod.clone(),
        workload,
        ended_at: Utc::now(),
    };
    let mut rows = capture::rows(&ended, &pod, Vec::new());
    for row in &mut rows {
        row.note = Some("The pod was removed at once, before Capstan could read its log.".into());
    }
    let result = async {
        let mut conn = registry.db().get().await?;
        stored::insert(&mut conn, &rows).await?;
        Ok::<(), crate::db::DbError>(())
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(%cluster, error = %err, "cannot record an ended pod");
    }
}
