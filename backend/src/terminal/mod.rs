//! Terminals: a shell in a container through the cluster's `pods/exec` (a TTY over the v5/v4
//! channel protocols, with resize), driven by the browser over a WebSocket.
//!
//! Policy: a terminal can change anything in the container, so it is refused on read-only
//! clusters, and every session is audited twice: when it opens (or fails to), and when it ends
//! with its duration and the lines typed ([`recorder`]). A session without input for
//! [`IDLE_LIMIT`] is closed.

pub mod node;
pub mod recorder;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::SinkExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams, AttachedProcess, TerminalSize};
use model::FieldError;
use model::auth::UserInfo;
use model::clusters::ClusterInfo;
use model::terminal::{TerminalEvent, command_words};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use uuid::Uuid;

use self::recorder::Recorder;
use crate::ClientInfo;
use crate::audit::AuditResult;
use crate::clusters::{self, ClusterRegistry, guard};
use crate::logs::pods::{choice, containers_to_read};
use crate::resources::ResourceError;
use crate::resources::objects::target::within;
use crate::resources::objects::{Actor, Audited, audit, reason};

/// A session with no keystroke for this long is closed.
pub const IDLE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// Audit action names of this module.
pub mod actions {
    pub const POD_OPEN: &str = "terminal.pod.open";
    pub const POD_CLOSE: &str = "terminal.pod.close";
    pub const NODE_OPEN: &str = "terminal.node.open";
    pub const NODE_CLOSE: &str = "terminal.node.close";
}

/// A terminal asked for: a pod's container and the command to run (`/bin/sh` when empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTerminal {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    pub command: String,
}

/// What the browser sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Keys(Vec<u8>),
    Resize { cols: u16, rows: u16 },
}

/// What the session sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Bytes(Vec<u8>),
    Event(TerminalEvent),
}

/// An open terminal, until [`Session::run`] ends it.
pub struct Session {
    process: AttachedProcess,
    registry: ClusterRegistry,
    cluster: ClusterInfo,
    user: UserInfo,
    client: ClientInfo,
    about: About,
    container: String,
    command: Vec<String>,
    started: DateTime<Utc>,
    /// A pod made for the session (a node shell), deleted when it ends.
    helper: Option<(Api<Pod>, String)>,
}

/// What the session's audit rows are about.
struct About {
    close_action: &'static str,
    kind: &'static str,
    namespace: Option<String>,
    name: String,
}

fn field(field: &str, message: impl Into<String>) -> ResourceError {
    ResourceError::InvalidRequest(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }])
}

/// Opens a terminal in a running container of a pod: refused on read-only clusters, for a
/// container that does not exist or is not running, and for a malformed command. Audited.
pub async fn open_pod(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    target: &PodTerminal,
) -> Result<Session, ResourceError> {
    let info = clusters::get(registry, cluster).await?;
    let about = Audited {
        action: actions::POD_OPEN,
        cluster: &info,
        kind: "pods",
        namespace: Some(&target.namespace),
        name: &target.pod,
    };
    let opened = attach(registry, cluster, &info, target).await;
    let (result, detail) = match &opened {
        Ok((container, command, _)) => (
            AuditResult::Success,
            json!({"container": container, "command": command.join(" ")}),
        ),
        Err(e) => (AuditResult::Failure, reason(e)),
    };
    audit(registry, actor, about, result, detail).await?;
    let (container, command, process) = opened?;
    Ok(Session {
        process,
        registry: registry.clone(),
        cluster: info,
        user: actor.user.clone(),
        client: actor.client.clone(),
        about: About {
            close_action: actions::POD_CLOSE,
            kind: "pods",
            namespace: Some(target.namespace.clone()),
            name: target.pod.clone(),
        },
        container,
        command,
        started: Utc::now(),
        helper: None,
    })
}

async fn attach(
    registry: &ClusterRegistry,
    cluster: Uuid,
    info: &ClusterInfo,
    target: &PodTerminal,
) -> Result<(String, Vec<String>, AttachedProcess), ResourceError> {
    guard::require_writable(info).map_err(ResourceError::Refused)?;
    let command =
        command_words(&target.command).map_err(|e| ResourceError::InvalidRequest(vec![e]))?;
    let client = registry.client(cluster).await?;
    let api: Api<Pod> = Api::namespaced(client, &target.namespace);
    let pod = match within(registry, cluster, api.get_opt(&target.pod)).await? {
        Ok(Some(pod)) => pod,
        Ok(None) => {
            return Err(ResourceError::NotFound {
                kind: "Pod".into(),
                name: target.pod.clone(),
            });
        }
        Err(e) => {
            return Err(
                crate::resources::error::cluster_failure(registry, cluster, "pods", &e).await,
            );
        }
    };
    let pod_choice = choice(&pod);
    // The container asked for (refused with the pod's containers named when it has none such),
    // or the first regular one: the same rule as the log readers'.
    let wanted = containers_to_read(&pod_choice, target.container.as_deref())?;
    let container = wanted
        .first()
        .and_then(|name| pod_choice.containers.iter().find(|c| &c.name == name))
        .ok_or_else(|| field("container", "The pod has no containers."))?;
    if !container.running {
        return Err(field(
            "container",
            format!(
                "Container {} is not running (pod phase {}): a terminal needs a running container.",
                container.name, pod_choice.phase
            ),
        ));
    }
    let process = exec(
        registry,
        cluster,
        &api,
        &target.pod,
        &container.name,
        command.clone(),
    )
    .await?;
    Ok((container.name.clone(), command, process))
}

