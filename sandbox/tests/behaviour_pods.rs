//! Pod behaviour seen through kube-rs: restarts with previous logs, followed logs, exec into the
//! simulated shell, and usage from metrics.k8s.io and the Prometheus endpoint.

mod support;

use std::time::Duration;

use futures::{AsyncBufReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams, LogParams, PostParams};
use support::{Cluster, pod, start, wait_for};
use tokio::io::AsyncReadExt;

const SETTLE: Duration = Duration::from_secs(20);

async fn running(pods: &Api<Pod>, name: &str) {
    wait_for("pod running", SETTLE, || async {
        let p = pods.get(name).await.ok()?;
        let ready = p
            .status?
            .container_statuses?
            .iter()
            .all(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()));
        ready.then_some(())
    })
    .await;
}

async fn raw_get(cluster: &Cluster, path: &str) -> String {
    let request = http::Request::get(path)
        .body(Vec::new())
        .expect("request builds");
    cluster
        .client
        .request_text(request)
        .await
        .expect("request succeeds")
}

#[tokio::test]
async fn a_crashing_container_restarts_and_keeps_its_previous_logs() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    pods.create(
        &PostParams::default(),
        &pod(
            "crasher",
            "busybox:1.36",
            &["sh", "-c", "echo booting; exit 1"],
        ),
    )
    .await
    .expect("create pod");
    let status = wait_for("a restart", SETTLE, || async {
        let s = pods
            .get("crasher")
            .await
            .ok()?
            .status?
            .container_statuses?
            .into_iter()
            .next()?;
        (s.restart_count >= 1).then_some(s)
    })
    .await;
    let last = status
        .last_state
        .and_then(|s| s.terminated)
        .expect("lastState.terminated");
    assert_eq!(last.exit_code, 1);
    let previous = pods
        .logs(
            "crasher",
            &LogParams {
                previous: true,
                ..LogParams::default()
            },
        )
        .await
        .expect("previous logs");
    assert!(previous.contains("booting"), "{previous:?}");
    wait_for("CrashLoopBackOff", Duration::from_secs(30), || async {
        let s = pods
            .get("crasher")
            .await
            .ok()?
            .status?
            .container_statuses?
            .into_iter()
            .next()?;
        (s.state?.waiting?.reason.as_deref() == Some("CrashLoopBackOff")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn following_logs_streams_new_lines() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    pods.create(&PostParams::default(), &pod("web", "nginx:1.27", &[]))
        .await
        .expect("create pod");
    running(&pods, "web").await;
    let params = LogParams {
        follow: true,
        tail_lines: Some(1),
        ..LogParams::default()
    };
    let stream = pods
        .log_stream("web", &params)
        .await
        .expect("log stream opens");
    let mut lines = stream.lines();
    let mut seen = Vec::new();
    let collected = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(Ok(line)) = lines.next().await {
            seen.push(line);
            if seen.len() >= 3 {
                break;
            }
        }
    })
    .await;
    assert!(
        collected.is_ok(),
        "only {} lines arrived: {seen:?}",
        seen.len()
    );
    assert!(
        seen.iter().skip(1).any(|l| l.contains("HTTP/1.1")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn logs_of_a_pod_with_two_containers_need_a_container_name() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    let two: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "pair"},
        "spec": {"containers": [{"name": "a", "image": "nginx:1.27"}, {"name": "b", "image": "nginx:1.27"}]},
    }))
    .expect("pod manifest");
    pods.create(&PostParams::default(), &two)
        .await
        .expect("create pod");
    running(&pods, "pair").await;
    let error = pods
        .logs("pair", &LogParams::default())
        .await
        .expect_err("a container must be named");
    let text = error.to_string();
    assert!(
        text.contains("a container name must be specified for pod pair, choose one of: [a b]"),
        "{text}"
    );
    let named = pods
        .logs(
            "pair",
            &LogParams {
                container: Some("b".into()),
                ..LogParams::default()
            },
        )
        .await
        .expect("named container");
    assert!(named.contains("nginx"));
}

#[tokio::test]
async fn exec_runs_commands_in_the_simulated_shell() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    pods.create(&PostParams::default(), &pod("shell", "nginx:1.27", &[]))
        .await
        .expect("create pod");
    running(&pods, "shell").await;

    let mut process = pods
        .exec(
            "shell",
            vec!["echo", "hello"],
            &AttachParams::default().stderr(false),
        )
        .await
        .expect("exec starts");
    let mut stdout = String::new();
    process
        .stdout()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .await
        .expect("read stdout");
    let status = process
        .take_status()
        .expect("status channel")
        .await
        .expect("status");
    assert_eq!(stdout, "hello\n");
    assert_eq!(status.status.as_deref(), Some("Success"));

    let mut failing = pods
        .exec(
            "shell",
            vec!["sh", "-c", "cat /etc/hostname; exit 3"],
            &AttachParams::default().stderr(false),
        )
        .await
        .expect("exec starts");
    let mut out = String::new();
    failing
        .stdout()
        .expect("stdout")
        .read_to_string(&mut out)
        .await
        .expect("read stdout");
    let status = failing
        .take_status()
        .expect("status channel")
        .await
        .expect("status");
    assert_eq!(out, "shell\n");
    let cause = status
        .details
        .and_then(|d| d.causes)
        .and_then(|c| c.into_iter().next())
        .expect("exit code cause");
    assert_eq!(
        (cause.reason.as_deref(), cause.message.as_deref()),
        (Some("ExitCode"), Some("3"))
    );
}

