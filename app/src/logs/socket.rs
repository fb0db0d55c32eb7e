//! The browser side of the log WebSocket: opens it with the page's options, hands each event to
//! the page, and when the socket drops before the log is complete, reopens it after a growing
//! delay from the last line shown (`since_time`); the buffer drops what the new stream repeats.

use std::sync::Mutex;

use futures::channel::oneshot;
use futures::{FutureExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use leptos::prelude::*;
use model::logs::LogEvent;

use super::{SocketState, resume_query};
use crate::resources::live::socket_url;

/// The longest wait between reconnect attempts.
const MAX_DELAY_SECONDS: u32 = 15;

/// What the socket needs from the page.
pub trait LogSink: Clone + 'static {
    /// The whole second to resume from, and prepares the dedup (called before a reconnect).
    fn resume_from(&self) -> Option<i64>;
    /// Handles one event; returns false when the page is gone.
    fn event(&self, event: LogEvent) -> bool;
    fn state(&self, state: SocketState);
}

/// Streams `path?query` into `sink` until the calling component is dropped.
pub fn connect(path: String, query: String, sink: impl LogSink) {
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let stop_tx = Mutex::new(Some(stop_tx));
    on_cleanup(move || {
        if let Some(tx) = stop_tx.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(());
        }
    });
    leptos::task::spawn_local(async move {
        let mut stop = stop_rx.fuse();
        let mut failures: u32 = 0;
        let mut since: Option<i64> = None;
        loop {
            let url = match since {
                // Resuming: from the last line shown, whatever tail or start was asked first.
                Some(second) => format!("{path}?{}", resume_query(&query, second)),
                None => format!("{path}?{query}"),
            };
            let finished = futures::select! {
                _ = stop => return,
                done = session(&url, &sink, &mut failures).fuse() => done,
            };
            if finished {
                sink.state(SocketState::Finished);
                return;
            }
            since = sink.resume_from().or(since);
            failures = failures.saturating_add(1);
            let seconds = (1u32 << failures.min(4)).min(MAX_DELAY_SECONDS);
            sink.state(SocketState::Reconnecting { seconds });
            let wait =
                gloo_timers::future::sleep(std::time::Duration::from_secs(u64::from(seconds)));
            if futures::select! { _ = stop => true, _ = wait.fuse() => false } {
                return;
            }
            sink.state(SocketState::Connecting);
        }
    });
}

/// One connection; true when the log is complete (or refused), false when the socket dropped.
async fn session(url: &str, sink: &impl LogSink, failures: &mut u32) -> bool {
    let Some(url) = socket_url(url) else {
        return false;
    };
    let Ok(socket) = WebSocket::open(&url) else {
        return false;
    };
    let (_sink, mut stream) = socket.split();
    while let Some(Ok(message)) = stream.next().await {
        let event = match message {
            Message::Text(text) => serde_json::from_str::<LogEvent>(&text).ok(),
            Message::Bytes(bytes) => serde_json::from_slice::<LogEvent>(&bytes).ok(),
        };
        let Some(event) = event else { continue };
        *failures = 0;
        sink.state(SocketState::Open);
        let last = matches!(event, LogEvent::Done | LogEvent::Error { .. });
        if !sink.event(event) || last {
            return true;
        }
    }
    false
}
