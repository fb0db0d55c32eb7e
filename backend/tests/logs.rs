//! Container logs against a real sandbox cluster: a text read with tail and the previous run, a
//! follow that lives through a container restart without repeating a line, every pod of a
//! workload merged, and bad options refused with the field at fault.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use backend::logs::{self, LogSubject, LogText};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};
use model::logs::{LogEvent, LogLine, LogOptions, SourceState};
use model::{AppError, ErrorKind};
use sandbox::Scenario;
use serde_json::json;
use support::{Env, eventually};
use tokio::sync::mpsc;

/// A pod whose container prints two lines, runs two seconds and fails: it restarts (after the
/// kubelet's back-off) again and again.
async fn crashing_pod(env: &Env, name: &str) {
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{
            "name": "app", "image": "busybox:1.36",
            "command": ["sh", "-c", "echo starting up; echo ready; sleep 2; exit 3"],
        }]},
    }))
    .expect("pod");
    Api::<Pod>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &pod)
        .await
        .expect("create pod");
}

fn pod(name: &str) -> LogSubject {
    LogSubject {
        kind: "pods".into(),
        namespace: "default".into(),
        name: name.into(),
    }
}

async fn text(env: &Env, subject: &LogSubject, options: LogOptions) -> Result<String, AppError> {
    match logs::text(&env.registry, env.cluster, subject, options).await {
        Ok(LogText::Whole(text)) => Ok(text),
        Ok(LogText::Stream(mut stream)) => {
            let mut text = Vec::new();
            while let Some(chunk) = stream.next().await {
                text.extend_from_slice(&chunk.expect("chunk"));
            }
            Ok(String::from_utf8(text).expect("utf-8"))
        }
        Err(e) => Err(AppError::from(e)),
    }
}

