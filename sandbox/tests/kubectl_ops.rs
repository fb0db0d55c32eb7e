//! The real kubectl v1.35 against the sandbox, for what users do to nodes and running pods: cordon and
//! taints, logs (tail, follow, previous), exec with and without a terminal, and top. Each test gets its
//! own demo cluster (it has nodes, so pods run) and runs kubectl on a blocking thread.

mod api_support;

use std::time::Duration;

use api_support::streams::{line_channel, read_until, stop};
use api_support::with_demo_cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cordon_and_taints_steer_the_scheduler() {
    with_demo_cluster(|k| {
        let cordoned = k.kubectl(&["cordon", "sandbox-worker-1"]);
        assert!(cordoned.contains("cordoned"), "{cordoned}");
        let nodes = k.kubectl(&["get", "nodes"]);
        let worker = nodes
            .lines()
            .find(|l| l.starts_with("sandbox-worker-1"))
            .unwrap_or_default();
        assert!(worker.contains("Ready,SchedulingDisabled"), "{nodes}");

        let tainted = k.kubectl(&["taint", "nodes", "sandbox-gpu-1", "dedicated=ml:NoSchedule"]);
        assert!(tainted.contains("tainted"), "{tainted}");
        let taints = k.kubectl(&[
            "get",
            "node",
            "sandbox-gpu-1",
            "-o",
            "jsonpath={range .spec.taints[*]}{.key}={.value}:{.effect}{end}",
        ]);
        assert_eq!(taints, "dedicated=ml:NoSchedule");

        // Every node is now closed to an ordinary pod: cordoned, tainted, or the control plane.
        k.run_pod("waiting", &["--image=nginx:1.27"]);
        k.kubectl_until(
            &["describe", "pod", "waiting"],
            Duration::from_secs(10),
            |d| d.contains("FailedScheduling") && d.contains("untolerated taint {dedicated: ml}"),
        );
        assert_eq!(
            k.kubectl(&["get", "pod", "waiting", "-o", "jsonpath={.spec.nodeName}"]),
            ""
        );

        let untainted = k.kubectl(&["taint", "nodes", "sandbox-gpu-1", "dedicated-"]);
        assert!(untainted.contains("untainted"), "{untainted}");
        let taints = k.kubectl(&[
            "get",
            "node",
            "sandbox-gpu-1",
            "-o",
            "jsonpath={.spec.taints}",
        ]);
        assert!(!taints.contains("dedicated"), "{taints}");
        k.wait_ready("pod/waiting");
        assert_eq!(
            k.kubectl(&["get", "pod", "waiting", "-o", "jsonpath={.spec.nodeName}"]),
            "sandbox-gpu-1",
            "the only schedulable node once the taint is gone"
        );
        k.kubectl(&["uncordon", "sandbox-worker-1"]);
        let nodes = k.kubectl(&["get", "nodes"]);
        assert!(!nodes.contains("SchedulingDisabled"), "{nodes}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_tail_follow_and_previous() {
    with_demo_cluster(|k| {
        k.run_pod("web", &["--image=nginx:1.27"]);
        k.run_pod(
            "crashy",
            &[
                "--image=busybox",
                "--",
                "sh",
                "-c",
                "echo attempt; sleep 1; exit 1",
            ],
        );
        k.wait_ready("pod/web");
        k.kubectl_until(&["logs", "web"], Duration::from_secs(20), |l| {
            l.lines().count() >= 3
        });
        let tail = k.kubectl(&["logs", "web", "--tail=2"]);
        assert_eq!(tail.lines().count(), 2, "{tail}");
        // Lines keep coming, so a later full read holds the tail but may go on after it.
        let all = k.kubectl(&["logs", "web"]);
        assert!(all.contains(&tail), "the tail comes from the log");

        // Nothing old (`--tail=0`), so every line read was streamed while following.
        let mut follow = k.spawn_kubectl(&["logs", "-f", "web", "--tail=0"]);
        let lines = line_channel(&mut follow);
        let streamed = read_until(&lines, Duration::from_secs(20), "followed lines", |l| {
            l.len() >= 2
        });
        let stderr = stop(follow);
        assert!(
            streamed.iter().all(|l| l.contains("HTTP/1.1")),
            "{streamed:?} {stderr}"
        );

        let no_previous = k.kubectl_output(&["logs", "web", "--previous"]);
        assert!(!no_previous.status.success());
        assert!(
            String::from_utf8_lossy(&no_previous.stderr).contains("previous terminated container"),
            "{}",
            String::from_utf8_lossy(&no_previous.stderr)
        );
        k.kubectl_until(
            &[
                "get",
                "pod",
                "crashy",
                "-o",
                "jsonpath={.status.containerStatuses[0].restartCount}",
            ],
            Duration::from_secs(30),
            |n| n.parse::<u32>().is_ok_and(|n| n >= 1),
        );
        assert_eq!(k.kubectl(&["logs", "crashy", "--previous"]), "attempt\n");
        let exit_code = k.kubectl(&[
            "get",
            "pod",
            "crashy",
            "-o",
            "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}",
        ]);
        assert_eq!(exit_code, "1");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_through_a_terminal_and_without_one() {
    with_demo_cluster(|k| {
        k.run_pod("web", &["--image=nginx:1.27"]);
        k.wait_ready("pod/web");
        assert_eq!(k.kubectl(&["exec", "web", "--", "echo", "hi"]), "hi\n");
        let failed = k.kubectl_output(&["exec", "web", "--", "sh", "-c", "exit 3"]);
        assert_eq!(failed.status.code(), Some(3), "the exit code comes through");
        assert_eq!(
            k.kubectl_stdin(&["exec", "-i", "web", "--", "cat"], "piped\nlines\n"),
            "piped\nlines\n",
            "stdin reaches a command that reads it"
        );
        assert_eq!(
            k.kubectl_stdin(&["exec", "-i", "web", "--", "sh"], "echo from-stdin\n"),
            "from-stdin\n"
        );

        let run = k.kubectl_in_terminal(
            &["exec", "-it", "web", "--", "sh"],
            &[("echo hello\r", "# "), ("exit\r", "\r\nhello\r\n")],
        );
        assert!(run.success, "the session ends cleanly:\n{}", run.output);
        assert!(
            run.output.contains("echo hello\r\nhello\r\n"),
            "the terminal echoes the line and shows its output:\n{:?}",
            run.output
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_nodes_and_pods_read_metrics() {
    with_demo_cluster(|k| {
        let nodes = k.kubectl(&["top", "nodes"]);
        assert!(
            nodes.contains("CPU(cores)") && nodes.contains("MEMORY(bytes)"),
            "{nodes}"
        );
        for node in ["sandbox-control-plane", "sandbox-worker-1", "sandbox-gpu-1"] {
            let row = nodes.lines().find(|l| l.starts_with(node));
            assert!(
                row.is_some_and(|r| r.contains('m') && r.contains("Mi") && r.contains('%')),
                "{node} has usage: {nodes}"
            );
        }
        k.kubectl_until(
            &["top", "pods", "-n", "kube-system"],
            Duration::from_secs(30),
            |pods| pods.contains("coredns-"),
        );
        k.run_pod("web", &["--image=nginx:1.27"]);
        k.wait_ready("pod/web");
        k.kubectl_until(
            &["top", "pod", "web", "--containers"],
            Duration::from_secs(30),
            |out| {
                out.lines()
                    .any(|l| l.split_whitespace().take(2).eq(["web", "web"]))
            },
        );
        let all = k.kubectl(&["top", "pods", "-A", "--sort-by=cpu"]);
        assert!(
            all.contains("NAMESPACE") && all.contains("kube-system"),
            "{all}"
        );
    })
    .await;
}
