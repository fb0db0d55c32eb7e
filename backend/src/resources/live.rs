//! One live list: keeps a browser's page of a kind current while its WebSocket is open.
//!
//! [`serve_live`] speaks in [`LiveRequest`]s and [`LiveUpdate`]s over channels, so the WebSocket
//! handler only moves JSON and the session logic is tested without a socket.
//!
//! Policy, for latency at high churn (1 000 changes/s over 150 000 pods):
//! - a change to a row on the page is sent at once, as that row;
//! - any other change may move rows into or out of the page: the page is computed again at most
//!   once per [`LiveSettings::coalesce`] and sent only when its rows, their order or the total
//!   differ from what the browser has;
//! - a subscriber that lags behind the hub gets a fresh page rather than a gap;
//! - a cluster that cannot be watched turns the state to "retrying", and the session keeps
//!   trying until it can (or the browser leaves).

use std::sync::Arc;
use std::time::Duration;

use model::AppError;
use model::live::{LiveRequest, LiveState, LiveUpdate};
use model::resources::ListQuery;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;
use uuid::Uuid;

use super::hub::{Reflector, ResourceHub};
use super::query::ValidQuery;
use super::{ResourceError, RowEvent, discovery, page_from};
use crate::clusters::ClusterError;

/// Timings of live lists; the defaults suit production, tests shorten them.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// The longest a change outside the page waits before the page is computed again.
    pub coalesce: Duration,
    /// The first wait before attaching again to a cluster that could not be watched; doubles
    /// up to [`LiveSettings::max_retry`].
    pub first_retry: Duration,
    pub max_retry: Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            coalesce: Duration::from_millis(200),
            first_retry: Duration::from_secs(1),
            max_retry: Duration::from_secs(30),
        }
    }
}

/// Serves one live list until the browser goes away (`requests` closes) or `updates` is
/// dropped. The first request says which page to show.
pub async fn serve_live(
    hub: ResourceHub,
    cluster: Uuid,
    kind_key: String,
    settings: LiveSettings,
    mut requests: mpsc::Receiver<LiveRequest>,
    updates: mpsc::Sender<LiveUpdate>,
) {
    let Some(LiveRequest::Watch { query }) = requests.recv().await else {
        return;
    };
    let mut session = Session {
        hub,
        cluster,
        kind_key,
        settings,
        updates,
        query,
        shown: Vec::new(),
        shown_total: None,
        state: LiveState::Live,
    };
    session.run(&mut requests).await;
}

/// Why an attached session stopped.
enum Detach {
    /// The browser left.
    Gone,
    /// The reflector went away (cluster edited, watch ended): attach again.
    Reattach,
}

struct Session {
    hub: ResourceHub,
    cluster: Uuid,
    kind_key: String,
    settings: LiveSettings,
    updates: mpsc::Sender<LiveUpdate>,
    query: ListQuery,
    /// The uids and versions of the page the browser has, in order, and its total.
    shown: Vec<(String, String)>,
    shown_total: Option<usize>,
    state: LiveState,
}

impl Session {
    async fn run(&mut self, requests: &mut mpsc::Receiver<LiveRequest>) {
        let mut backoff = self.settings.first_retry;
        loop {
            match self.attach().await {
                Ok((reflector, events, health)) => {
                    backoff = self.settings.first_retry;
                    match self.attached(requests, &reflector, events, health).await {
                        Detach::Gone => return,
                        Detach::Reattach => continue,
                    }
                }
                Err(ResourceError::Cluster(
                    e @ (ClusterError::Unreachable { .. } | ClusterError::Db(_)),
                )) => {
                    // Unreachable, or the database away for a moment: say so, and keep trying.
                    let message = AppError::from(ResourceError::Cluster(e)).message;
                    if !self.set_state(LiveState::Retrying { message }).await {
                        return;
                    }
                }
                Err(e) => {
                    // Unknown cluster or kind, forbidden, bad query: only a new request can help.
                    if !self.send(LiveUpdate::Error { error: e.into() }).await {
                        return;
                    }
                    match requests.recv().await {
                        Some(LiveRequest::Watch { query }) => {
                            self.query = query;
                            continue;
                        }
                        None => return,
                    }
                }
            }
            // Wait before the next attempt, but follow the browser meanwhile.
            let wake = tokio::time::sleep(backoff);
            tokio::pin!(wake);
            loop {
                tokio::select! {
                    _ = &mut wake => break,
                    request = requests.recv() => match request {
                        Some(LiveRequest::Watch { query }) => self.query = query,
                        None => return,
                    },
                }
            }
            backoff = (backoff * 2).min(self.settings.max_retry);
        }
    }

