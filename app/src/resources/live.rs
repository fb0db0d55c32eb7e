//! A list page kept live: the rows the server rendered, then the changes the live-list
//! WebSocket sends ([`model::live`]), applied by uid. The socket reconnects by itself with a
//! growing delay and resumes by asking for the page again; the rows stay on screen meanwhile.

use std::collections::HashMap;

use leptos::prelude::*;
use model::AppError;
use model::live::{LiveState, LiveUpdate};
use model::resources::{Column, ResourcePage, ResourceRow};

/// One row on the page. Its content is a signal of its own, so a change redraws only the
/// cells that differ and the row's element stays (a keyed list by version would rebuild it).
#[derive(Debug, Clone)]
pub struct LiveRow {
    pub uid: String,
    pub row: ArcRwSignal<ResourceRow>,
    /// How many times the row changed while shown: each change replays its flash.
    pub flashes: ArcRwSignal<u32>,
}

impl LiveRow {
    fn new(row: ResourceRow, flashes: u32) -> Self {
        Self {
            uid: row.uid.clone(),
            row: ArcRwSignal::new(row),
            flashes: ArcRwSignal::new(flashes),
        }
    }

    /// The key a keyed list renders by.
    pub fn key(&self) -> String {
        self.uid.clone()
    }

    /// Shows `row` here if it is a new version, and flashes.
    fn change(&self, row: ResourceRow) {
        if self
            .row
            .with_untracked(|r| r.resource_version != row.resource_version)
        {
            self.row.set(row);
            self.flashes.update(|n| *n = n.wrapping_add(1));
        }
    }
}

/// The socket's state as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Opening the socket (or before the WASM runs).
    Connecting,
    /// Changes arrive as they happen.
    Live,
    /// The socket closed; the next attempt is in `seconds`.
    Reconnecting { seconds: u32 },
    /// Connected, but the server cannot watch the cluster right now.
    ClusterRetrying { message: String },
}

impl Connection {
    /// The value of the status element's `data-state`, for styles and tests.
    pub fn as_str(&self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Live => "live",
            Connection::Reconnecting { .. } => "reconnecting",
            Connection::ClusterRetrying { .. } => "retrying",
        }
    }
}

/// What a live page shows, as signals.
#[derive(Clone, Copy)]
pub struct LiveList {
    pub columns: RwSignal<Vec<Column>>,
    pub rows: RwSignal<Vec<LiveRow>>,
    pub total: RwSignal<usize>,
    pub offset: RwSignal<usize>,
    pub connection: RwSignal<Connection>,
    /// The server refused the request (e.g. a query that became invalid).
    pub error: RwSignal<Option<AppError>>,
}

impl LiveList {
    /// Seeded with the page the server rendered.
    pub fn new(page: &ResourcePage) -> Self {
        Self {
            columns: RwSignal::new(page.columns.clone()),
            rows: RwSignal::new(
                page.rows
                    .iter()
                    .cloned()
                    .map(|row| LiveRow::new(row, 0))
                    .collect(),
            ),
            total: RwSignal::new(page.total),
            offset: RwSignal::new(page.offset),
            connection: RwSignal::new(Connection::Connecting),
            error: RwSignal::new(None),
        }
    }

    /// Applies one message from the server.
    pub fn apply(&self, update: LiveUpdate) {
        match update {
            LiveUpdate::Page {
                columns,
                rows,
                total,
                offset,
            } => {
                if self.columns.with_untracked(|c| *c != columns) {
                    self.columns.set(columns);
                }
                // Only the page's order and membership go through the list; rows already
                // shown change in place.
                let next = merge_page(&self.rows.read_untracked(), rows);
                self.rows.set(next);
                self.total.set(total);
                self.offset.set(offset);
                self.error.set(None);
            }
            LiveUpdate::Row { row } => self.apply_rows(vec![row]),
            LiveUpdate::Removed { uid } => {
                self.rows.update(|shown| shown.retain(|r| r.uid != uid));
                self.total.update(|t| *t = t.saturating_sub(1));
            }
            LiveUpdate::Status(LiveState::Live) => self.connection.set(Connection::Live),
            LiveUpdate::Status(LiveState::Retrying { message }) => {
                self.connection.set(Connection::ClusterRetrying { message })
            }
            LiveUpdate::Error { error } => self.error.set(Some(error)),
        }
    }
}

