//! `/ws/k8s/cluster/{id}/namespaces/{ns}/{kind}/{name}/logs`: a log, read once or followed, as
//! [`model::logs::LogEvent`] JSON frames. The options are the query string of the REST route.
//! The socket is one-way: the browser only closes it (or reopens it with `since_time` to resume).

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use backend::AppState;
use futures::{SinkExt, StreamExt};
use model::logs::LogEvent;
use tokio::sync::mpsc;

use crate::api::logs::{LogQuery, subject};
use crate::api::{ApiError, ApiQuery, Caller};

/// Messages (batches of lines) a slow browser may fall behind by before readers wait for it.
const OUTBOX: usize = 64;
const PING_EVERY: Duration = Duration::from_secs(25);

pub async fn follow(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path((id, namespace, kind, name)): Path<(String, String, String, String)>,
    query: Result<ApiQuery<LogQuery>, ApiError>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let prepared = (|| {
        caller?;
        let ApiQuery(query) = query?;
        let subject = subject(&kind, namespace, name)?;
        let cluster = backend::clusters::parse_id(&id)?;
        Ok::<_, ApiError>((cluster, subject, query.options()))
    })();
    let (cluster, subject, options) = match prepared {
        Ok(ready) => ready,
        Err(e) => return e.into_response(),
    };
    ws.max_message_size(4 * 1024)
        .on_upgrade(move |socket| async move {
            let (tx, rx) = mpsc::channel(OUTBOX);
            let session = tokio::spawn(backend::logs::serve(
                state.clusters.clone(),
                cluster,
                subject,
                options,
                tx,
            ));
            pump(socket, rx).await;
            session.abort();
        })
}

async fn pump(socket: WebSocket, mut events: mpsc::Receiver<LogEvent>) {
    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { break };
                let Ok(text) = serde_json::to_string(&event) else { continue };
                if sink.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
        }
    }
    // Every event is sent: close cleanly so the browser knows the log is complete.
    let _ = sink.close().await;
}