    /// The reflector for the kind (started if needed), subscribed before the first page is
    /// computed so no change falls between the two.
    async fn attach(
        &self,
    ) -> Result<
        (
            Arc<Reflector>,
            broadcast::Receiver<RowEvent>,
            watch::Receiver<LiveState>,
        ),
        ResourceError,
    > {
        let kind = discovery::kind(self.hub.registry(), self.cluster, &self.kind_key).await?;
        let columns = kind.projector.columns(kind.info.namespaced);
        ValidQuery::new(&self.query, &columns)?;
        let reflector = self.hub.reflector(self.cluster, &kind).await?;
        let (events, health) = reflector.subscribe();
        Ok((reflector, events, health))
    }

    async fn attached(
        &mut self,
        requests: &mut mpsc::Receiver<LiveRequest>,
        reflector: &Reflector,
        mut events: broadcast::Receiver<RowEvent>,
        mut health: watch::Receiver<LiveState>,
    ) -> Detach {
        let mut valid = match ValidQuery::new(&self.query, &reflector.columns) {
            Ok(valid) => Some(valid),
            Err(e) => {
                if !self.send(LiveUpdate::Error { error: e.into() }).await {
                    return Detach::Gone;
                }
                None
            }
        };
        let current = health.borrow_and_update().clone();
        if !self.set_state(current).await {
            return Detach::Gone;
        }
        // The browser may hold an older page (a reconnect): always send the current one.
        self.forget();
        if let Some(valid) = &valid
            && !self.refresh(reflector, valid).await
        {
            return Detach::Gone;
        }
        let mut due: Option<Instant> = None;
        loop {
            let deadline = due.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                request = requests.recv() => match request {
                    None => return Detach::Gone,
                    Some(LiveRequest::Watch { query }) => {
                        self.query = query;
                        valid = match ValidQuery::new(&self.query, &reflector.columns) {
                            Ok(v) => Some(v),
                            Err(e) => {
                                if !self.send(LiveUpdate::Error { error: e.into() }).await {
                                    return Detach::Gone;
                                }
                                None
                            }
                        };
                        self.forget();
                        due = None;
                        if let Some(valid) = &valid && !self.refresh(reflector, valid).await {
                            return Detach::Gone;
                        }
                    }
                },
                event = events.recv() => {
                    let sent = match event {
                        Ok(RowEvent::Applied(row)) => {
                            let on_page = self.shown.iter_mut().find(|(uid, _)| *uid == row.uid);
                            match on_page {
                                Some(entry) if valid.is_some() => {
                                    entry.1 = row.resource_version.clone();
                                    self.send(LiveUpdate::Row { row }).await
                                }
                                _ => true,
                            }
                        }
                        Ok(RowEvent::Deleted { uid }) => {
                            match self.shown.iter().position(|(u, _)| *u == uid) {
                                Some(index) if valid.is_some() => {
                                    self.shown.remove(index);
                                    self.send(LiveUpdate::Removed { uid }).await
                                }
                                _ => true,
                            }
                        }
                        // Missed deltas: the page itself is the truth, at once.
                        Err(RecvError::Lagged(_)) => {
                            due = Some(Instant::now());
                            true
                        }
                        Err(RecvError::Closed) => return Detach::Reattach,
                    };
                    if !sent {
                        return Detach::Gone;
                    }
                    if due.is_none() && valid.is_some() {
                        due = Some(Instant::now() + self.settings.coalesce);
                    }
                }
                changed = health.changed() => {
                    if changed.is_err() {
                        return Detach::Reattach;
                    }
                    let current = health.borrow_and_update().clone();
                    if !self.set_state(current).await {
                        return Detach::Gone;
                    }
                }
                _ = tokio::time::sleep_until(deadline), if due.is_some() => {
                    due = None;
                    if let Some(valid) = &valid && !self.refresh(reflector, valid).await {
                        return Detach::Gone;
                    }
                }
                _ = self.updates.closed() => return Detach::Gone,
            }
        }
    }

    /// Computes the page and sends it if it differs from what the browser has. False when the
    /// browser is gone.
    async fn refresh(&mut self, reflector: &Reflector, valid: &ValidQuery) -> bool {
        let page = page_from(reflector, valid);
        let shown: Vec<(String, String)> = page
            .rows
            .iter()
            .map(|r| (r.uid.clone(), r.resource_version.clone()))
            .collect();
        if self.shown_total == Some(page.total) && shown == self.shown {
            return true;
        }
        self.shown = shown;
        self.shown_total = Some(page.total);
        self.send(LiveUpdate::Page {
            columns: page.columns,
            rows: page.rows,
            total: page.total,
            offset: page.offset,
        })
        .await
    }

    /// Forgets what the browser has, so the next refresh sends the page whatever it holds.
    fn forget(&mut self) {
        self.shown.clear();
        self.shown_total = None;
    }

    async fn set_state(&mut self, state: LiveState) -> bool {
        if state == self.state {
            return true;
        }
        self.state = state.clone();
        self.send(LiveUpdate::Status(state)).await
    }

    async fn send(&self, update: LiveUpdate) -> bool {
        self.updates.send(update).await.is_ok()
    }
}