impl LiveList {
    /// Applies messages received together, changed rows in one update, so a burst of changes
    /// costs one render rather than one per row.
    pub fn apply_all(&self, updates: Vec<LiveUpdate>) {
        let mut rows = Vec::new();
        for update in updates {
            match update {
                LiveUpdate::Row { row } => rows.push(row),
                other => {
                    self.apply_rows(std::mem::take(&mut rows));
                    self.apply(other);
                }
            }
        }
        self.apply_rows(rows);
    }

    /// Changed rows redraw themselves; the list itself (and what depends on its length) is
    /// not touched.
    fn apply_rows(&self, rows: Vec<ResourceRow>) {
        if rows.is_empty() {
            return;
        }
        self.rows.with_untracked(|shown| {
            for row in rows {
                if let Some(slot) = shown.iter().find(|r| r.uid == row.uid) {
                    slot.change(row);
                }
            }
        });
    }
}

/// The new page as rows: rows already shown keep their element (and flash if their version
/// changed), rows new to the page flash once.
pub fn merge_page(shown: &[LiveRow], rows: Vec<ResourceRow>) -> Vec<LiveRow> {
    let by_uid: HashMap<&str, &LiveRow> = shown.iter().map(|r| (r.uid.as_str(), r)).collect();
    rows.into_iter()
        .map(|row| match by_uid.get(row.uid.as_str()) {
            Some(before) => {
                before.change(row);
                (*before).clone()
            }
            None => LiveRow::new(row, 1),
        })
        .collect()
}

#[cfg(feature = "hydrate")]
pub use socket::connect;
#[cfg(feature = "hydrate")]
pub(crate) use socket::socket_url;

#[cfg(feature = "hydrate")]
mod socket {
    //! The browser side of the socket (gloo-net), with reconnects.

    use std::sync::Mutex;

    use futures::channel::oneshot;
    use futures::{FutureExt, SinkExt, StreamExt};
    use gloo_net::websocket::Message;
    use gloo_net::websocket::futures::WebSocket;
    use leptos::prelude::*;
    use model::live::{LiveRequest, LiveUpdate};
    use model::resources::ListQuery;

    use super::{Connection, LiveList};

    /// The longest wait between reconnect attempts.
    const MAX_DELAY_SECONDS: u32 = 15;
    /// One frame at 60 Hz: the pause after applying a batch of changes.
    const FRAME_MS: u64 = 16;

    /// Keeps `live` current until the calling component is dropped.
    pub fn connect(cluster: String, kind: String, query: ListQuery, live: LiveList) {
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let stop_tx = Mutex::new(Some(stop_tx));
        on_cleanup(move || {
            if let Some(tx) = stop_tx.lock().ok().and_then(|mut t| t.take()) {
                let _ = tx.send(());
            }
        });
        let path = format!("/ws/k8s/cluster/{cluster}/resources/{kind}");
        leptos::task::spawn_local(async move {
            let mut stop = stop_rx.fuse();
            let mut failures: u32 = 0;
            loop {
                let ended = futures::select! {
                    _ = stop => true,
                    _ = session(&path, &query, live, &mut failures).fuse() => false,
                };
                if ended {
                    return;
                }
                failures = failures.saturating_add(1);
                let seconds = (1u32 << failures.min(4)).min(MAX_DELAY_SECONDS);
                live.connection
                    .try_set(Connection::Reconnecting { seconds });
                let wait =
                    gloo_timers::future::sleep(std::time::Duration::from_secs(u64::from(seconds)));
                if futures::select! { _ = stop => true, _ = wait.fuse() => false } {
                    return;
                }
                live.connection.try_set(Connection::Connecting);
            }
        });
    }

