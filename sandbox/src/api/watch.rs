//! `?watch=1`: a chunked stream of JSON lines, with bookmarks, 410 Gone, `sendInitialEvents` and the
//! fault-injection hooks (dropped streams).

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::body::{Representation, representation};
use super::rest::Ctx;
use crate::error::SandboxError;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::store::{EventType, WatchEvent};

/// How often an idle watch gets a bookmark when it asked for them.
const BOOKMARK_EVERY: Duration = Duration::from_secs(5);
/// Longest a watch stays open without `timeoutSeconds` (the API server picks 30–60 minutes).
const MAX_WATCH: Duration = Duration::from_secs(30 * 60);

#[derive(Serialize)]
struct Line<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    object: &'a Value,
}

fn encode(kind: &str, object: &Value) -> Bytes {
    let mut bytes = serde_json::to_vec(&Line { kind, object }).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// Filters and renders events for one watcher.
struct Watcher {
    ctx: Ctx,
    labels: LabelSelector,
    fields: FieldSelector,
    table: bool,
}

impl Watcher {
    /// What this watcher should be told about `ev`, if anything. With a selector, a change that moves an
    /// object into the selection is an `ADDED` and one that moves it out a `DELETED` (carrying the new
    /// state), as the API server's watch cache does.
    fn event_for(&self, ev: &WatchEvent) -> Option<EventType> {
        if !self.in_scope(ev) {
            return None;
        }
        let selected = |o: &Value| self.labels.matches(o) && self.fields.matches(o);
        let now = selected(&ev.object);
        let before = match (ev.event_type, &ev.previous) {
            (EventType::Modified, Some(previous)) => selected(previous),
            _ => now,
        };
        match (before, now) {
            (true, true) => Some(ev.event_type),
            (false, true) => Some(EventType::Added),
            (true, false) => Some(EventType::Deleted),
            (false, false) => None,
        }
    }

    fn in_scope(&self, ev: &WatchEvent) -> bool {
        let in_ns = self
            .ctx
            .target
            .namespace
            .as_deref()
            .is_none_or(|ns| ev.namespace() == ns);
        let named = self
            .ctx
            .target
            .name
            .as_deref()
            .is_none_or(|n| crate::store::name_of(&ev.object) == n);
        in_ns && named
    }

    /// The line to send for `ev`, or `None` when this watcher does not see it.
    fn render(&self, ev: &WatchEvent) -> Option<Bytes> {
        let event_type = self.event_for(ev)?;
        let obj = self.ctx.present(&ev.object);
        if self.table {
            let t = crate::table::table(&self.ctx.target.rt, &[obj], json!({}), &self.ctx.params);
            return Some(encode(event_type.as_str(), &t));
        }
        Some(encode(event_type.as_str(), &obj))
    }

    fn bookmark(&self, rv: u64, initial_end: bool) -> Bytes {
        let mut meta = json!({"resourceVersion": rv.to_string()});
        if initial_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let rt = &self.ctx.target.rt;
        let obj = json!({"kind": rt.kind, "apiVersion": rt.api_version_for(&self.ctx.target.version), "metadata": meta});
        encode("BOOKMARK", &obj)
    }
}

/// Starts a watch stream.
pub fn serve(ctx: Ctx) -> Result<Response, SandboxError> {
    let params = &ctx.params;
    let rv_param = params
        .get("resourceVersion")
        .unwrap_or_default()
        .to_string();
    let send_initial = params.flag("sendInitialEvents");
    let bookmarks = params.flag("allowWatchBookmarks");
    let timeout = params
        .number("timeoutSeconds")?
        .map(Duration::from_secs)
        .unwrap_or(MAX_WATCH)
        .min(MAX_WATCH);
    let since = match rv_param.as_str() {
        _ if send_initial => None,
        "" | "0" => None,
        v => Some(
            v.parse::<u64>()
                .map_err(|_| SandboxError::BadRequest(format!("invalid resource version: {v}")))?,
        ),
    };
    let watcher = Watcher {
        labels: params.labels()?,
        fields: params.fields()?,
        table: representation(&ctx.headers) == Representation::Table,
        ctx,
    };
    let store = watcher.ctx.state.store.clone();
    let faults = watcher.ctx.state.faults.clone();
    let key = watcher.ctx.target.rt.group_resource();
    let sub = store.watch(&key, watcher.ctx.target.namespace.as_deref(), since);
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);

    tokio::spawn(async move {
        let mut sub = match sub {
            Ok(sub) => sub,
            Err(err) => {
                let _ = tx.send(Ok(encode("ERROR", &err.to_status()))).await;
                return;
            }
        };
        for ev in sub.replay.drain(..) {
            if let Some(line) = watcher.render(&ev)
                && tx.send(Ok(line)).await.is_err()
            {
                return;
            }
        }
        if send_initial
            && tx
                .send(Ok(watcher.bookmark(sub.start_version, true)))
                .await
                .is_err()
        {
            return;
        }
        let drop_after = faults
            .get()
            .drop_watches_after_seconds
            .map(Duration::from_secs);
        let deadline = tokio::time::sleep(drop_after.map_or(timeout, |d| d.min(timeout)));
        tokio::pin!(deadline);
        let mut drops = faults.watch_drops();
        drops.mark_unchanged();
        let mut ticker = tokio::time::interval(BOOKMARK_EVERY);
        ticker.tick().await;
        loop {
            tokio::select! {
                _ = &mut deadline => return,
                _ = drops.changed() => return,
                _ = tx.closed() => return,
                _ = ticker.tick(), if bookmarks => {
                    // Read the version first: every event up to it is already in the channel, so an empty
                    // channel means the client has seen them all and may resume from this version.
                    let rv = store.resource_version();
                    if sub.live.is_empty() && tx.send(Ok(watcher.bookmark(rv, false))).await.is_err() {
                        return;
                    }
                }
                ev = sub.live.recv() => match ev {
                    Ok(ev) => {
                        if let Some(line) = watcher.render(&ev)
                            && tx.send(Ok(line)).await.is_err()
                        {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let gone = SandboxError::Gone("the watcher fell too far behind; list again".into());
                        let _ = tx.send(Ok(encode("ERROR", &gone.to_status()))).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    });

    let body = Body::from_stream(ReceiverStream::new(rx));
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(body)
        .map_err(|e| SandboxError::Internal(e.to_string()))
}