/// Runs `command` with a TTY in `container` of `pod`.
async fn exec(
    registry: &ClusterRegistry,
    cluster: Uuid,
    api: &Api<Pod>,
    pod: &str,
    container: &str,
    command: Vec<String>,
) -> Result<AttachedProcess, ResourceError> {
    let params = AttachParams::interactive_tty().container(container);
    match within(registry, cluster, api.exec(pod, command, &params)).await? {
        Ok(process) => Ok(process),
        Err(kube::Error::Api(status)) => Err(ResourceError::Rejected {
            code: status.code,
            message: status.message,
        }),
        Err(e) => {
            Err(crate::resources::error::cluster_failure(registry, cluster, "pods", &e).await)
        }
    }
}

impl Session {
    pub fn container(&self) -> &str {
        &self.container
    }

    pub fn command(&self) -> String {
        self.command.join(" ")
    }

    /// Moves keystrokes in and output out until the shell exits, the browser goes away (its
    /// `input` closes) or the session idles out; then audits the session's end.
    pub async fn run(mut self, mut input: mpsc::Receiver<Input>, output: mpsc::Sender<Output>) {
        let mut stdin = self.process.stdin();
        let mut stdout = self.process.stdout();
        let mut resize = self.process.terminal_size();
        let status = self.process.take_status();
        let mut recorder = Recorder::default();
        let mut buf = vec![0u8; 16 * 1024];
        let idle = tokio::time::sleep(IDLE_LIMIT);
        tokio::pin!(idle);
        let mut browser_left = false;
        let mut idled = false;
        loop {
            tokio::select! {
                read = async {
                    match stdout.as_mut() {
                        Some(out) => out.read(&mut buf).await,
                        None => Ok(0),
                    }
                } => match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if output.send(Output::Bytes(buf[..n].to_vec())).await.is_err() {
                            browser_left = true;
                            break;
                        }
                    }
                },
                message = input.recv() => match message {
                    Some(Input::Keys(keys)) => {
                        idle.as_mut().reset(tokio::time::Instant::now() + IDLE_LIMIT);
                        recorder.feed(&keys);
                        if let Some(stdin) = stdin.as_mut()
                            && (stdin.write_all(&keys).await.is_err() || stdin.flush().await.is_err())
                        {
                            break;
                        }
                    }
                    Some(Input::Resize { cols, rows }) => {
                        if let Some(resize) = resize.as_mut() {
                            let size = TerminalSize { width: cols.max(1), height: rows.max(1) };
                            // A lost resize only leaves the old size in place.
                            let _ = resize.send(size).await;
                        }
                    }
                    None => {
                        browser_left = true;
                        break;
                    }
                },
                _ = &mut idle => {
                    idled = true;
                    break;
                }
            }
        }
        let (code, message) = if browser_left {
            (None, "The terminal was closed.".to_string())
        } else if idled {
            (None, "Closed after 30 minutes without input.".to_string())
        } else {
            let status = match status {
                Some(status) => tokio::time::timeout(Duration::from_secs(2), status)
                    .await
                    .ok()
                    .flatten(),
                None => None,
            };
            exit_of(status.as_ref())
        };
        drop(stdin);
        self.process.abort();
        if let Some((api, name)) = self.helper.take() {
            node::remove(&api, &name).await;
        }
        let _ = output
            .send(Output::Event(TerminalEvent::Exited {
                code,
                message: message.clone(),
            }))
            .await;
        let ended = Utc::now();
        let (lines, dropped) = recorder.finish();
        let actor = Actor {
            user: &self.user,
            client: &self.client,
        };
        let about = Audited {
            action: self.about.close_action,
            cluster: &self.cluster,
            kind: self.about.kind,
            namespace: self.about.namespace.as_deref(),
            name: &self.about.name,
        };
        let detail = json!({
            "container": self.container,
            "command": self.command.join(" "),
            "started_at": self.started,
            "ended_at": ended,
            "seconds": (ended - self.started).num_seconds(),
            "exit_code": code,
            "end": message,
            "input_lines": lines,
            "input_lines_dropped": dropped,
        });
        if let Err(e) = audit(&self.registry, &actor, about, AuditResult::Success, detail).await {
            tracing::error!(error = %e, "the end of a terminal session could not be audited");
        }
    }
}

/// The exit code and a sentence, from the status the cluster sends when the command ends.
fn exit_of(
    status: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Status>,
) -> (Option<i32>, String) {
    let Some(status) = status else {
        return (None, "The shell ended.".into());
    };
    if status.status.as_deref() == Some("Success") {
        return (Some(0), "The shell exited.".into());
    }
    let code = status
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.reason.as_deref() == Some("ExitCode"))
        .and_then(|c| c.message.as_deref())
        .and_then(|m| m.parse().ok());
    let message = match code {
        Some(code) => format!("The shell exited with code {code}."),
        None => status
            .message
            .clone()
            .unwrap_or_else(|| "The shell ended.".into()),
    };
    (code, message)
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Status, StatusCause, StatusDetails};

    use super::*;

    #[test]
    fn exit_codes_come_from_the_status() {
        let ok = Status {
            status: Some("Success".into()),
            ..Status::default()
        };
        assert_eq!(exit_of(Some(&ok)).0, Some(0));
        let failed = Status {
            status: Some("Failure".into()),
            message: Some("command terminated with non-zero exit code".into()),
            details: Some(StatusDetails {
                causes: Some(vec![StatusCause {
                    reason: Some("ExitCode".into()),
                    message: Some("127".into()),
                    ..StatusCause::default()
                }]),
                ..StatusDetails::default()
            }),
            ..Status::default()
        };
        assert_eq!(
            exit_of(Some(&failed)),
            (Some(127), "The shell exited with code 127.".into())
        );
        assert_eq!(exit_of(None).0, None);
    }
}