#[tokio::test]
async fn usage_is_served_by_metrics_api_and_prometheus() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "shop");
    wait_for("shop pods running", SETTLE, || async {
        let list = pods.list(&Default::default()).await.ok()?;
        let running = list
            .items
            .iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            .count();
        (running >= 5).then_some(())
    })
    .await;
    let node_metrics: serde_json::Value =
        serde_json::from_str(&raw_get(&cluster, "/apis/metrics.k8s.io/v1beta1/nodes").await)
            .expect("json");
    let items = node_metrics["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|n| n["usage"]["cpu"].as_str().is_some_and(|c| c.ends_with('m')))
    );
    let pod_metrics: serde_json::Value = serde_json::from_str(
        &raw_get(
            &cluster,
            "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods",
        )
        .await,
    )
    .expect("json");
    let first = &pod_metrics["items"][0]["containers"][0]["usage"];
    assert!(
        first["memory"].as_str().is_some_and(|m| m.ends_with("Ki")),
        "{pod_metrics}"
    );

    let scrape = raw_get(&cluster, "/metrics").await;
    for family in [
        "container_cpu_usage_seconds_total{",
        "container_memory_working_set_bytes{",
        "kube_pod_status_phase{",
        "kube_node_status_condition{",
        "kube_deployment_status_replicas{",
    ] {
        assert!(scrape.contains(family), "missing {family}");
    }
}

#[tokio::test]
async fn a_deleted_pod_is_stopped_by_its_kubelet() {
    use k8s_openapi::api::core::v1::Event;
    use kube::api::{DeleteParams, ListParams, Patch, PatchParams};

    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    let mut held = pod("held", "nginx:1.27", &[]);
    held.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    pods.create(&PostParams::default(), &held)
        .await
        .expect("create pod");
    running(&pods, "held").await;
    pods.delete("held", &DeleteParams::default())
        .await
        .expect("delete");
    // The finalizer keeps the object, so the kubelet's work stays visible.
    let status = wait_for("containers stopped", SETTLE, || async {
        let s = pods.get("held").await.ok()?.status?;
        (s.phase.as_deref() == Some("Succeeded")).then_some(s)
    })
    .await;
    let state = status
        .container_statuses
        .and_then(|c| c.into_iter().next())
        .and_then(|c| c.state)
        .and_then(|s| s.terminated);
    assert_eq!(state.map(|t| t.exit_code), Some(0));
    let events: Api<Event> = Api::namespaced(cluster.client.clone(), "default");
    let listed = events
        .list(&ListParams::default().fields("involvedObject.name=held"))
        .await
        .expect("events")
        .items;
    assert!(
        listed
            .iter()
            .any(|e| e.reason.as_deref() == Some("Killing"))
    );

    pods.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"metadata": {"finalizers": null}})),
    )
    .await
    .expect("release");
    wait_for("pod gone", SETTLE, || async {
        pods.get_opt("held").await.ok()?.is_none().then_some(())
    })
    .await;
}

#[tokio::test]
async fn deleting_a_running_pod_is_graceful_unless_grace_is_zero() {
    use kube::api::DeleteParams;

    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    for name in ["graceful", "forced"] {
        pods.create(&PostParams::default(), &pod(name, "nginx:1.27", &[]))
            .await
            .expect("create pod");
    }
    running(&pods, "graceful").await;
    running(&pods, "forced").await;

    let deleted = pods
        .delete("graceful", &DeleteParams::default())
        .await
        .expect("delete");
    let marked = deleted.left().expect("the pod is returned, still there");
    assert!(marked.metadata.deletion_timestamp.is_some());
    assert_eq!(marked.metadata.deletion_grace_period_seconds, Some(30));
    assert!(pods.get_opt("graceful").await.expect("get").is_some());
    wait_for("kubelet removes the pod", SETTLE, || async {
        pods.get_opt("graceful").await.ok()?.is_none().then_some(())
    })
    .await;

    pods.delete("forced", &DeleteParams::default().grace_period(0))
        .await
        .expect("delete now");
    assert!(pods.get_opt("forced").await.expect("get").is_none());
}

#[tokio::test]
async fn a_second_delete_with_a_shorter_grace_period_stops_the_pod_sooner() {
    use kube::api::DeleteParams;

    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    // A shell running `sleep` ignores SIGTERM, so it stops only at the end of its grace period.
    let stubborn = pod("stubborn", "busybox:1.36", &["sh", "-c", "sleep 3600"]);
    pods.create(&PostParams::default(), &stubborn)
        .await
        .expect("create pod");
    running(&pods, "stubborn").await;
    pods.delete("stubborn", &DeleteParams::default().grace_period(600))
        .await
        .expect("delete with a long grace period");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(pods.get_opt("stubborn").await.expect("get").is_some());
    pods.delete("stubborn", &DeleteParams::default().grace_period(1))
        .await
        .expect("delete again, sooner");
    wait_for(
        "kubelet removes the pod at the shorter deadline",
        SETTLE,
        || async { pods.get_opt("stubborn").await.ok()?.is_none().then_some(()) },
    )
    .await;
}
