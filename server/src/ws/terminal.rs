//! `/ws/k8s/cluster/{id}/namespaces/{ns}/pods/{name}/exec?container=…&command=…`: a terminal in
//! a container; `/ws/k8s/cluster/{id}/nodes/{name}/shell?command=…`: a shell on a node (for
//! administrators; see `backend::terminal::node`). Keystrokes come in as binary frames, resizes as JSON text frames
//! ([`model::terminal::TerminalRequest`]); output goes out as binary frames and the session's
//! states as JSON text frames ([`model::terminal::TerminalEvent`]).

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use backend::AppState;
use backend::resources::objects::Actor;
use backend::terminal::{self, Input, Output, PodTerminal};
use futures::{SinkExt, StreamExt};
use model::AppError;
use model::terminal::{TerminalEvent, TerminalRequest};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::api::{ApiError, ApiQuery, Caller};

const PING_EVERY: Duration = Duration::from_secs(25);
/// The largest frame a browser sends (a paste), with room to spare.
const MAX_FRAME: usize = 256 * 1024;

/// The terminal's options.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExecQuery {
    /// The container; the pod's first when absent.
    container: Option<String>,
    /// The command to run, `/bin/sh` when absent.
    command: String,
}

/// What a terminal socket attaches to.
enum Attach {
    Pod(PodTerminal),
    Node { node: String, command: String },
}

pub async fn pod(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path((id, namespace, name)): Path<(String, String, String)>,
    query: Result<ApiQuery<ExecQuery>, ApiError>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let query = query.map(|ApiQuery(q)| q);
    upgrade(ws, state, &id, caller, query, move |q| {
        Attach::Pod(PodTerminal {
            namespace,
            pod: name,
            container: q.container.filter(|c| !c.is_empty()),
            command: q.command,
        })
    })
}

pub async fn node(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    query: Result<ApiQuery<ExecQuery>, ApiError>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let query = query.map(|ApiQuery(q)| q);
    upgrade(ws, state, &id, caller, query, move |q| Attach::Node {
        node: name,
        command: q.command,
    })
}

fn upgrade(
    ws: WebSocketUpgrade,
    state: AppState,
    id: &str,
    caller: Result<Caller, ApiError>,
    query: Result<ExecQuery, ApiError>,
    attach: impl FnOnce(ExecQuery) -> Attach,
) -> Response {
    let prepared = (|| {
        let caller = caller?;
        let query = query?;
        let cluster = backend::clusters::parse_id(id)?;
        Ok::<_, ApiError>((caller, cluster, query))
    })();
    let (caller, cluster, query) = match prepared {
        Ok(ready) => ready,
        Err(e) => return e.into_response(),
    };
    let target = attach(query);
    ws.max_message_size(MAX_FRAME)
        .on_upgrade(move |mut socket| async move {
            let actor = Actor {
                user: &caller.user,
                client: &caller.client,
            };
            let opened = match &target {
                Attach::Pod(pod) => terminal::open_pod(&state.clusters, &actor, cluster, pod).await,
                Attach::Node { node, command } => {
                    terminal::node::open_node(&state.clusters, &actor, cluster, node, command).await
                }
            };
            match opened {
                Ok(session) => {
                    let connected = TerminalEvent::Connected {
                        container: session.container().to_string(),
                        command: session.command(),
                    };
                    if send_event(&mut socket, &connected).await {
                        pump(socket, session).await;
                    }
                }
                Err(e) => {
                    let error = TerminalEvent::Error {
                        error: AppError::from(e),
                    };
                    send_event(&mut socket, &error).await;
                    let _ = socket.close().await;
                }
            }
        })
}

async fn send_event(socket: &mut WebSocket, event: &TerminalEvent) -> bool {
    let Ok(text) = serde_json::to_string(event) else {
        return false;
    };
    socket.send(Message::Text(text.into())).await.is_ok()
}

async fn pump(socket: WebSocket, session: terminal::Session) {
    let (mut sink, mut stream) = socket.split();
    let (input_tx, input_rx) = mpsc::channel::<Input>(64);
    let (output_tx, mut output_rx) = mpsc::channel::<Output>(64);
    let running = tokio::spawn(session.run(input_rx, output_tx));
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut input_tx = Some(input_tx);
    loop {
        tokio::select! {
            out = output_rx.recv() => match out {
                Some(Output::Bytes(bytes)) => {
                    if sink.send(Message::Binary(bytes.into())).await.is_err() {
                        input_tx = None;
                    }
                }
                Some(Output::Event(event)) => {
                    if let Ok(text) = serde_json::to_string(&event) {
                        let _ = sink.send(Message::Text(text.into())).await;
                    }
                }
                // The session ended and audited itself.
                None => break,
            },
            incoming = stream.next(), if input_tx.is_some() => {
                let Some(tx) = input_tx.as_ref() else { continue };
                let input = match incoming {
                    Some(Ok(Message::Binary(bytes))) => Some(Input::Keys(bytes.to_vec())),
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<TerminalRequest>(&text) {
                        Ok(TerminalRequest::Resize { cols, rows }) => Some(Input::Resize { cols, rows }),
                        Err(_) => None,
                    },
                    // The browser left: closing the input ends the session.
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                        input_tx = None;
                        continue;
                    }
                    Some(Ok(_)) => None,
                };
                if let Some(input) = input
                    && tx.send(input).await.is_err()
                {
                    input_tx = None;
                }
            }
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    input_tx = None;
                }
            }
        }
    }
    let _ = running.await;
    let _ = sink.close().await;
}
