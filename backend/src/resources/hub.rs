//! One shared reflector per (cluster, kind): started on first use, kept while anyone reads it,
//! stopped when idle.
//!
//! Lifecycle policy:
//! - The first `list` of a kind starts its watcher and waits for the initial list. A cluster that
//!   fails before the list completes fails that call (and every waiter) at once; one that sends
//!   nothing for [`HubSettings::first_list_timeout`] counts as unreachable. In both cases the
//!   reflector is dropped, so the next call starts afresh. A slow but progressing list is waited for.
//! - After the initial list, watch errors are retried by kube's watcher with its default backoff;
//!   a `410 Gone` re-lists, and the rows are swapped in when the new list is complete (subscribers
//!   receive the difference as deltas).
//! - A reflector with no subscriber and no `list` for [`HubSettings::idle_after`] stops itself.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::Client;
use kube::api::{Api, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use model::AppError;
use model::live::LiveState;
use model::resources::Column;
use tokio::sync::{broadcast, watch};
use tokio::task::AbortHandle;
use uuid::Uuid;

use super::discovery::KindEntry;
use super::error::{ResourceError, cluster_failure};
use super::store::{RowEvent, RowStore};
use crate::clusters::ClusterRegistry;

/// How many deltas a subscriber may fall behind before it is told it lagged.
const EVENT_BUFFER: usize = 4096;
/// How often a failing watch's cluster is asked whether it answers again.
const RECOVERY_CHECK: Duration = Duration::from_secs(3);
/// Objects per page of the initial list.
const LIST_PAGE: u32 = 1000;

/// Timings of the hub; the defaults suit production, tests shorten them.
#[derive(Debug, Clone)]
pub struct HubSettings {
    /// A reflector with no reader for this long stops.
    pub idle_after: Duration,
    /// How long the first list may go without any answer before the cluster counts as unreachable.
    pub first_list_timeout: Duration,
}

impl Default for HubSettings {
    fn default() -> Self {
        Self {
            idle_after: Duration::from_secs(300),
            first_list_timeout: super::discovery::FIRST_CONTACT_TIMEOUT,
        }
    }
}

/// Where a reflector is in its life.
#[derive(Clone)]
enum SyncState {
    Listing,
    Ready,
    Failed(Arc<kube::Error>),
}

type Key = (Uuid, String);

/// The reflectors of every cluster; cheap to clone, one per process (in `AppState`).
#[derive(Clone)]
pub struct ResourceHub {
    inner: Arc<HubInner>,
}

struct HubInner {
    registry: ClusterRegistry,
    settings: HubSettings,
    reflectors: Mutex<HashMap<Key, Arc<Reflector>>>,
}

/// One kind of one cluster, kept in memory as rows.
pub(crate) struct Reflector {
    pub cluster: Uuid,
    pub kind: KindEntry,
    pub columns: Vec<Column>,
    /// Which extra cells the text filter reads.
    searchable: Vec<bool>,
    pub store: RwLock<RowStore>,
    state: watch::Sender<SyncState>,
    events: broadcast::Sender<RowEvent>,
    /// Whether the watch is healthy, for live lists to say "retrying".
    health: watch::Sender<LiveState>,
    last_read: Mutex<Instant>,
    /// Objects received by the list in progress, to tell a slow list from a dead cluster.
    progress: AtomicUsize,
    task: Mutex<Option<AbortHandle>>,
}

impl Reflector {
    /// Row deltas and watch health from now on; see [`RowSubscription`].
    pub(crate) fn subscribe(&self) -> (broadcast::Receiver<RowEvent>, watch::Receiver<LiveState>) {
        (self.events.subscribe(), self.health.subscribe())
    }

    fn touch(&self) {
        *self
            .last_read
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        self.last_read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .elapsed()
    }

    fn stop(&self) {
        if let Some(task) = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }
}

/// Live row changes of one kind, for a WebSocket. Subscribe before fetching the first page so no
/// change falls between the two. On `RecvError::Lagged` the receiver missed deltas: fetch the
/// page again. The subscription keeps the reflector running until it is dropped.
pub struct RowSubscription {
    pub kind: model::resources::KindInfo,
    /// The columns the rows in [`RowEvent::Applied`] are aligned with.
    pub columns: Vec<Column>,
    pub events: broadcast::Receiver<RowEvent>,
    /// The watch's health: [`LiveState::Retrying`] while the cluster cannot be watched.
    pub health: watch::Receiver<LiveState>,
}

impl ResourceHub {
    /// A hub with production timings.
    pub fn new(registry: ClusterRegistry) -> Self {
        Self::with_settings(registry, HubSettings::default())
    }

    pub fn with_settings(registry: ClusterRegistry, settings: HubSettings) -> Self {
        Self {
            inner: Arc::new(HubInner {
                registry,
                settings,
                reflectors: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn registry(&self) -> &ClusterRegistry {
        &self.inner.registry
    }

    /// The kind keys of `cluster` that have a running reflector.
    pub fn running(&self, cluster: Uuid) -> Vec<String> {
        let mut keys: Vec<String> = self
            .map()
            .keys()
            .filter(|(c, _)| *c == cluster)
            .map(|(_, k)| k.clone())
            .collect();
        keys.sort();
        keys
    }

    /// Stops every reflector of `cluster` (deleted or edited); the next read starts them again.
    pub fn stop_cluster(&self, cluster: Uuid) {
        let stopped: Vec<Arc<Reflector>> = {
            let mut map = self.map();
            let keys: Vec<Key> = map.keys().filter(|(c, _)| *c == cluster).cloned().collect();
            keys.iter().filter_map(|k| map.remove(k)).collect()
        };
        for r in stopped {
            r.stop();
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Reflector>>> {
        self.inner
            .reflectors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The ready reflector of `kind` in `cluster`, started and listed if needed.
    pub(crate) async fn reflector(
        &self,
        cluster: Uuid,
        kind: &KindEntry,
    ) -> Result<Arc<Reflector>, ResourceError> {
        let client = self.inner.registry.client(cluster).await?;
        let reflector = self.get_or_start(cluster, kind, client);
        reflector.touch();
        self.wait_ready(&reflector).await?;
        Ok(reflector)
    }

    /// Live deltas of `kind_key` in `cluster`; see [`RowSubscription`].
    pub async fn subscribe(
        &self,
        cluster: Uuid,
        kind_key: &str,
    ) -> Result<RowSubscription, ResourceError> {
        let kind = super::discovery::kind(&self.inner.registry, cluster, kind_key).await?;
        let reflector = self.reflector(cluster, &kind).await?;
        Ok(RowSubscription {
            kind: reflector.kind.info.clone(),
            columns: reflector.columns.clone(),
            events: reflector.events.subscribe(),
            health: reflector.health.subscribe(),
        })
    }

    fn get_or_start(&self, cluster: Uuid, kind: &KindEntry, client: Client) -> Arc<Reflector> {
        let key = (cluster, kind.info.key.clone());
        let mut map = self.map();
        if let Some(existing) = map.get(&key) {
            // A CRD whose printer columns changed gets a fresh reflector with the new columns.
            if existing.kind.projector == kind.projector
                && existing.kind.info.version == kind.info.version
            {
                return existing.clone();
            }
            existing.stop();
        }
        let (state, _) = watch::channel(SyncState::Listing);
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let (health, _) = watch::channel(LiveState::Live);
        let reflector = Arc::new(Reflector {
            cluster,
            columns: kind.projector.columns(kind.info.namespaced),
            searchable: kind.projector.searchable(),
            kind: kind.clone(),
            store: RwLock::new(RowStore::default()),
            state,
            events,
            health,
            last_read: Mutex::new(Instant::now()),
            progress: AtomicUsize::new(0),
            task: Mutex::new(None),
        });
        let task = tokio::spawn(run(Arc::downgrade(&self.inner), reflector.clone(), client));
        *reflector
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(task.abort_handle());
        map.insert(key, reflector.clone());
        reflector
    }

    async fn wait_ready(&self, reflector: &Arc<Reflector>) -> Result<(), ResourceError> {
        let mut state = reflector.state.subscribe();
        loop {
            let current = state.borrow_and_update().clone();
            match current {
                SyncState::Ready => return Ok(()),
                SyncState::Failed(e) => {
                    return Err(cluster_failure(
                        &self.inner.registry,
                        reflector.cluster,
                        &reflector.kind.info.key,
                        &e,
                    )
                    .await);
                }
                SyncState::Listing => {}
            }
            let seen = reflector.progress.load(Ordering::Relaxed);
            let waited =
                tokio::time::timeout(self.inner.settings.first_list_timeout, state.changed()).await;
            let stalled = match waited {
                Ok(Ok(())) => false,
                // The sender lives in the reflector we hold: this cannot happen, but never hang.
                Ok(Err(_)) => true,
                Err(_) => reflector.progress.load(Ordering::Relaxed) == seen,
            };
            if stalled {
                remove(&self.inner, reflector);
                reflector.stop();
                return Err(
                    ResourceError::timed_out(&self.inner.registry, reflector.cluster).await,
                );
            }
        }
    }
}

/// Takes `reflector` out of the hub if it is still the one registered for its key.
fn remove(hub: &HubInner, reflector: &Arc<Reflector>) {
    let key = (reflector.cluster, reflector.kind.info.key.clone());
    let mut map = hub
        .reflectors
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if map.get(&key).is_some_and(|r| Arc::ptr_eq(r, reflector)) {
        map.remove(&key);
    }
}

/// The reflector's task: feeds watch events into the store until idle or failed.
async fn run(hub: Weak<HubInner>, r: Arc<Reflector>, client: Client) {
    let Some(settings) = hub.upgrade().map(|h| h.settings.clone()) else {
        return;
    };
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &r.kind.resource);
    let config = watcher::Config::default().page_size(LIST_PAGE);
    let mut stream = watcher::watcher(api, config).default_backoff().boxed();
    let namespaced = r.kind.info.namespaced;
    // The list in progress, interned as it arrives so a big list never exists twice in full.
    let mut listing = RowStore::default();
    let mut ready = false;
    let mut idle_check =
        tokio::time::interval((settings.idle_after / 4).max(Duration::from_millis(100)));
    // While the watch fails, a small list now and then tells when the cluster answers again: a
    // quiet kind may send no event for a long time after its watch is back.
    let mut recovery_check = tokio::time::interval(RECOVERY_CHECK);
    loop {
        let event = tokio::select! {
            event = stream.next() => event,
            _ = recovery_check.tick(), if *r.health.borrow() != LiveState::Live => {
                let probe = Api::<DynamicObject>::all_with(client.clone(), &r.kind.resource);
                let answered = tokio::time::timeout(
                    RECOVERY_CHECK,
                    probe.list_metadata(&kube::api::ListParams::default().limit(1)),
                )
                .await;
                if matches!(answered, Ok(Ok(_))) {
                    tracing::info!(cluster = %r.cluster, kind = %r.kind.info.key, "cluster answers again");
                    r.health.send_replace(LiveState::Live);
                }
                continue;
            }
            _ = idle_check.tick() => {
                if r.events.receiver_count() == 0 && r.idle_for() >= settings.idle_after {
                    tracing::debug!(cluster = %r.cluster, kind = %r.kind.info.key, "stopping idle reflector");
                    break;
                }
                continue;
            }
        };
        if matches!(event, Some(Ok(_))) && *r.health.borrow() != LiveState::Live {
            tracing::info!(cluster = %r.cluster, kind = %r.kind.info.key, "watch recovered");
            r.health.send_replace(LiveState::Live);
        }
        match event {
            None => break,
            Some(Ok(Event::Init)) => {
                listing = RowStore::default();
                r.progress.store(0, Ordering::Relaxed);
            }
            Some(Ok(Event::InitApply(obj))) => {
                listing.apply(r.kind.projector.project(&obj, &r.searchable));
                r.progress.fetch_add(1, Ordering::Relaxed);
            }
            Some(Ok(Event::InitDone)) => {
                let fresh = std::mem::take(&mut listing);
                // The first list is the page itself; only re-lists are news to subscribers.
                let publish = ready && r.events.receiver_count() > 0;
                r.store
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .replace_with(
                        fresh,
                        |row| {
                            if publish {
                                let _ = r.events.send(RowEvent::Applied(row.to_row(namespaced)));
                            }
                        },
                        |uid| {
                            if publish {
                                let _ = r.events.send(RowEvent::Deleted { uid: uid.into() });
                            }
                        },
                    );
                ready = true;
                r.state.send_replace(SyncState::Ready);
            }
            Some(Ok(Event::Apply(obj))) => {
                let projected = r.kind.projector.project(&obj, &r.searchable);
                let mut store = r.store.write().unwrap_or_else(PoisonError::into_inner);
                if let Some(row) = store.apply(projected)
                    && r.events.receiver_count() > 0
                {
                    let _ = r.events.send(RowEvent::Applied(row.to_row(namespaced)));
                }
            }
            Some(Ok(Event::Delete(obj))) => {
                let uid = super::columns::uid_of(&obj.metadata);
                let deleted = r
                    .store
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .delete(&uid);
                if deleted && r.events.receiver_count() > 0 {
                    let _ = r.events.send(RowEvent::Deleted { uid });
                }
            }
            Some(Err(e)) => {
                if !ready {
                    tracing::info!(cluster = %r.cluster, kind = %r.kind.info.key, error = %e, "initial list failed");
                    r.state
                        .send_replace(SyncState::Failed(Arc::new(into_kube_error(e))));
                    break;
                }
                tracing::warn!(cluster = %r.cluster, kind = %r.kind.info.key, error = %e, "watch failed; retrying with backoff");
                let healthy = *r.health.borrow() == LiveState::Live;
                if healthy && let Some(hub) = hub.upgrade() {
                    let failure = cluster_failure(
                        &hub.registry,
                        r.cluster,
                        &r.kind.info.key,
                        &into_kube_error(e),
                    )
                    .await;
                    let message = AppError::from(failure).message;
                    r.health.send_replace(LiveState::Retrying { message });
                }
            }
        }
    }
    if let Some(hub) = hub.upgrade() {
        remove(&hub, &r);
    }
}

fn into_kube_error(e: watcher::Error) -> kube::Error {
    match e {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => e,
        watcher::Error::WatchError(status) => kube::Error::Api(status),
        watcher::Error::NoResourceVersion => kube::Error::Api(Box::new(
            kube::core::Status::failure(
                "the cluster does not support watching this kind",
                "NoResourceVersion",
            )
            .with_code(404),
        )),
    }
}
