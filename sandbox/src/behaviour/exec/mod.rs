//! `pods/exec` over WebSocket: checks the request like the API server (pod, container, command), then
//! upgrades with `v5.channel.k8s.io` (or v4) and runs an [`session::ExecSession`] against the container's
//! simulated shell until the command exits or the client goes away.

pub mod protocol;
pub mod session;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use axum::extract::{FromRequest, Request, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;

use self::protocol::{
    ERROR, Incoming, PROTOCOLS, STDERR, STDIN, STDOUT, decode, exit_status, frame,
};
use self::session::{ExecOptions, ExecSession, Output};
use crate::SandboxError;
use crate::behaviour::logs::handler::error_response;
use crate::behaviour::logs::source::container_name;
use crate::behaviour::object::{self, kinds};
use crate::behaviour::program::image_base_name;
use crate::behaviour::shell::{FakeFilesystem, FilesystemSeed, ShellContext};
use crate::store::Store;

/// Parsed query of an exec request.
#[derive(Debug, Default)]
struct ExecQuery {
    container: Option<String>,
    options: ExecOptions,
}

fn parse(query: &str) -> ExecQuery {
    let mut q = ExecQuery::default();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let on = matches!(value.as_ref(), "true" | "1" | "True");
        match key.as_ref() {
            "command" => q.options.command.push(value.into_owned()),
            "container" => q.container = Some(value.into_owned()),
            "stdin" => q.options.stdin = on,
            "tty" => q.options.tty = on,
            _ => {}
        }
    }
    q
}

fn env_value(store: &Store, namespace: &str, entry: &Value) -> Option<String> {
    if let Some(v) = entry.get("value").and_then(Value::as_str) {
        return Some(v.to_owned());
    }
    let from = entry.get("valueFrom")?;
    let lookup = |kind: &str, reference: &Value, decode: bool| -> Option<String> {
        let obj = store
            .get(
                &crate::store::GroupResource::core(kind),
                Some(namespace),
                reference["name"].as_str()?,
            )
            .ok()?;
        let raw = obj
            .get("data")?
            .get(reference["key"].as_str()?)?
            .as_str()?
            .to_owned();
        if !decode {
            return Some(raw);
        }
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(raw)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    };
    if let Some(r) = from.get("configMapKeyRef") {
        return lookup("configmaps", r, false);
    }
    if let Some(r) = from.get("secretKeyRef") {
        return lookup("secrets", r, true);
    }
    None
}