    /// One connection, until it closes. Resets `failures` once the server answered.
    async fn session(path: &str, query: &ListQuery, live: LiveList, failures: &mut u32) {
        let Some(url) = socket_url(path) else {
            return;
        };
        let Ok(socket) = WebSocket::open(&url) else {
            return;
        };
        let (mut sink, mut stream) = socket.split();
        let Ok(request) = serde_json::to_string(&LiveRequest::Watch {
            query: query.clone(),
        }) else {
            return;
        };
        if sink.send(Message::Text(request)).await.is_err() {
            return;
        }
        while let Some(Ok(first)) = stream.next().await {
            // Everything already received goes into the same render.
            let mut batch: Vec<LiveUpdate> = decode(first).into_iter().collect();
            while let Some(Some(Ok(message))) = stream.next().now_or_never() {
                batch.extend(decode(message));
            }
            if batch.is_empty() {
                continue;
            }
            *failures = 0;
            if batch.iter().any(|u| matches!(u, LiveUpdate::Page { .. }))
                && live.connection.get_untracked() == Connection::Connecting
            {
                live.connection.try_set(Connection::Live);
            }
            if live.rows.try_with_untracked(|_| ()).is_none() {
                // The page is gone.
                return;
            }
            live.apply_all(batch);
            // At most one render per frame: under a flood of changes the messages queue up
            // meanwhile and the next batch takes them all.
            gloo_timers::future::sleep(std::time::Duration::from_millis(FRAME_MS)).await;
        }
    }

    fn decode(message: Message) -> Option<LiveUpdate> {
        match message {
            Message::Text(text) => serde_json::from_str(&text).ok(),
            Message::Bytes(bytes) => serde_json::from_slice(&bytes).ok(),
        }
    }

    /// `ws://` or `wss://` on the page's own host (every socket of the console uses this).
    pub(crate) fn socket_url(path: &str) -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}{path}", location.host().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use model::resources::Tone;

    use super::*;

    fn row(uid: &str, version: &str) -> ResourceRow {
        ResourceRow {
            uid: uid.into(),
            name: uid.into(),
            namespace: None,
            cells: vec![],
            tone: Tone::Neutral,
            labels: BTreeMap::new(),
            created_at: None,
            resource_version: version.into(),
        }
    }

    fn shown(uid: &str, version: &str) -> LiveRow {
        LiveRow::new(row(uid, version), 0)
    }

    /// (uid, version, flashes) of each row.
    fn states(rows: &[LiveRow]) -> Vec<(String, String, u32)> {
        rows.iter()
            .map(|r| {
                (
                    r.uid.clone(),
                    r.row.with_untracked(|r| r.resource_version.clone()),
                    r.flashes.get_untracked(),
                )
            })
            .collect()
    }

    fn owned(triples: &[(&str, &str, u32)]) -> Vec<(String, String, u32)> {
        triples
            .iter()
            .map(|(u, v, f)| (u.to_string(), v.to_string(), *f))
            .collect()
    }

    #[test]
    fn a_new_page_keeps_shown_rows_and_flashes_changed_and_added_ones() {
        let before = vec![shown("a", "1"), shown("b", "1")];
        let merged = merge_page(&before, vec![row("b", "2"), row("a", "1"), row("c", "1")]);
        assert_eq!(
            states(&merged),
            owned(&[("b", "2", 1), ("a", "1", 0), ("c", "1", 1)])
        );
        // The same signals (compared by identity), so the rows' elements stay and only their cells redraw.
        assert!(merged[0].row == before[1].row);
        assert!(merged[1].row == before[0].row);
    }

    #[test]
    fn a_burst_applies_the_last_version_of_each_row_in_place_and_removals_in_order() {
        // Signals need an owner (and its arena) outside a running app.
        Owner::new().with(|| {
            let live = LiveList {
                columns: RwSignal::new(vec![]),
                rows: RwSignal::new(["a", "b", "c"].map(|uid| shown(uid, "1")).to_vec()),
                total: RwSignal::new(3),
                offset: RwSignal::new(0),
                connection: RwSignal::new(Connection::Live),
                error: RwSignal::new(None),
            };
            let b = live.rows.with_untracked(|rows| rows[1].row.clone());
            live.apply_all(vec![
                LiveUpdate::Row { row: row("b", "2") },
                LiveUpdate::Row { row: row("b", "3") },
                LiveUpdate::Removed { uid: "a".into() },
                // A row no longer on the page is not brought back by a late change.
                LiveUpdate::Row { row: row("a", "2") },
                LiveUpdate::Row { row: row("c", "2") },
                // A version already shown changes nothing.
                LiveUpdate::Row { row: row("c", "2") },
            ]);
            let rows = live.rows.get_untracked();
            assert_eq!(states(&rows), owned(&[("b", "3", 2), ("c", "2", 1)]));
            assert!(rows[0].row == b);
            assert_eq!(live.total.get_untracked(), 2);
        });
    }
}