async fn restarts(env: &Env, name: &str) -> i32 {
    let pod = Api::<Pod>::namespaced(env.kube.clone(), "default")
        .get(name)
        .await
        .expect("pod");
    pod.status
        .and_then(|s| s.container_statuses)
        .and_then(|c| c.first().map(|c| c.restart_count))
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_reads_whole_tailed_and_previous_and_refuses_bad_options() {
    let env = Env::new(Scenario::Scale { nodes: 1, pods: 0 }).await;
    crashing_pod(&env, "crasher").await;
    let whole = eventually(Duration::from_secs(20), "the first run logs", || async {
        text(&env, &pod("crasher"), LogOptions::default())
            .await
            .ok()
            .filter(|t| t.contains("ready"))
    })
    .await;
    assert!(whole.starts_with("starting up\n"), "{whole}");
    let tailed = text(
        &env,
        &pod("crasher"),
        LogOptions {
            tail_lines: Some(1),
            timestamps: true,
            ..LogOptions::default()
        },
    )
    .await
    .expect("tail");
    assert_eq!(tailed.lines().count(), 1, "{tailed}");
    assert!(tailed.trim_end().ends_with("Z ready"), "{tailed}");

    eventually(Duration::from_secs(40), "a restart", || async {
        (restarts(&env, "crasher").await >= 1).then_some(())
    })
    .await;
    let previous = text(
        &env,
        &pod("crasher"),
        LogOptions {
            previous: true,
            ..LogOptions::default()
        },
    )
    .await
    .expect("previous run");
    assert!(previous.contains("ready"), "{previous}");

    let bad = text(
        &env,
        &pod("crasher"),
        LogOptions {
            tail_lines: Some(-5),
            container: Some("nope".into()),
            ..LogOptions::default()
        },
    )
    .await
    .expect_err("bad options");
    assert_eq!(bad.kind, ErrorKind::Invalid);
    assert!(
        bad.fields.iter().any(|f| f.field == "tail_lines"),
        "{bad:?}"
    );
    let missing = text(
        &env,
        &pod("crasher"),
        LogOptions {
            container: Some("sidecar".into()),
            ..LogOptions::default()
        },
    )
    .await
    .expect_err("no such container");
    assert_eq!(missing.fields[0].field, "container");
    assert!(missing.message.contains("app"), "{missing:?}");
    let gone = text(&env, &pod("no-such-pod"), LogOptions::default())
        .await
        .expect_err("no such pod");
    assert_eq!(gone.kind, ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_lives_through_restarts_without_repeating_lines() {
    let env = Env::new(Scenario::Scale { nodes: 1, pods: 0 }).await;
    crashing_pod(&env, "flaky").await;
    let (tx, mut rx) = mpsc::channel(64);
    let session = tokio::spawn(logs::serve(
        env.registry.clone(),
        env.cluster,
        pod("flaky"),
        LogOptions {
            follow: true,
            ..LogOptions::default()
        },
        tx,
    ));
    let mut lines: Vec<LogLine> = Vec::new();
    let mut states = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    // Two runs: the second run's lines come after a wait for the restart.
    while lines.iter().filter(|l| l.text == "ready").count() < 2 {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the second run in time")
            .expect("the session runs");
        match event {
            LogEvent::Lines { lines: batch } => lines.extend(batch),
            LogEvent::Source { state, .. } => states.push(state),
            other => panic!("unexpected {other:?}"),
        }
    }
    session.abort();
    assert!(
        states
            .iter()
            .any(|s| matches!(s, SourceState::Waiting { reason } if reason.contains("code 3"))),
        "{states:?}"
    );
    // Streaming again after the wait.
    let waited = states
        .iter()
        .position(|s| matches!(s, SourceState::Waiting { reason } if reason.contains("code 3")))
        .unwrap_or(usize::MAX);
    assert!(
        states[waited.min(states.len())..].contains(&SourceState::Streaming),
        "{states:?}"
    );
    let unique: HashSet<(Option<String>, String)> = lines
        .iter()
        .map(|l| (l.at.clone(), l.text.clone()))
        .collect();
    assert_eq!(unique.len(), lines.len(), "a line came twice: {lines:?}");
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["starting up", "ready", "starting up", "ready"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workload_merges_the_logs_of_its_pods() {
    let env = Env::new(Scenario::Demo).await;
    let frontend = LogSubject {
        kind: "deployments.apps".into(),
        namespace: "shop".into(),
        name: "frontend".into(),
    };
    let targets = eventually(Duration::from_secs(20), "three running pods", || async {
        logs::targets(&env.registry, env.cluster, &frontend)
            .await
            .ok()
            .filter(|t| {
                t.pods.len() == 3
                    && t.pods
                        .iter()
                        .all(|p| p.containers.iter().all(|c| c.running))
            })
    })
    .await;
    assert_eq!(targets.title, "Deployment frontend");
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(logs::serve(
        env.registry.clone(),
        env.cluster,
        frontend.clone(),
        LogOptions {
            tail_lines: Some(5),
            ..LogOptions::default()
        },
        tx,
    ));
    let mut pods = HashSet::new();
    let mut stamps: Vec<String> = Vec::new();
    let mut ended = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("events in time")
        {
            Some(LogEvent::Lines { lines }) => {
                stamps.extend(lines.iter().filter_map(|l| l.at.clone()));
                pods.extend(lines.into_iter().map(|l| l.pod));
            }
            Some(LogEvent::Source {
                state: SourceState::Ended { .. },
                ..
            }) => ended += 1,
            Some(LogEvent::Source { .. }) => {}
            Some(LogEvent::Done) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((pods.len(), ended), (3, 3));
    // The pods' lines come interleaved by time, not one pod after another.
    assert_eq!(stamps.len(), 15);
    assert!(stamps.is_sorted(), "{stamps:?}");
    let merged = text(&env, &frontend, LogOptions::default())
        .await
        .expect("merged text");
    let prefixes: HashSet<&str> = merged
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(p, _)| p))
        .collect();
    assert_eq!(prefixes.len(), 3, "{prefixes:?}");
    assert!(
        prefixes.iter().all(|p| p.ends_with("/frontend]")),
        "{prefixes:?}"
    );

    let jobless = LogSubject {
        kind: "services".into(),
        namespace: "shop".into(),
        name: "frontend".into(),
    };
    let refused = logs::targets(&env.registry, env.cluster, &jobless)
        .await
        .expect_err("services have no logs");
    assert_eq!(AppError::from(refused).fields[0].field, "kind");
}