/// What the container's shell sees: hostname, environment, PID 1 and files.
fn shell_context(store: &Store, pod: &Value, container: &Value) -> ShellContext {
    let image = container["image"].as_str().unwrap_or_default();
    let name = object::name(pod);
    let namespace = object::namespace(pod);
    let mut env = vec![
        (
            "PATH".to_owned(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned(),
        ),
        ("HOSTNAME".to_owned(), name.to_owned()),
        ("HOME".to_owned(), "/root".to_owned()),
        ("KUBERNETES_SERVICE_HOST".to_owned(), "10.96.0.1".to_owned()),
        ("KUBERNETES_SERVICE_PORT".to_owned(), "443".to_owned()),
        (
            "KUBERNETES_PORT".to_owned(),
            "tcp://10.96.0.1:443".to_owned(),
        ),
    ];
    if image_base_name(image) == "nginx" {
        env.push(("NGINX_VERSION".to_owned(), "1.27.3".to_owned()));
    }
    for entry in container["env"].as_array().into_iter().flatten() {
        if let (Some(key), Some(value)) =
            (entry["name"].as_str(), env_value(store, namespace, entry))
        {
            env.push((key.to_owned(), value));
        }
    }
    let words = |field: &str| {
        container[field]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let mut main_process = format!("{} {}", words("command"), words("args"))
        .trim()
        .to_owned();
    if main_process.is_empty() {
        main_process = match image_base_name(image) {
            "nginx" => "nginx: master process nginx -g daemon off;".to_owned(),
            "postgres" => "postgres".to_owned(),
            other => format!("/usr/local/bin/{other}"),
        };
    }
    let pod_ip = object::str_at(pod, "/status/podIP").unwrap_or("10.244.0.2");
    ShellContext {
        hostname: name.to_owned(),
        env,
        main_process,
        filesystem: FakeFilesystem::for_container(&FilesystemSeed {
            hostname: name,
            namespace,
            image,
            pod_ip,
        }),
    }
}

/// `nsenter --target 1 --mount --uts --ipc --net --pid -- sh` in a pod that shares the host's
/// PID namespace (`hostPID: true`), as node shells run it: what follows `--` runs "on the node",
/// with the node's hostname, files and PID 1. Without `hostPID`, PID 1 is the container's own, so
/// nsenter stays in the container.
fn enter_host(pod: &Value, command: &mut Vec<String>, context: &mut ShellContext) {
    if command.first().and_then(|p| p.rsplit('/').next()) != Some("nsenter") {
        return;
    }
    let program: Vec<String> = match command.iter().position(|a| a == "--") {
        Some(i) => command[i + 1..].to_vec(),
        None => command
            .iter()
            .skip(1)
            .skip_while(|a| a.starts_with('-') || a.chars().all(|c| c.is_ascii_digit()))
            .cloned()
            .collect(),
    };
    // nsenter without a program runs a shell.
    *command = if program.is_empty() {
        vec!["sh".to_owned()]
    } else {
        program
    };
    if pod.pointer("/spec/hostPID") != Some(&Value::Bool(true)) {
        return;
    }
    let node = object::str_at(pod, "/spec/nodeName").unwrap_or("node");
    let host_ip = object::str_at(pod, "/status/hostIP").unwrap_or("10.0.0.10");
    context.hostname = node.to_owned();
    for (key, value) in &mut context.env {
        if key == "HOSTNAME" {
            *value = node.to_owned();
        }
    }
    context.main_process = "/sbin/init".to_owned();
    context.filesystem = FakeFilesystem::for_container(&FilesystemSeed {
        hostname: node,
        namespace: "",
        image: "debian",
        pod_ip: host_ip,
    });
}

fn container_running(pod: &Value, container: &str) -> bool {
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|list| {
            pod.pointer(&format!("/status/{list}"))
                .and_then(Value::as_array)
        })
        .flatten()
        .any(|s| s["name"] == container && s["state"]["running"].is_object())
}

/// Serves an exec request for pod `name` in `namespace`.
pub async fn serve(store: Store, namespace: String, name: String, request: Request) -> Response {
    let query = parse(request.uri().query().unwrap_or_default());
    let prepared = (|| -> Result<(ShellContext, ExecOptions), SandboxError> {
        let pod = store.get(&kinds::pods(), Some(&namespace), &name)?;
        let container = container_name(&pod, query.container.as_deref())?;
        if query.options.command.is_empty() {
            return Err(SandboxError::BadRequest(
                "you must specify at least one command for the container".into(),
            ));
        }
        if !container_running(&pod, &container) {
            return Err(SandboxError::BadRequest(format!(
                "unable to upgrade connection: container not found (\"{container}\")"
            )));
        }
        let spec = pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .chain(
                pod.pointer("/spec/initContainers")
                    .and_then(Value::as_array),
            )
            .flatten()
            .find(|c| c["name"] == container.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        let mut context = shell_context(&store, &pod, &spec);
        let mut options = query.options;
        enter_host(&pod, &mut options.command, &mut context);
        Ok((context, options))
    })();
    let (context, options) = match prepared {
        Ok(ready) => ready,
        Err(error) => return error_response(error),
    };
    let upgrade = match WebSocketUpgrade::from_request(request, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade
        .protocols(PROTOCOLS)
        .on_upgrade(move |socket| run(socket, context, options))
}

async fn send(
    socket: &mut WebSocket,
    outputs: Vec<Output>,
    command: &[String],
) -> Result<bool, axum::Error> {
    for output in outputs {
        let message = match output {
            Output::Stdout(bytes) => frame(STDOUT, &bytes),
            Output::Stderr(bytes) => frame(STDERR, &bytes),
            Output::Exit(code) => {
                let status = serde_json::to_vec(&exit_status(code, command)).unwrap_or_default();
                socket
                    .send(Message::Binary(Bytes::from(frame(ERROR, &status))))
                    .await?;
                return Ok(true);
            }
        };
        socket.send(Message::Binary(Bytes::from(message))).await?;
    }
    Ok(false)
}

/// How long a finished session waits for the client to acknowledge the close.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

async fn run(mut socket: WebSocket, context: ShellContext, options: ExecOptions) {
    let command = options.command.clone();
    let (mut session, first) = ExecSession::start(context, &options);
    let mut done = matches!(send(&mut socket, first, &command).await, Ok(true) | Err(_));
    while !done {
        let Some(Ok(message)) = socket.recv().await else {
            return;
        };
        let outputs = match message {
            Message::Binary(data) => match decode(&data) {
                Incoming::Stdin(bytes) => session.on_stdin(&bytes),
                Incoming::Closed(STDIN) => session.on_stdin_closed(),
                Incoming::Resize { width, height } => {
                    session.on_resize(width, height);
                    Vec::new()
                }
                Incoming::Closed(_) | Incoming::Ignored => Vec::new(),
            },
            Message::Close(_) => return,
            _ => Vec::new(),
        };
        done = matches!(
            send(&mut socket, outputs, &command).await,
            Ok(true) | Err(_)
        ) || session.is_finished();
    }
    // A normal-closure code matters: kubectl reports a bare close (1005) as a failed error stream.
    let normal = CloseFrame {
        code: close_code::NORMAL,
        reason: "".into(),
    };
    if socket.send(Message::Close(Some(normal))).await.is_err() {
        return;
    }
    // Wait for the client's close before dropping the connection: input it sent that nobody read (stdin
    // of a command that did not want it) would otherwise make the kernel reset the connection, and the
    // reset can destroy the final Status before the client reads it.
    let drain = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_WAIT, drain).await;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn context() -> ShellContext {
        ShellContext {
            hostname: "shell-pod".into(),
            env: vec![("HOSTNAME".into(), "shell-pod".into())],
            main_process: "sleep infinity".into(),
            filesystem: FakeFilesystem::for_container(&FilesystemSeed {
                hostname: "shell-pod",
                namespace: "kube-system",
                image: "busybox",
                pod_ip: "10.244.0.9",
            }),
        }
    }

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn nsenter_in_a_host_pid_pod_runs_on_the_node() {
        let pod = json!({"spec": {"hostPID": true, "nodeName": "worker-1"}});
        let mut command = words("nsenter -t 1 -m -u -i -n -p -- sh -l");
        let mut ctx = context();
        enter_host(&pod, &mut command, &mut ctx);
        assert_eq!(command, ["sh", "-l"]);
        assert_eq!(ctx.hostname, "worker-1");
        assert_eq!(ctx.env[0].1, "worker-1");
        assert_eq!(ctx.main_process, "/sbin/init");
    }

    #[test]
    fn nsenter_without_host_pid_stays_in_the_container() {
        let pod = json!({"spec": {"nodeName": "worker-1"}});
        let mut command = words("nsenter --target 1 --mount");
        let mut ctx = context();
        enter_host(&pod, &mut command, &mut ctx);
        assert_eq!(command, ["sh"]);
        assert_eq!(ctx.hostname, "shell-pod");
        let mut other = words("ls /");
        enter_host(&pod, &mut other, &mut ctx);
        assert_eq!(other, ["ls", "/"]);
    }
}
