//! Pod terminals against a real sandbox cluster: a shell over exec with a TTY echoes what is
//! typed, takes a resize, exits with its code, and leaves two audit rows (open, and close with
//! the lines typed); refusals for a read-only cluster, an unknown container and a bad command.

mod support;

use std::time::Duration;

use backend::terminal::{self, Input, Output, PodTerminal};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use model::terminal::TerminalEvent;
use model::{AppError, ErrorKind};
use sandbox::Scenario;
use support::{Env, eventually};
use tokio::sync::mpsc;

async fn running_frontend_pod(env: &Env) -> String {
    let pods: Api<Pod> = Api::namespaced(env.kube.clone(), "shop");
    eventually(
        Duration::from_secs(20),
        "a running frontend pod",
        || async {
            let list = pods
                .list(&ListParams::default().labels("app=frontend"))
                .await
                .ok()?;
            list.items.into_iter().find_map(|p| {
                let running = p
                    .status
                    .as_ref()?
                    .container_statuses
                    .as_ref()?
                    .iter()
                    .all(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()));
                running.then(|| p.metadata.name.unwrap_or_default())
            })
        },
    )
    .await
}

/// Reads output until it contains `text` (or the wait runs out).
async fn read_until(rx: &mut mpsc::Receiver<Output>, seen: &mut String, text: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(text) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(Output::Bytes(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            Ok(Some(Output::Event(event))) => panic!("ended early: {event:?} after {seen:?}"),
            Ok(None) | Err(_) => panic!("never saw {text:?} in {seen:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shell_echoes_resizes_exits_and_is_audited() {
    let env = Env::new(Scenario::Demo).await;
    let pod = running_frontend_pod(&env).await;
    let target = PodTerminal {
        namespace: "shop".into(),
        pod: pod.clone(),
        container: None,
        command: String::new(),
    };
    let session = terminal::open_pod(&env.registry, &env.actor(), env.cluster, &target)
        .await
        .expect("terminal opens");
    assert_eq!(session.container(), "frontend");
    assert_eq!(session.command(), "/bin/sh");
    let (in_tx, in_rx) = mpsc::channel(16);
    let (out_tx, mut out_rx) = mpsc::channel(16);
    let running = tokio::spawn(session.run(in_rx, out_tx));
    let mut seen = String::new();
    read_until(&mut out_rx, &mut seen, "# ").await;
    in_tx
        .send(Input::Resize {
            cols: 120,
            rows: 40,
        })
        .await
        .expect("resize");
    in_tx
        .send(Input::Keys(b"echo hellp\x7fo\r".to_vec()))
        .await
        .expect("type");
    read_until(&mut out_rx, &mut seen, "hello\r\n").await;
    in_tx
        .send(Input::Keys(b"exit 3\r".to_vec()))
        .await
        .expect("exit");
    let ended = loop {
        match tokio::time::timeout(Duration::from_secs(10), out_rx.recv())
            .await
            .expect("the shell exits")
        {
            Some(Output::Event(event)) => break event,
            Some(Output::Bytes(_)) => {}
            None => panic!("no exit event"),
        }
    };
    assert_eq!(
        ended,
        TerminalEvent::Exited {
            code: Some(3),
            message: "The shell exited with code 3.".into()
        }
    );
    running.await.expect("session ends");

    let audit = env.audit().await;
    let open = audit
        .iter()
        .find(|r| r.action == terminal::actions::POD_OPEN)
        .expect("open row");
    assert_eq!(open.resource_name.as_deref(), Some(pod.as_str()));
    let close = audit
        .iter()
        .find(|r| r.action == terminal::actions::POD_CLOSE)
        .expect("close row");
    assert_eq!(
        close.detail["input_lines"],
        serde_json::json!(["echo hello", "exit 3"])
    );
    assert_eq!(close.detail["exit_code"], 3);
    assert_eq!(close.detail["container"], "frontend");

    // Administrators read the sessions back through the audit log; nobody else does.
    let query = model::audit::AuditQuery {
        action: Some("terminal.".into()),
        ..Default::default()
    };
    let sessions = backend::audit::search(&env.db.pool, &env.user, &query)
        .await
        .expect("audit log");
    let actions: Vec<&str> = sessions.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [terminal::actions::POD_CLOSE, terminal::actions::POD_OPEN]
    );
    assert_eq!(sessions[0].detail["input_lines"][0], "echo hello");
    let older = backend::audit::search(
        &env.db.pool,
        &env.user,
        &model::audit::AuditQuery {
            before: Some(sessions[0].id),
            ..query.clone()
        },
    )
    .await
    .expect("next page");
    assert_eq!(older.len(), 1);
    let viewer = env.db.user("viewer", false).await;
    let refused = backend::audit::search(&env.db.pool, &viewer, &query)
        .await
        .expect_err("viewers cannot read the audit log");
    assert_eq!(refused.kind, ErrorKind::Forbidden);
    let bad = backend::audit::search(
        &env.db.pool,
        &env.user,
        &model::audit::AuditQuery {
            limit: Some(0),
            ..Default::default()
        },
    )
    .await
    .expect_err("limit 0");
    assert_eq!(bad.fields[0].field, "limit");
}

#[tokio::test(flavor = "multi_thread")]
async fn terminals_are_refused_with_reasons() {
    let env = Env::new(Scenario::Demo).await;
    let pod = running_frontend_pod(&env).await;
    let refuse = |cluster, container: Option<&str>, command: &str| {
        let target = PodTerminal {
            namespace: "shop".into(),
            pod: pod.clone(),
            container: container.map(str::to_string),
            command: command.into(),
        };
        let env = &env;
        async move {
            match terminal::open_pod(&env.registry, &env.actor(), cluster, &target).await {
                Ok(_) => panic!("opened"),
                Err(e) => AppError::from(e),
            }
        }
    };
    let read_only = env.register("read-only", true).await;
    let refused = refuse(read_only, None, "").await;
    assert_eq!(refused.kind, ErrorKind::Forbidden, "{refused:?}");
    let unknown = refuse(env.cluster, Some("sidecar"), "").await;
    assert_eq!(unknown.fields[0].field, "container");
    assert!(unknown.message.contains("frontend"), "{unknown:?}");
    let bad = refuse(env.cluster, None, "sh\u{7}").await;
    assert_eq!(bad.fields[0].field, "command");
    let failures = env
        .audit()
        .await
        .into_iter()
        .filter(|r| r.action == terminal::actions::POD_OPEN)
        .count();
    assert_eq!(failures, 3);
}

async fn shell_pods(env: &Env) -> usize {
    Api::<Pod>::all(env.kube.clone())
        .list(&ListParams::default().labels("capstan.io/node-shell=true"))
        .await
        .expect("list")
        .items
        .len()
}

#[tokio::test(flavor = "multi_thread")]
async fn node_shells_run_on_the_node_and_leave_nothing_behind() {
    let env = Env::new(Scenario::Demo).await;
    let nodes = Api::<k8s_openapi::api::core::v1::Node>::all(env.kube.clone())
        .list(&ListParams::default())
        .await
        .expect("nodes");
    let node = nodes.items[0].metadata.name.clone().expect("node name");

    // An administrator's shell: hostname is the node's; exit deletes the pod.
    let session = terminal::node::open_node(&env.registry, &env.actor(), env.cluster, &node, "")
        .await
        .expect("node shell opens");
    assert_eq!(shell_pods(&env).await, 1);
    assert!(
        session.command().starts_with("nsenter -t 1"),
        "{}",
        session.command()
    );
    let (in_tx, in_rx) = mpsc::channel(16);
    let (out_tx, mut out_rx) = mpsc::channel(16);
    let running = tokio::spawn(session.run(in_rx, out_tx));
    let mut seen = String::new();
    read_until(&mut out_rx, &mut seen, "# ").await;
    in_tx
        .send(Input::Keys(b"hostname\r".to_vec()))
        .await
        .expect("type");
    read_until(&mut out_rx, &mut seen, &format!("{node}\r\n")).await;
    in_tx
        .send(Input::Keys(b"exit\r".to_vec()))
        .await
        .expect("exit");
    running.await.expect("session ends");
    eventually(
        Duration::from_secs(10),
        "the shell pod is deleted",
        || async { (shell_pods(&env).await == 0).then_some(()) },
    )
    .await;

    // A session whose browser goes away (no exit typed) is cleaned up the same way.
    let session = terminal::node::open_node(&env.registry, &env.actor(), env.cluster, &node, "")
        .await
        .expect("second shell");
    let (in_tx, in_rx) = mpsc::channel(16);
    let (out_tx, _out_rx) = mpsc::channel(16);
    let running = tokio::spawn(session.run(in_rx, out_tx));
    drop(in_tx);
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("ends when the browser leaves")
        .expect("session task");
    eventually(
        Duration::from_secs(10),
        "the second shell pod is deleted",
        || async { (shell_pods(&env).await == 0).then_some(()) },
    )
    .await;

    // Non-administrators are refused before anything is created.
    let viewer = env.db.user("viewer", false).await;
    let actor = backend::resources::objects::Actor {
        user: &viewer,
        client: &env.client,
    };
    let refused =
        match terminal::node::open_node(&env.registry, &actor, env.cluster, &node, "").await {
            Ok(_) => panic!("a viewer opened a node shell"),
            Err(e) => AppError::from(e),
        };
    assert_eq!(refused.kind, ErrorKind::Forbidden);
    assert_eq!(shell_pods(&env).await, 0);
    let audit = env.audit().await;
    assert!(
        audit
            .iter()
            .any(|r| r.action == terminal::actions::NODE_CLOSE
                && r.detail["input_lines"] == serde_json::json!(["hostname", "exit"]))
    );

    // Pods a stopped Capstan left behind are swept at start-up.
    let orphan: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "capstan-shell-orphan", "namespace": "kube-system",
            "labels": {"capstan.io/node-shell": "true"}},
        "spec": {"nodeName": node, "containers": [{"name": "shell", "image": "busybox:1.36", "command": ["sleep", "infinity"]}]},
    }))
    .expect("orphan");
    Api::<Pod>::namespaced(env.kube.clone(), "kube-system")
        .create(&kube::api::PostParams::default(), &orphan)
        .await
        .expect("create orphan");
    let swept = terminal::node::sweep(&env.registry, env.cluster)
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
}
