//! `/ws/k8s/cluster/{id}/resources/{kind}`: a live list page ([`model::live`]).

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use backend::AppState;
use backend::resources::{LiveSettings, serve_live};
use futures::{SinkExt, StreamExt};
use model::AppError;
use model::live::{LiveRequest, LiveUpdate};
use tokio::sync::mpsc;

use crate::api::{ApiError, Caller};

/// Messages a slow browser may fall behind by before the session waits for it.
const OUTBOX: usize = 256;
/// Keeps proxies from closing an idle socket, and finds dead peers.
const PING_EVERY: Duration = Duration::from_secs(25);
/// The largest request a browser sends (a query), with room to spare.
const MAX_REQUEST: usize = 64 * 1024;

pub async fn live_list(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path((cluster, kind)): Path<(String, String)>,
    caller: Result<Caller, ApiError>,
) -> Response {
    if let Err(e) = caller {
        return e.into_response();
    }
    let cluster = match backend::clusters::parse_id(&cluster) {
        Ok(id) => id,
        Err(e) => return ApiError(e.into()).into_response(),
    };
    ws.max_message_size(MAX_REQUEST)
        .on_upgrade(move |socket| pump(socket, state, cluster, kind))
}

/// Moves JSON between the socket and the backend session until either side ends.
async fn pump(socket: WebSocket, state: AppState, cluster: uuid::Uuid, kind: String) {
    let (mut sink, mut stream) = socket.split();
    let (requests_tx, requests_rx) = mpsc::channel::<LiveRequest>(8);
    let (updates_tx, mut updates_rx) = mpsc::channel::<LiveUpdate>(OUTBOX);
    let session = tokio::spawn(serve_live(
        state.resources.clone(),
        cluster,
        kind,
        LiveSettings::default(),
        requests_rx,
        updates_tx.clone(),
    ));
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<LiveRequest>(&text) {
                    Ok(request) => {
                        if requests_tx.send(request).await.is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        let error = AppError::invalid_field(
                            "request",
                            format!("This live-list request cannot be read: {e}."),
                        );
                        if send(&mut sink, &LiveUpdate::Error { error }).await.is_err() {
                            break;
                        }
                    }
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            update = updates_rx.recv() => match update {
                Some(update) => {
                    if send(&mut sink, &update).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    drop(requests_tx);
    session.abort();
    let _ = sink.close().await;
}

async fn send(
    sink: &mut futures::stream::SplitSink<WebSocket, Message>,
    update: &LiveUpdate,
) -> Result<(), axum::Error> {
    let text = serde_json::to_string(update).unwrap_or_else(|e| {
        tracing::error!(error = %e, "live update could not be encoded");
        String::from(r#"{"type":"error","error":{"kind":"internal","code":"internal","message":"A live update could not be encoded."}}"#)
    });
    sink.send(Message::Text(text.into())).await
}
